// Page tokens (page_token.h): round trip, forgery, scope binding.

#include "secrets/page_token.h"

#include <gtest/gtest.h>

namespace coffer::secrets {
namespace {

const std::string kKey(32, 'k');

TEST(PageToken, RoundTrip) {
  std::string scope = PageTokenScope({"ListSecrets", "123456789012", "us-east-1", "f"});
  for (const PagePosition& pos : {PagePosition{"1709287200250", 42}, PagePosition{"", 0},
                                  PagePosition{"name/with:odd=chars", 1LL << 40}}) {
    auto token = EncodePageToken(kKey, scope, pos);
    ASSERT_TRUE(token.ok());
    EXPECT_EQ(token->find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    auto back = DecodePageToken(kKey, scope, *token);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, pos);
  }
}

void ExpectInvalid(const Result<PagePosition>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "InvalidNextTokenException");
  EXPECT_EQ(r.status().message(), "The NextToken value is invalid.");
}

TEST(PageToken, OtherAccountRegionOrQueryIsRejected) {
  std::string mine = PageTokenScope({"ListSecrets", "123456789012", "us-east-1", ""});
  auto token = EncodePageToken(kKey, mine, {"5", 5});
  ASSERT_TRUE(token.ok());
  ExpectInvalid(DecodePageToken(
      kKey, PageTokenScope({"ListSecrets", "210987654321", "us-east-1", ""}), *token));
  ExpectInvalid(DecodePageToken(
      kKey, PageTokenScope({"ListSecrets", "123456789012", "eu-west-1", ""}), *token));
  ExpectInvalid(DecodePageToken(
      kKey, PageTokenScope({"ListSecrets", "123456789012", "us-east-1", "x"}), *token));
  ExpectInvalid(DecodePageToken(
      kKey, PageTokenScope({"BatchGetSecretValue", "123456789012", "us-east-1", ""}), *token));
  ExpectInvalid(DecodePageToken(std::string(32, 'x'), mine, *token));  // another server key
}

TEST(PageToken, ScopePartsAreUnambiguous) {
  EXPECT_NE(PageTokenScope({"ab", "c"}), PageTokenScope({"a", "bc"}));
  EXPECT_NE(PageTokenScope({"a", ""}), PageTokenScope({"a"}));
}

TEST(PageToken, ForgedOrDamagedTokensAreRejected) {
  std::string scope = PageTokenScope({"ListSecrets"});
  auto token = EncodePageToken(kKey, scope, {"1000", 7});
  ASSERT_TRUE(token.ok());
  for (size_t i = 0; i < token->size(); ++i) {
    std::string t = *token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodePageToken(kKey, scope, t).ok()) << "flipped position " << i;
  }
  ExpectInvalid(DecodePageToken(kKey, scope, token->substr(0, token->size() - 1)));
  ExpectInvalid(DecodePageToken(kKey, scope, *token + "A"));
  ExpectInvalid(DecodePageToken(kKey, scope, ""));
  ExpectInvalid(DecodePageToken(kKey, scope, "not a token!"));
  ExpectInvalid(DecodePageToken(kKey, scope, "eyJpZCI6NDJ9"));  // {"id":42}
}

TEST(PageToken, EmptyKeyNeverIssuesOrAcceptsTokens) {
  auto token = EncodePageToken("", "s", {"1", 1});
  EXPECT_EQ(token.status().code(), StatusCode::kInternal);
  EXPECT_EQ(DecodePageToken("", "s", "AAAA").status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace coffer::secrets
