#include "sts/session_tokens.h"

#include <gtest/gtest.h>

#include "common/encoding.h"

namespace coffer::sts {
namespace {

crypto::Barrier MakeBarrier(char fill) {
  return crypto::Barrier(SecureString(std::string(32, fill)));
}

auth::sigv4::SessionClaims Claims(int64_t expires_ms) {
  auth::sigv4::SessionClaims c;
  c.role_arn = "arn:aws:iam::111122223333:role/runner";
  c.role_id = "AROAEXAMPLEEXAMPLE01";
  c.session_name = "build-42";
  c.source_identity = "alice";
  c.issued_ms = 1000;
  c.expires_ms = expires_ms;
  c.session_policy = R"({"Version":"2012-10-17","Statement":[]})";
  c.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  c.tags = {{"team", "data"}, {"env", "ci"}};
  return c;
}

TEST(SessionTokensTest, IssuedCredentialOpensWithItsClaims) {
  crypto::Barrier barrier = MakeBarrier('k');
  SessionTokens tokens(barrier);
  auto issued = tokens.Issue(
      "111122223333", "arn:aws:sts::111122223333:assumed-role/runner/build-42", Claims(5000));
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_TRUE(issued->access_key_id.starts_with("ASIA"));
  EXPECT_EQ(issued->access_key_id.size(), 20u);
  EXPECT_EQ(issued->secret_access_key.view().size(), 40u);
  // The token does not show the secret.
  EXPECT_EQ(issued->session_token.find(std::string(issued->secret_access_key.view())),
            std::string::npos);
  auto opened = tokens.Open(issued->access_key_id, issued->session_token, 4999);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_NE(*opened, nullptr);
  EXPECT_EQ((*opened)->secret_access_key.view(), issued->secret_access_key.view());
  EXPECT_EQ((*opened)->account_id, "111122223333");
  EXPECT_EQ((*opened)->principal_arn, "arn:aws:sts::111122223333:assumed-role/runner/build-42");
  ASSERT_NE((*opened)->session, nullptr);
  EXPECT_EQ(*(*opened)->session, Claims(5000));
}

TEST(SessionTokensTest, ExpiredTokenIsExpiredTokenException) {
  crypto::Barrier barrier = MakeBarrier('k');
  SessionTokens tokens(barrier);
  auto issued = tokens.Issue("111122223333", "arn:aws:iam::111122223333:user/u", Claims(5000));
  ASSERT_TRUE(issued.ok());
  auto opened = tokens.Open(issued->access_key_id, issued->session_token, 5000);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().reason(), kExpiredToken);
  EXPECT_EQ(opened.status().message(), kExpiredTokenMessage);
}

TEST(SessionTokensTest, TamperedMovedOrForeignTokensDoNotOpen) {
  crypto::Barrier barrier = MakeBarrier('k');
  crypto::Barrier other = MakeBarrier('o');
  SessionTokens tokens(barrier);
  SessionTokens foreign(other);
  auto a = tokens.Issue("111122223333", "arn:aws:iam::111122223333:user/u", Claims(5000));
  auto b = tokens.Issue("111122223333", "arn:aws:iam::111122223333:user/u", Claims(5000));
  ASSERT_TRUE(a.ok() && b.ok());
  auto null_of = [](const Result<std::shared_ptr<const auth::sigv4::Credential>>& r) {
    return r.ok() && *r == nullptr;
  };
  // Another id's token.
  EXPECT_TRUE(null_of(tokens.Open(a->access_key_id, b->session_token, 1)));
  // Another deployment's root key.
  EXPECT_TRUE(null_of(foreign.Open(a->access_key_id, a->session_token, 1)));
  // One bit flipped in the sealed bytes.
  std::string raw = *Base64Decode(a->session_token);
  raw[raw.size() / 2] ^= 1;
  EXPECT_TRUE(null_of(tokens.Open(a->access_key_id, Base64Encode(raw), 1)));
  // Not base64, empty, huge, a long-term id.
  EXPECT_TRUE(null_of(tokens.Open(a->access_key_id, "!!!", 1)));
  EXPECT_TRUE(null_of(tokens.Open(a->access_key_id, "", 1)));
  EXPECT_TRUE(null_of(tokens.Open(a->access_key_id, std::string(40000, 'A'), 1)));
  EXPECT_TRUE(null_of(tokens.Open("AKIA" + a->access_key_id.substr(4), a->session_token, 1)));
}

TEST(OpenedSessionsTest, HitsOnlyTheSameTokenAndStillExpires) {
  crypto::Barrier barrier = MakeBarrier('k');
  SessionTokens tokens(barrier);
  OpenedSessions sessions(tokens);
  auto a = tokens.Issue("111122223333", "arn:aws:iam::111122223333:user/u", Claims(5000));
  ASSERT_TRUE(a.ok());
  auto first = sessions.Open(a->access_key_id, a->session_token, 1);
  ASSERT_TRUE(first.ok() && *first);
  auto second = sessions.Open(a->access_key_id, a->session_token, 2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->get(), first->get()) << "the second open was not served from the cache";
  // Another token for the same id (forged or moved): not a hit, and it does not open.
  std::string other = a->session_token;
  other[other.size() / 2] = other[other.size() / 2] == 'A' ? 'B' : 'A';
  auto forged = sessions.Open(a->access_key_id, other, 3);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(*forged, nullptr);
  // Expiry is checked on a hit.
  auto late = sessions.Open(a->access_key_id, a->session_token, 5000);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().reason(), kExpiredToken);
}

}  // namespace
}  // namespace coffer::sts
