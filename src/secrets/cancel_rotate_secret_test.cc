// CancelRotateSecret through Service::Handle.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using CancelRotateSecretTest = SecretsTest;

TEST_F(CancelRotateSecretTest, DisablesButKeepsRules) {
  std::string arn = CreateString("s", "v", 1);
  Ok("RotateSecret",
     R"({"SecretId":"s","ClientRequestToken":")" + Token(9) +
         R"j(","RotationLambdaARN":"arn:aws:lambda:us-east-1:123456789012:function:f","RotationRules":{"ScheduleExpression":"rate(10 days)"},"RotateImmediately":false})j");
  Reply r = Call("CancelRotateSecret", R"({"SecretId":"s"})");
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  EXPECT_EQ(std::string(r.doc["ARN"].GetString()), arn);
  EXPECT_STREQ(r.doc["Name"].GetString(), "s");
  EXPECT_FALSE(r.doc.HasMember("VersionId"));
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_FALSE(d["RotationEnabled"].GetBool());
  EXPECT_STREQ(d["RotationRules"]["ScheduleExpression"].GetString(), "rate(10 days)");
  EXPECT_TRUE(d.HasMember("RotationLambdaARN"));
  EXPECT_FALSE(d.HasMember("NextRotationDate"));
}

TEST_F(CancelRotateSecretTest, ReturnsTheUnfinishedVersion) {
  CreateString("s", "v", 1);
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"p","VersionStages":["AWSPENDING"],"ClientRequestToken":")" +
         Token(2) + R"("})");
  auto d = Ok("CancelRotateSecret", R"({"SecretId":"s"})");
  EXPECT_EQ(std::string(d["VersionId"].GetString()), Token(2));
  EXPECT_EQ(Labels("s")[Token(2)], std::vector<std::string>{"AWSPENDING"});  // left for the caller
}

TEST_F(CancelRotateSecretTest, Errors) {
  ExpectError("CancelRotateSecret", R"({"SecretId":"nope"})", msg::kResourceNotFound);
  CreateString("s", "v", 1);
  Ok("DeleteSecret", R"({"SecretId":"s"})");
  ExpectError("CancelRotateSecret", R"({"SecretId":"s"})", msg::kInvalidRequest,
              msg::kMarkedForDeletion);
}

}  // namespace
}  // namespace coffer::secrets::testing
