#include "crypto/envelope.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/keyring.h"

namespace coffer::crypto {
namespace {

using internal::EnvelopeHeader;
using internal::EnvelopeSize;
using internal::ParseEnvelope;

std::string Canonical(const EncryptionContext& c) {
  Result<std::string> r = CanonicalEncryptionContext(c);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

TEST(CanonicalContextTest, IndependentOfOrder) {
  EXPECT_EQ(Canonical({{"SecretARN", "a"}, {"SecretVersionId", "v"}}),
            Canonical({{"SecretVersionId", "v"}, {"SecretARN", "a"}}));
}

TEST(CanonicalContextTest, ExactEncoding) {
  EXPECT_EQ(Canonical({}), std::string("\0\0\0\0", 4));
  EXPECT_EQ(Canonical({{"b", "2"}, {"a", ""}}), std::string("\0\0\0\2"
                                                            "\0\0\0\1a\0\0\0\0"
                                                            "\0\0\0\1b\0\0\0\1"
                                                            "2",
                                                            4 + 9 + 10));
}

TEST(CanonicalContextTest, Unambiguous) {
  const std::vector<EncryptionContext> distinct = {
      {},
      {{"", ""}},
      {{"a", "bc"}},
      {{"ab", "c"}},
      {{"a", "b"}, {"c", "d"}},
      {{"a", std::string("b\0\0\0\1c\0\0\0\1d", 11)}},
      {{"a", "bcd"}},
      {{"A", "bc"}},
  };
  for (size_t i = 0; i < distinct.size(); ++i) {
    for (size_t j = i + 1; j < distinct.size(); ++j) {
      EXPECT_NE(Canonical(distinct[i]), Canonical(distinct[j])) << i << " vs " << j;
    }
  }
}

TEST(CanonicalContextTest, RejectsDuplicateKeys) {
  Result<std::string> r = CanonicalEncryptionContext({{"k", "1"}, {"j", "x"}, {"k", "2"}});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().reason(), "ValidationException");
}

TEST(EnvelopeTest, HeaderLayout) {
  const std::string arn = "arn:aws:kms:us-east-1:123456789012:key/k";
  std::string h = EnvelopeHeader(arn, 258);
  ASSERT_EQ(h.size(), 7 + arn.size());
  EXPECT_EQ(h[0], '\x01');
  EXPECT_EQ(h.substr(1, 2), std::string("\0\x28", 2));  // 40
  EXPECT_EQ(h.substr(3, arn.size()), arn);
  EXPECT_EQ(h.substr(3 + arn.size()), std::string("\0\0\x01\x02", 4));
}

TEST(EnvelopeTest, ParsesFieldsAtDocumentedOffsets) {
  const std::string arn = "arn:aws:kms:eu-west-1:111122223333:key/x";
  std::string header = EnvelopeHeader(arn, 7);
  std::string env(EnvelopeSize(header.size(), 5), '\0');
  ASSERT_EQ(env.size(), header.size() + 12 + 32 + 16 + 12 + 5 + 16);
  env.replace(0, header.size(), header);
  for (size_t i = header.size(); i < env.size(); ++i) env[i] = static_cast<char>(i);
  std::optional<internal::EnvelopeParts> p = ParseEnvelope(env);
  ASSERT_TRUE(p.has_value());
  const size_t l = arn.size();
  EXPECT_EQ(p->key_arn, arn);
  EXPECT_EQ(p->material_version, 7);
  EXPECT_EQ(p->header, header);
  EXPECT_EQ(p->wrap_nonce.data() - env.data(), static_cast<ptrdiff_t>(7 + l));
  EXPECT_EQ(p->wrapped_key.data() - env.data(), static_cast<ptrdiff_t>(19 + l));
  EXPECT_EQ(p->wrap_tag.data() - env.data(), static_cast<ptrdiff_t>(51 + l));
  EXPECT_EQ(p->value_nonce.data() - env.data(), static_cast<ptrdiff_t>(67 + l));
  EXPECT_EQ(p->ciphertext.data() - env.data(), static_cast<ptrdiff_t>(79 + l));
  EXPECT_EQ(p->ciphertext.size(), 5u);
  EXPECT_EQ(p->value_tag.data() - env.data(), static_cast<ptrdiff_t>(84 + l));
  EXPECT_EQ(p->value_tag.size(), 16u);
}

TEST(EnvelopeTest, RejectsMalformed) {
  const std::string arn = "arn:aws:kms:eu-west-1:111122223333:key/x";
  std::string header = EnvelopeHeader(arn, 1);
  std::string env(EnvelopeSize(header.size(), 0), '\0');
  env.replace(0, header.size(), header);
  ASSERT_TRUE(ParseEnvelope(env).has_value());
  for (size_t n = 0; n < env.size(); ++n) {
    EXPECT_FALSE(ParseEnvelope(env.substr(0, n)).has_value()) << n;
  }
  std::string bad = env;
  bad[0] = '\x02';  // unknown format
  EXPECT_FALSE(ParseEnvelope(bad).has_value());
  bad = env;
  bad[1] = bad[2] = '\0';  // empty ARN
  EXPECT_FALSE(ParseEnvelope(bad).has_value());
  bad = env;
  bad.replace(3 + arn.size(), 4, std::string("\0\0\0\0", 4));  // version 0
  EXPECT_FALSE(ParseEnvelope(bad).has_value());
  bad = env;
  bad.replace(3 + arn.size(), 4, "\x80\0\0\0");  // version > INT32_MAX
  EXPECT_FALSE(ParseEnvelope(bad).has_value());
  bad = env;
  bad[1] = '\x08';
  bad[2] = '\x01';  // ARN length 2049
  EXPECT_FALSE(ParseEnvelope(bad + std::string(4096, 'a')).has_value());
}

}  // namespace
}  // namespace coffer::crypto
