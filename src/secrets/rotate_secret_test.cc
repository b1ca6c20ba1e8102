// RotateSecret through Service::Handle: what is stored and answered before the
// rotation engine takes over (the engine's side is rotation_test.cc).

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

constexpr char kLambda[] = "arn:aws:lambda:us-east-1:123456789012:function:rotate";

// A service whose server can invoke every function but "denied" and records
// which rotations it was asked to start.
class RotateSecretTest : public SecretsTest {
 protected:
  std::unique_ptr<Service> MakeService() override {
    ServiceOptions options;
    options.token_key = RandomBytes(32);
    options.check_rotation_function = [](std::string_view arn, std::string_view) {
      return arn.ends_with(":denied") ? Status::NotFound("", "no binding") : Status::Ok();
    };
    options.rotation_requested = [this](int64_t id, bool test_only, std::string_view token) {
      requested_.emplace_back(id, test_only);
      tokens_.emplace_back(token);
    };
    return std::make_unique<Service>(*parts_.store, *parts_.keyring, clock_, std::move(options));
  }
  std::vector<std::pair<int64_t, bool>> requested_;
  std::vector<std::string> tokens_;

  std::string Rotate(const std::string& extra) {
    return R"({"SecretId":"s","ClientRequestToken":")" + Token(50) + "\"" + extra + "}";
  }
};

TEST_F(RotateSecretTest, FirstTimeWithoutLambda) {
  CreateString("s", "v", 1);
  ExpectError("RotateSecret", Rotate(R"(,"RotationRules":{"AutomaticallyAfterDays":1})"),
              msg::kInvalidRequest, msg::kNoRotationLambda);
  ExpectError("RotateSecret", Rotate(R"(,"RotateImmediately":false)"), msg::kInvalidRequest,
              msg::kNoRotationLambda);
}

TEST_F(RotateSecretTest, FunctionThatCannotBeInvokedStoresNothing) {
  CreateString("s", "v", 1);
  ExpectError("RotateSecret",
              Rotate(R"(,"RotationLambdaARN":"arn:aws:lambda:us-east-1:123456789012:function:)"
                     R"(denied","RotationRules":{"AutomaticallyAfterDays":1})"),
              msg::kAccessDenied, msg::kCannotInvokeLambda);
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_FALSE(d.HasMember("RotationEnabled"));
  EXPECT_FALSE(d.HasMember("RotationRules"));
  EXPECT_FALSE(d.HasMember("RotationLambdaARN"));
  EXPECT_EQ(Labels("s").size(), 1u);  // no AWSPENDING version was created
  EXPECT_TRUE(requested_.empty());
}

TEST_F(RotateSecretTest, ImmediateRotationOpensThePendingVersionAndStartsTheEngine) {
  CreateString("s", "v", 1);
  Reply r = Call("RotateSecret", Rotate(std::string(R"(,"RotationLambdaARN":")") + kLambda +
                                        R"(","RotationRules":{"AutomaticallyAfterDays":1})"));
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  EXPECT_STREQ(r.doc["VersionId"].GetString(), Token(50).c_str());
  auto labels = Labels("s");
  EXPECT_EQ(labels[Token(50)], std::vector<std::string>{"AWSPENDING"});
  EXPECT_EQ(labels[Token(1)], std::vector<std::string>{"AWSCURRENT"});
  // The placeholder has no value until the function's createSecret.
  ExpectError("GetSecretValue",
              R"({"SecretId":"s","VersionStage":"AWSPENDING","VersionId":")" + Token(50) + "\"}",
              msg::kResourceNotFound, std::string(msg::kValueNotFoundForVersion) + Token(50));
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_TRUE(d["RotationEnabled"].GetBool());
  ASSERT_EQ(requested_.size(), 1u);
  EXPECT_FALSE(requested_[0].second);
  EXPECT_EQ(tokens_[0], Token(50));
  // A second rotation is refused while this one is unfinished.
  ExpectError("RotateSecret", Rotate(""), msg::kInvalidRequest, msg::kRotationInProgress);
  EXPECT_EQ(requested_.size(), 1u);
}

TEST_F(RotateSecretTest, ExternalRotationCannotBeInvoked) {
  CreateString("s", "v", 1);
  ExpectError("RotateSecret",
              Rotate(R"(,"ExternalSecretRotationRoleArn":"arn:aws:iam::123456789012:role/r")"),
              msg::kAccessDenied, msg::kCannotInvokeLambda);
}

TEST_F(RotateSecretTest, ConfigureWithoutRotatingNow) {
  CreateString("s", "v", 1);
  Reply r =
      Call("RotateSecret",
           Rotate(std::string(R"(,"RotationLambdaARN":")") + kLambda +
                  R"(","RotationRules":{"AutomaticallyAfterDays":30},"RotateImmediately":false)"));
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  EXPECT_TRUE(r.doc.HasMember("ARN"));
  EXPECT_STREQ(r.doc["Name"].GetString(), "s");
  EXPECT_FALSE(r.doc.HasMember("VersionId"));
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_TRUE(d["RotationEnabled"].GetBool());
  EXPECT_STREQ(d["RotationLambdaARN"].GetString(), kLambda);
  EXPECT_EQ(d["RotationRules"]["AutomaticallyAfterDays"].GetInt(), 30);
  // 2024-03-01 + 30 days, last second of that UTC day.
  const int64_t day = kStartMs - kStartMs % kDayMs;
  EXPECT_DOUBLE_EQ(d["NextRotationDate"].GetDouble(), (day + 31 * kDayMs - 1000) / 1000.0);
  EXPECT_FALSE(d.HasMember("LastRotatedDate"));

  // Later calls reuse the stored function and rules; new rules replace them.
  Ok("RotateSecret",
     Rotate(
         R"j(,"RotationRules":{"ScheduleExpression":"cron(0 16 1,15 * ? *)","Duration":"2h"},"RotateImmediately":false)j"));
  d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_STREQ(d["RotationLambdaARN"].GetString(), kLambda);
  EXPECT_STREQ(d["RotationRules"]["ScheduleExpression"].GetString(), "cron(0 16 1,15 * ? *)");
  EXPECT_FALSE(d["RotationRules"].HasMember("AutomaticallyAfterDays"));
  EXPECT_DOUBLE_EQ(d["NextRotationDate"].GetDouble(), (day + 18 * 3600 * 1000LL - 1000) / 1000.0);
  // Each call asked the engine for a test run (testSecret) only.
  EXPECT_EQ(requested_.size(), 2u);
  for (const auto& [id, test_only] : requested_) EXPECT_TRUE(test_only);
  EXPECT_EQ(Labels("s").size(), 1u);  // the engine makes the test version
}

TEST_F(RotateSecretTest, InvalidRulesAndState) {
  CreateString("s", "v", 1);
  std::string lambda = std::string(R"(,"RotationLambdaARN":")") + kLambda + "\"";
  ExpectError(
      "RotateSecret",
      Rotate(
          lambda +
          R"j(,"RotationRules":{"AutomaticallyAfterDays":7,"ScheduleExpression":"rate(7 days)"})j"),
      msg::kInvalidParameter, msg::kRotationBothSchedules);
  ExpectError("RotateSecret",
              Rotate(lambda + R"j(,"RotationRules":{"ScheduleExpression":"rate(2 hours)"})j"),
              msg::kInvalidParameter, msg::kRateHoursRange);
  ExpectError("RotateSecret", R"({"SecretId":"s"})", msg::kInvalidParameter,
              msg::kMissingClientRequestToken);
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"p","VersionStages":["AWSPENDING"],"ClientRequestToken":")" +
         Token(2) + R"("})");
  ExpectError("RotateSecret", Rotate(lambda + R"(,"RotateImmediately":false)"),
              msg::kInvalidRequest, msg::kRotationInProgress);
  Ok("DeleteSecret", R"({"SecretId":"s"})");
  ExpectError("RotateSecret", Rotate(lambda), msg::kInvalidRequest, msg::kMarkedForDeletion);
  ExpectError("RotateSecret", R"({"SecretId":"nope","ClientRequestToken":")" + Token(3) + R"("})",
              msg::kResourceNotFound, msg::kSecretNotFound);
}

}  // namespace
}  // namespace coffer::secrets::testing
