// ValidateResourcePolicy through Service::Handle.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using ValidateResourcePolicyTest = SecretsTest;

TEST_F(ValidateResourcePolicyTest, ModelExamplePasses) {
  CreateString("MyTestDatabaseSecret", "v", 1);
  Reply r = Call(
      "ValidateResourcePolicy",
      R"({"SecretId":"MyTestDatabaseSecret","ResourcePolicy":"{\n\"Version\":\"2012-10-17\",\n\"Statement\":[{\n\"Effect\":\"Allow\",\n\"Principal\":{\n\"AWS\":\"arn:aws:iam::123456789012:root\"\n},\n\"Action\":\"secretsmanager:GetSecretValue\",\n\"Resource\":\"*\"\n}]\n}"})");
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  EXPECT_EQ(r.text, R"({"PolicyValidationPassed":true,"ValidationErrors":[]})");
}

TEST_F(ValidateResourcePolicyTest, FindingsWithoutSecretId) {
  auto d = Ok(
      "ValidateResourcePolicy",
      R"({"ResourcePolicy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"secretsmanager:*\",\"Resource\":\"*\"}]}"})");
  EXPECT_FALSE(d["PolicyValidationPassed"].GetBool());
  ASSERT_EQ(d["ValidationErrors"].Size(), 2u);
  EXPECT_EQ(std::string(d["ValidationErrors"][0]["CheckName"].GetString()), msg::kCheckBroadAccess);
  EXPECT_EQ(std::string(d["ValidationErrors"][0]["ErrorMessage"].GetString()),
            msg::kPolicyBroadAccess);
  EXPECT_EQ(std::string(d["ValidationErrors"][1]["CheckName"].GetString()), msg::kCheckLockout);
  EXPECT_EQ(std::string(d["ValidationErrors"][1]["ErrorMessage"].GetString()), msg::kPolicyLockout);
  d = Ok(
      "ValidateResourcePolicy",
      R"({"ResourcePolicy":"{\"Statement\":[{\"Effect\":\"Permit\",\"Principal\":\"*\",\"Action\":\"*\"}]}"})");
  EXPECT_FALSE(d["PolicyValidationPassed"].GetBool());
  ASSERT_EQ(d["ValidationErrors"].Size(), 1u);
  EXPECT_EQ(std::string(d["ValidationErrors"][0]["CheckName"].GetString()), msg::kCheckSyntax);
  EXPECT_EQ(std::string(d["ValidationErrors"][0]["ErrorMessage"].GetString()),
            msg::kPolicySyntaxError);
}

TEST_F(ValidateResourcePolicyTest, Errors) {
  ExpectError("ValidateResourcePolicy", R"({"ResourcePolicy":"{oops"})", msg::kMalformedPolicy,
              msg::kPolicySyntaxError);
  ExpectError("ValidateResourcePolicy",
              R"({"SecretId":"nope","ResourcePolicy":"{\"Statement\":[]}"})",
              msg::kResourceNotFound, msg::kSecretNotFound);
}

}  // namespace
}  // namespace coffer::secrets::testing
