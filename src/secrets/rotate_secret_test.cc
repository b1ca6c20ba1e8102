// RotateSecret through Service::Handle. Rotation functions cannot run yet, so
// an immediate rotation is AccessDeniedException and stores nothing.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

constexpr char kLambda[] = "arn:aws:lambda:us-east-1:123456789012:function:rotate";

class RotateSecretTest : public SecretsTest {
 protected:
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

TEST_F(RotateSecretTest, ImmediateRotationCannotInvokeAndStoresNothing) {
  CreateString("s", "v", 1);
  ExpectError("RotateSecret",
              Rotate(std::string(R"(,"RotationLambdaARN":")") + kLambda +
                     R"(","RotationRules":{"AutomaticallyAfterDays":1})"),
              msg::kAccessDenied, msg::kCannotInvokeLambda);
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_FALSE(d.HasMember("RotationEnabled"));
  EXPECT_FALSE(d.HasMember("RotationRules"));
  EXPECT_FALSE(d.HasMember("RotationLambdaARN"));
  EXPECT_EQ(Labels("s").size(), 1u);  // no AWSPENDING version was created
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
  ExpectError("RotateSecret", Rotate(""), msg::kAccessDenied, msg::kCannotInvokeLambda);
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
