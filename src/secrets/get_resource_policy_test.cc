// GetResourcePolicy / DeleteResourcePolicy through Service::Handle.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using GetResourcePolicyTest = SecretsTest;

const char kPolicy[] =
    R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"123456789012\"},\"Action\":\"secretsmanager:*\",\"Resource\":\"*\"}]})";

TEST_F(GetResourcePolicyTest, OmittedUntilPutAndAfterDelete) {
  std::string arn = CreateString("s", "v", 1);
  auto g = Ok("GetResourcePolicy", R"({"SecretId":"s"})");
  EXPECT_EQ(std::string(g["ARN"].GetString()), arn);
  EXPECT_STREQ(g["Name"].GetString(), "s");
  EXPECT_FALSE(g.HasMember("ResourcePolicy"));
  Ok("PutResourcePolicy", std::string(R"({"SecretId":"s","ResourcePolicy":")") + kPolicy + "\"}");
  EXPECT_TRUE(
      Ok("GetResourcePolicy", R"({"SecretId":")" + arn + R"("})").HasMember("ResourcePolicy"));
  auto del = Ok("DeleteResourcePolicy", R"({"SecretId":"s"})");
  EXPECT_EQ(std::string(del["ARN"].GetString()), arn);
  EXPECT_STREQ(del["Name"].GetString(), "s");
  EXPECT_FALSE(Ok("GetResourcePolicy", R"({"SecretId":"s"})").HasMember("ResourcePolicy"));
  Ok("DeleteResourcePolicy", R"({"SecretId":"s"})");  // nothing attached: still fine
}

TEST_F(GetResourcePolicyTest, NotFound) {
  ExpectError("GetResourcePolicy", R"({"SecretId":"nope"})", msg::kResourceNotFound,
              msg::kSecretNotFound);
  ExpectError("DeleteResourcePolicy", R"({"SecretId":"nope"})", msg::kResourceNotFound,
              msg::kSecretNotFound);
}

}  // namespace
}  // namespace coffer::secrets::testing
