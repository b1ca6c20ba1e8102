#include "auth/sigv4/signer.h"

#include <gtest/gtest.h>

#include "auth/sigv4/canonical.h"

namespace coffer::auth::sigv4 {
namespace {

constexpr int64_t kTime = 1440938160000;  // 20150830T123600Z

SigningCredentials Creds(std::string token = "") {
  return {"AKIDEXAMPLE", SecureString(std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")),
          std::move(token)};
}

TEST(SignerTest, SkipsUnsignableHeadersButKeepsThem) {
  const HeaderList headers = {{"Host", "example.amazonaws.com"},
                              {"User-Agent", "botocore/1.34"},
                              {"X-Amz-Date", "19990101T000000Z"},  // replaced
                              {"Authorization", "stale"},          // replaced
                              {"Expect", "100-continue"}};
  HttpRequestView req{"POST", "/", &headers, "{}"};
  auto result = SignRequest(req, Creds(), "us-east-1", "secretsmanager", kTime);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_NE(result->authorization.find("SignedHeaders=host;x-amz-date,"), std::string::npos)
      << result->authorization;
  const HeaderList want = {{"Host", "example.amazonaws.com"},
                           {"X-Amz-Date", "20150830T123600Z"},
                           {"User-Agent", "botocore/1.34"},
                           {"Expect", "100-continue"},
                           {"Authorization", result->authorization}};
  EXPECT_EQ(result->signed_headers, want);
  EXPECT_EQ(result->signature.size(), 64u);
  EXPECT_NE(result->authorization.find("Signature=" + result->signature), std::string::npos);
}

TEST(SignerTest, SessionTokenIsAddedAndSigned) {
  const HeaderList headers = {{"Host", "h"}};
  HttpRequestView req{"GET", "/", &headers, ""};
  auto result = SignRequest(req, Creds("tok"), "us-east-1", "sts", kTime);
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
  EXPECT_NE(result->canonical_request.find("\nx-amz-security-token:tok\n"), std::string::npos);
}

TEST(SignerTest, RequiresHost) {
  const HeaderList headers = {{"X-Amz-Target", "x"}};
  HttpRequestView req{"POST", "/", &headers, ""};
  auto result = SignRequest(req, Creds(), "us-east-1", "s", kTime);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(PresignRequest(req, Creds(), "us-east-1", "s", kTime, 60).ok());
}

TEST(SignerTest, PresignAppendsQueryParameters) {
  const HeaderList headers = {{"Host", "sts.amazonaws.com"}};
  HttpRequestView req{"GET", "/?Action=GetCallerIdentity&Version=2011-06-15", &headers, ""};
  auto target = PresignRequest(req, Creds(), "us-east-1", "sts", kTime, 900);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  const std::string prefix =
      "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request"
      "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
      "&X-Amz-Signature=";
  ASSERT_EQ(target->substr(0, prefix.size()), prefix);
  EXPECT_EQ(target->size(), prefix.size() + 64);
  EXPECT_FALSE(PresignRequest(req, Creds(), "us-east-1", "sts", kTime, 0).ok());
  EXPECT_FALSE(PresignRequest(req, Creds(), "us-east-1", "sts", kTime, 604801).ok());
  HttpRequestView bare{"GET", "/", &headers, ""};
  auto bare_target = PresignRequest(bare, Creds(), "us-east-1", "sts", kTime, 60);
  ASSERT_TRUE(bare_target.ok());
  EXPECT_EQ(bare_target->substr(0, 19), "/?X-Amz-Algorithm=A");
}

}  // namespace
}  // namespace coffer::auth::sigv4
