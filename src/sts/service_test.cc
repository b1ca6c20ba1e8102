#include "sts/service.h"

#include <gtest/gtest.h>

#include "testing/callers.h"
#include "testing/service_parts.h"

namespace coffer::sts {
namespace {

using auth::policy::Caller;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr char kRoleArn[] = "arn:aws:iam::111122223333:role/ci/runner";

class StsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(parts_.Open(::testing::TempDir(), clock_, SecureString(std::string(32, 'r'))).ok());
    tokens_ = std::make_unique<SessionTokens>(*parts_.barrier);
    ServiceOptions options;
    options.find_role = [this](storage::Txn&,
                               std::string_view arn) -> Result<std::optional<RoleInfo>> {
      if (arn != kRoleArn) return std::optional<RoleInfo>();
      RoleInfo r;
      r.account_id = "111122223333";
      r.name = "runner";
      r.id = "AROAEXAMPLEEXAMPLE01";
      r.arn = kRoleArn;
      r.trust_policy = trust_;
      r.max_session_seconds = 7200;
      r.tags = {{"team", "platform"}};
      return std::optional<RoleInfo>(r);
    };
    service_ = std::make_unique<Service>(*parts_.store, *tokens_, clock_, std::move(options));
  }

  // A caller: user `name` of `account` whose identity policy is `policy`.
  RequestContext UserContext(std::string account, std::string name, std::string_view policy) {
    auto caller = std::make_shared<Caller>();
    caller->principal.type = auth::policy::PrincipalType::kUser;
    caller->principal.account = account;
    caller->principal.arn = "arn:aws:iam::" + account + ":user/" + name;
    auto policies = std::make_shared<auth::policy::PrincipalPolicies>();
    if (!policy.empty())
      policies->identity.push_back(coffer::testing::CompileIdentityPolicy(std::string(policy)));
    policies->Seal();
    caller->policies = policies;
    RequestContext ctx;
    ctx.account_id = account;
    ctx.region = "us-east-1";
    ctx.principal_arn = caller->principal.arn;
    ctx.caller = caller;
    return ctx;
  }

  Status Call(std::string_view op, const RequestContext& ctx, std::string_view body,
              JsonDocument* out_doc = nullptr) {
    JsonDocument in;
    in.Parse(body.data(), body.size());
    JsonBuffer buffer;
    JsonWriter w(buffer);
    Status s = service_->Handle(op, ctx, in, w);
    if (s.ok() && out_doc) out_doc->Parse(buffer.GetString(), buffer.GetSize());
    return s;
  }

  FakeClock clock_{kNow};
  crypto::testing::ServiceParts parts_;
  std::unique_ptr<SessionTokens> tokens_;
  std::unique_ptr<Service> service_;
  std::string trust_ = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":"sts:AssumeRole",
      "Condition":{"StringEquals":{"sts:ExternalId":"ext-1"}}}]})";
};

TEST_F(StsServiceTest, TrustedUserAssumesWithExternalIdAndGetsAWorkingSession) {
  RequestContext ctx = UserContext("111122223333", "ci", "");
  JsonDocument out;
  Status s = Call("AssumeRole", ctx,
                  R"({"RoleArn":"arn:aws:iam::111122223333:role/ci/runner",
                      "RoleSessionName":"build-7","ExternalId":"ext-1","DurationSeconds":900})",
                  &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*JsonString(out["AssumedRoleUser"], "Arn"),
            "arn:aws:sts::111122223333:assumed-role/runner/build-7");
  EXPECT_EQ(*JsonString(out["AssumedRoleUser"], "AssumedRoleId"), "AROAEXAMPLEEXAMPLE01:build-7");
  const JsonValue& c = out["Credentials"];
  auto opened =
      tokens_->Open(*JsonString(c, "AccessKeyId"), *JsonString(c, "SessionToken"), kNow + 899'000);
  ASSERT_TRUE(opened.ok());
  ASSERT_NE(*opened, nullptr);
  EXPECT_EQ((*opened)->secret_access_key.view(), *JsonString(c, "SecretAccessKey"));
  EXPECT_EQ((*opened)->session->role_arn, kRoleArn);
  EXPECT_EQ((*opened)->session->tags,
            (std::vector<std::pair<std::string, std::string>>{{"team", "platform"}}));
  EXPECT_FALSE(
      tokens_->Open(*JsonString(c, "AccessKeyId"), *JsonString(c, "SessionToken"), kNow + 900'000)
          .ok());
}

TEST_F(StsServiceTest, WrongExternalIdUntrustedCallerAndMissingRoleAreDenied) {
  RequestContext ci = UserContext("111122223333", "ci", "");
  Status s = Call("AssumeRole", ci,
                  R"({"RoleArn":"arn:aws:iam::111122223333:role/ci/runner",
                      "RoleSessionName":"s","ExternalId":"wrong"})");
  EXPECT_EQ(s.reason(), "AccessDenied");
  EXPECT_EQ(s.message(),
            "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/ci/runner because no "
            "resource-based policy allows the sts:AssumeRole action");
  // Another user of the account: the trust policy names only ci, and the
  // account is not delegated to.
  RequestContext other = UserContext("111122223333", "dev",
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"sts:AssumeRole","Resource":"*"}]})");
  s = Call("AssumeRole", other,
           R"({"RoleArn":"arn:aws:iam::111122223333:role/ci/runner","RoleSessionName":"s",
               "ExternalId":"ext-1"})");
  EXPECT_EQ(s.reason(), "AccessDenied");
  s = Call("AssumeRole", ci,
           R"({"RoleArn":"arn:aws:iam::111122223333:role/nope","RoleSessionName":"s"})");
  EXPECT_EQ(s.reason(), "AccessDenied");
}

TEST_F(StsServiceTest, AccountTrustDelegatesToIdentityPolicy) {
  trust_ = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]})";
  const std::string body =
      R"({"RoleArn":"arn:aws:iam::111122223333:role/ci/runner","RoleSessionName":"s"})";
  EXPECT_EQ(Call("AssumeRole", UserContext("111122223333", "dev", ""), body).reason(),
            "AccessDenied");
  EXPECT_TRUE(Call("AssumeRole",
                   UserContext("111122223333", "dev",
                               R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/ci/*"}]})"),
                   body)
                  .ok());
}

TEST_F(StsServiceTest, DurationLimitsAndSessionTokenRules) {
  RequestContext ci = UserContext("111122223333", "ci", "");
  Status s = Call("AssumeRole", ci,
                  R"({"RoleArn":"arn:aws:iam::111122223333:role/ci/runner",
                      "RoleSessionName":"s","ExternalId":"ext-1","DurationSeconds":7201})");
  EXPECT_EQ(s.reason(), "ValidationError");
  EXPECT_EQ(s.message(),
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  JsonDocument out;
  ASSERT_TRUE(Call("GetSessionToken", ci, "{}", &out).ok());
  EXPECT_TRUE(JsonString(out["Credentials"], "AccessKeyId")->starts_with("ASIA"));
  RequestContext session = ci;
  session.principal_arn = "arn:aws:sts::111122223333:assumed-role/runner/s";
  EXPECT_EQ(Call("GetSessionToken", session, "{}").reason(), "AccessDenied");
  ASSERT_TRUE(Call("GetCallerIdentity", ci, "{}", &out).ok());
  EXPECT_EQ(*JsonString(out, "Arn"), "arn:aws:iam::111122223333:user/ci");
  EXPECT_EQ(*JsonString(out, "Account"), "111122223333");
}

}  // namespace
}  // namespace coffer::sts

namespace coffer::sts {
namespace {

TEST_F(StsServiceTest, ServicePrincipalAssumesOnlyWhenTheTrustPolicyNamesIt) {
  // The default trust policy names a user, not Lambda.
  auto denied = service_->AssumeRoleForService("lambda.amazonaws.com", kRoleArn, "f", 900);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  trust_ = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  auto creds = service_->AssumeRoleForService("lambda.amazonaws.com", kRoleArn, "rotate-pg", 60);
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  auto opened = tokens_->Open(creds->access_key_id, creds->session_token, kNow + 899'000);
  ASSERT_TRUE(opened.ok());
  ASSERT_NE(*opened, nullptr);
  EXPECT_EQ((*opened)->session->role_arn, kRoleArn);
  EXPECT_EQ((*opened)->session->session_name, "rotate-pg");
  EXPECT_EQ(creds->expires_ms, kNow + 900'000);  // at least 15 minutes, as STS
  // Another service, or a role that does not exist: denied.
  EXPECT_FALSE(service_->AssumeRoleForService("ec2.amazonaws.com", kRoleArn, "f", 900).ok());
  EXPECT_FALSE(service_
                   ->AssumeRoleForService("lambda.amazonaws.com",
                                          "arn:aws:iam::111122223333:role/none", "f", 900)
                   .ok());
}

}  // namespace
}  // namespace coffer::sts
