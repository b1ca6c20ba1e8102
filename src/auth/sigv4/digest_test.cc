#include "auth/sigv4/digest.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/encoding.h"

namespace coffer::auth::sigv4 {
namespace {

std::string Hex(const Sha256Digest& d) {
  return HexEncode({reinterpret_cast<const char*>(d.data()), d.size()});
}

TEST(DigestTest, Sha256KnownValues) {
  EXPECT_EQ(*Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(*Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(*Sha256("a", "bc")), Hex(*Sha256("abc")));
}

TEST(DigestTest, HmacKnownValue) {
  EXPECT_EQ(Hex(*HmacSha256("key", "The quick brown fox jumps over the lazy dog")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  // RFC 4231 test case 2.
  EXPECT_EQ(Hex(*HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// The AWS General Reference's example (secret wJalr..., 20120215, us-east-1,
// iam) and the test-suite scope. Compared via signatures so no key bytes are
// printed on failure.
TEST(DigestTest, DerivedSigningKeyMatchesAwsExample) {
  auto key =
      DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  ASSERT_TRUE(key.ok());
  const std::string expected_hex =
      "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d";
  EXPECT_TRUE(HexEncode(key->view()) == expected_hex);
  auto other =
      DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120216", "us-east-1", "iam");
  EXPECT_FALSE(*key == *other);
}

TEST(DigestTest, SignatureOfGetVanilla) {
  auto key = DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1",
                              "service");
  ASSERT_TRUE(key.ok());
  const std::string sts =
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63";
  EXPECT_EQ(*ComputeSignature(*key, sts),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

// The signing context stays keyed between calls: signing under one key, then
// another, then the first again, with derivations in between, matches the
// plain HMAC every time.
TEST(DigestTest, SignatureAcrossKeyChanges) {
  auto a = DeriveSigningKey("secret-a", "20150830", "us-east-1", "service");
  auto b = DeriveSigningKey("secret-b", "20150830", "us-east-1", "service");
  ASSERT_TRUE(a.ok() && b.ok());
  for (const SigningKey* key : {&*a, &*a, &*b, &*a, &*b, &*b}) {
    for (std::string_view sts : {"one", "two"}) {
      EXPECT_EQ(*ComputeSignature(*key, sts), Hex(*HmacSha256(key->view(), sts)));
      ASSERT_TRUE(DeriveSigningKey("other", "20150831", "eu-west-1", "iam").ok());
    }
  }
}

TEST(DigestTest, SignaturesEqual) {
  EXPECT_TRUE(SignaturesEqual("abcd", "abcd"));
  EXPECT_FALSE(SignaturesEqual("abcd", "abce"));
  EXPECT_FALSE(SignaturesEqual("abcd", "abc"));
  EXPECT_TRUE(SignaturesEqual("", ""));
}

// Per-thread contexts: concurrent use from several threads gives the same
// answers as single-threaded use.
TEST(DigestTest, ConcurrentUse) {
  const std::string want = Hex(*HmacSha256("k", "data"));
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      int good = 0;
      for (int i = 0; i < 500; ++i) {
        good += Hex(*HmacSha256("k", "data")) == want;
        good += (*Sha256Hex("abc"))[0] == 'b';
      }
      ok[t] = good;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(ok[t], 1000);
}

}  // namespace
}  // namespace coffer::auth::sigv4
