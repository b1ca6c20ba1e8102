// DeleteSecret, RestoreSecret and Service::PurgeExpired.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using DeleteSecretTest = SecretsTest;

TEST_F(DeleteSecretTest, DefaultWindowIsThirtyDays) {
  std::string arn = CreateString("s", "v", 1);
  auto r = Ok("DeleteSecret", R"({"SecretId":"s"})");
  EXPECT_EQ(std::string(r["ARN"].GetString()), arn);
  EXPECT_STREQ(r["Name"].GetString(), "s");
  EXPECT_DOUBLE_EQ(r["DeletionDate"].GetDouble(), (kStartMs + 30 * kDayMs) / 1000.0);
  auto w = Ok("DeleteSecret", R"({"SecretId":"s","ForceDeleteWithoutRecovery":true})");
  EXPECT_DOUBLE_EQ(w["DeletionDate"].GetDouble(), kStartMs / 1000.0);
  ExpectError("DescribeSecret", R"({"SecretId":"s"})", msg::kResourceNotFound);
}

TEST_F(DeleteSecretTest, WindowRulesAndMessages) {
  CreateString("s", "v", 1);
  ExpectError("DeleteSecret", R"({"SecretId":"s","RecoveryWindowInDays":6})",
              msg::kInvalidParameter, msg::kRecoveryWindowRange);
  ExpectError("DeleteSecret", R"({"SecretId":"s","RecoveryWindowInDays":31})",
              msg::kInvalidParameter, msg::kRecoveryWindowRange);
  ExpectError("DeleteSecret",
              R"({"SecretId":"s","RecoveryWindowInDays":7,"ForceDeleteWithoutRecovery":true})",
              msg::kInvalidParameter, msg::kForceWithWindow);
  auto r = Ok("DeleteSecret", R"({"SecretId":"s","RecoveryWindowInDays":7})");
  EXPECT_DOUBLE_EQ(r["DeletionDate"].GetDouble(), (kStartMs + 7 * kDayMs) / 1000.0);
  ExpectError("DeleteSecret", R"({"SecretId":"s"})", msg::kInvalidRequest, msg::kAlreadyDeleted);
  ExpectError("DeleteSecret", R"({"SecretId":"missing"})", msg::kResourceNotFound,
              msg::kSecretNotFound);
}

TEST_F(DeleteSecretTest, ForceOnMissingSecretSucceeds) {
  auto r = Ok("DeleteSecret", R"({"SecretId":"never","ForceDeleteWithoutRecovery":true})");
  EXPECT_STREQ(r["Name"].GetString(), "never");
  EXPECT_EQ(std::string(r["ARN"].GetString())
                .rfind("arn:aws:secretsmanager:us-east-1:123456789012:secret:never-", 0),
            0u);
  const std::string arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:old-AbC123";
  auto a = Ok("DeleteSecret", R"({"SecretId":")" + arn + R"(","ForceDeleteWithoutRecovery":true})");
  EXPECT_EQ(std::string(a["ARN"].GetString()), arn);
  EXPECT_STREQ(a["Name"].GetString(), "old");
  ExpectError("DeleteSecret", R"({"SecretId":"bad name","ForceDeleteWithoutRecovery":true})",
              msg::kValidation, msg::kInvalidName);
}

TEST_F(DeleteSecretTest, RestoreBringsValueBack) {
  CreateString("s", "v", 1);
  Ok("DeleteSecret", R"({"SecretId":"s"})");
  ExpectError("PutSecretValue",
              R"({"SecretId":"s","SecretString":"x","ClientRequestToken":")" + Token(2) + R"("})",
              msg::kInvalidRequest, msg::kMarkedForDeletion);
  ExpectError("UpdateSecret",
              R"({"SecretId":"s","Description":"x","ClientRequestToken":")" + Token(3) + R"("})",
              msg::kInvalidRequest, msg::kMarkedForDeletion);
  auto r = Ok("RestoreSecret", R"({"SecretId":"s"})");
  EXPECT_STREQ(r["Name"].GetString(), "s");
  EXPECT_EQ(r.MemberCount(), 2u);
  EXPECT_STREQ(Ok("GetSecretValue", R"({"SecretId":"s"})")["SecretString"].GetString(), "v");
  ExpectError("RestoreSecret", R"({"SecretId":"nope"})", msg::kResourceNotFound);
}

TEST_F(DeleteSecretTest, PurgeRemovesOnlyExpired) {
  CreateString("week", "v", 1);
  CreateString("month", "v", 2);
  CreateString("kept", "v", 3);
  Ok("DeleteSecret", R"({"SecretId":"week","RecoveryWindowInDays":7})");
  Ok("DeleteSecret", R"({"SecretId":"month"})");
  auto none = service_->PurgeExpired();
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0u);
  clock_.Advance(7 * kDayMs);
  auto one = service_->PurgeExpired();
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1u);
  ExpectError("DescribeSecret", R"({"SecretId":"week"})", msg::kResourceNotFound);
  EXPECT_TRUE(Ok("DescribeSecret", R"({"SecretId":"month"})").HasMember("DeletedDate"));
  // The name is free again.
  CreateString("week", "again", 4);
  clock_.Advance(30 * kDayMs);
  auto two = service_->PurgeExpired();
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, 1u);
  Ok("DescribeSecret", R"({"SecretId":"kept"})");
  Ok("DescribeSecret", R"({"SecretId":"week"})");
}

TEST_F(DeleteSecretTest, PurgeWorksInBatches) {
  for (int i = 0; i < 120; ++i) {
    Ok("CreateSecret",
       R"({"Name":"b)" + std::to_string(i) + R"(","ClientRequestToken":")" + Token(i) + R"("})");
    Ok("DeleteSecret", R"({"SecretId":"b)" + std::to_string(i) + R"(","RecoveryWindowInDays":7})");
  }
  clock_.Advance(8 * kDayMs);
  auto n = service_->PurgeExpired();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 120u);
  ExpectError("DescribeSecret", R"({"SecretId":"b119"})", msg::kResourceNotFound);
}

}  // namespace
}  // namespace coffer::secrets::testing
