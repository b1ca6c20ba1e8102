#include "client/sts_client.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

namespace coffer::client {
namespace {

constexpr char kAssumeRoleXml[] =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>s3cr3t&amp;key</SecretAccessKey>
      <SessionToken>token+/=</SessionToken>
      <Expiration>2026-12-08T04:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn></AssumedRoleUser>
  </AssumeRoleResult>
</AssumeRoleResponse>)";

TEST(StsClientTest, ParsesIso8601) {
  EXPECT_EQ(ParseIso8601Utc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIso8601Utc("2026-12-08T04:00:00Z"), 1796702400000);
  EXPECT_EQ(ParseIso8601Utc("2026-12-08T04:00:00.25Z"), 1796702400250);
  EXPECT_FALSE(ParseIso8601Utc("2026-12-08 04:00:00").has_value());
  EXPECT_FALSE(ParseIso8601Utc("yesterday").has_value());
}

TEST(StsClientTest, ParsesAssumeRole) {
  auto t = ParseAssumeRoleResponse(kAssumeRoleXml);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->credentials.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(t->credentials.secret_access_key.view(), "s3cr3t&key");
  EXPECT_EQ(t->credentials.session_token, "token+/=");
  EXPECT_EQ(t->expiration_ms, 1796702400000);
  EXPECT_FALSE(ParseAssumeRoleResponse("<AssumeRoleResponse/>").ok());
}

TEST(StsClientTest, MapsErrors) {
  Status s = StsErrorStatus(403, R"(<ErrorResponse><Error><Type>Sender</Type>
    <Code>AccessDenied</Code><Message>not allowed to assume</Message></Error></ErrorResponse>)");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.reason(), "AccessDenied");
  EXPECT_EQ(s.message(), "not allowed to assume");
  EXPECT_EQ(StsErrorStatus(403, "<Code>InvalidClientTokenId</Code>").code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(StsErrorStatus(503, "oops").code(), StatusCode::kUnavailable);
  EXPECT_EQ(StsErrorStatus(503, "oops").message(), "HTTP 503");
}

TEST(StsClientTest, SendsASignedQueryRequest) {
  auto last = std::make_shared<std::optional<HttpCallRequest>>();
  StsClient sts("http://127.0.0.1:9000", "eu-west-1", std::chrono::seconds(3),
                [last](const HttpCallRequest& r) -> Result<HttpCallResponse> {
                  *last = r;
                  return HttpCallResponse{200, {}, kAssumeRoleXml};
                });
  auth::sigv4::SigningCredentials source{"AKIDSOURCE", SecureString(std::string_view("src")), ""};
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::111122223333:role/app";
  request.role_session_name = "s@1";
  request.external_id = "ext id";
  request.duration_seconds = 900;
  auto t = sts.AssumeRole(source, request);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ((*last)->body,
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole"
            "%2Fapp&RoleSessionName=s%401&DurationSeconds=900&ExternalId=ext%20id");
  std::string authorization;
  for (const auto& h : (*last)->headers) {
    if (h.first == "Authorization") authorization = h.second;
  }
  EXPECT_NE(authorization.find("Credential=AKIDSOURCE/"), std::string::npos);
  EXPECT_NE(authorization.find("/eu-west-1/sts/aws4_request"), std::string::npos);

  // A failed call is the STS error.
  StsClient denied(
      "http://127.0.0.1:9000", "eu-west-1", std::chrono::seconds(3),
      [](const HttpCallRequest&) -> Result<HttpCallResponse> {
        return HttpCallResponse{403, {}, "<Code>AccessDenied</Code><Message>no</Message>"};
      });
  EXPECT_EQ(denied.AssumeRole(source, request).status().code(), StatusCode::kPermissionDenied);
  StsClient down("http://127.0.0.1:9000", "eu-west-1", std::chrono::seconds(3),
                 [](const HttpCallRequest&) -> Result<HttpCallResponse> {
                   return Status::Unavailable("Timeout", "timed out");
                 });
  auto timed_out = down.GetCallerIdentity(source);
  EXPECT_EQ(timed_out.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(timed_out.status().reason(), "Timeout");
}

}  // namespace
}  // namespace coffer::client
