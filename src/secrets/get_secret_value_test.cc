// GetSecretValue through Service::Handle: lookups, errors, LastAccessedDate
// and what reaches the database file.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using GetSecretValueTest = SecretsTest;

TEST_F(GetSecretValueTest, ReturnsCurrentValueInModelOrder) {
  std::string arn = CreateString("app/db", "p@ss\\nword", 1);
  Reply r = Call("GetSecretValue", R"({"SecretId":"app/db"})");
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  char expected[512];
  std::snprintf(expected, sizeof expected,
                R"({"ARN":"%s","Name":"app/db","VersionId":"%s","SecretString":"p@ss\nword",)"
                R"("VersionStages":["AWSCURRENT"],"CreatedDate":1709287200.250})",
                arn.c_str(), Token(1).c_str());
  EXPECT_EQ(r.text, expected);
}

TEST_F(GetSecretValueTest, MultiLinePemSurvivesByteForByte) {
  const std::string pem =
      "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE "
      "KEY-----\\n";
  CreateString("pem", pem, 1);
  auto g = Ok("GetSecretValue", R"({"SecretId":"pem"})");
  EXPECT_EQ(std::string(g["SecretString"].GetString()),
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE "
            "KEY-----\n");
}

TEST_F(GetSecretValueTest, ByVersionIdAndStage) {
  CreateString("s", "one", 1);
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"two","ClientRequestToken":")" + Token(2) + R"("})");
  auto prev = Ok("GetSecretValue", R"({"SecretId":"s","VersionStage":"AWSPREVIOUS"})");
  EXPECT_STREQ(prev["SecretString"].GetString(), "one");
  auto byid = Ok("GetSecretValue", R"({"SecretId":"s","VersionId":")" + Token(1) + R"("})");
  EXPECT_STREQ(byid["SecretString"].GetString(), "one");
  auto both = Ok("GetSecretValue", R"({"SecretId":"s","VersionId":")" + Token(2) +
                                       R"(","VersionStage":"AWSCURRENT"})");
  EXPECT_STREQ(both["SecretString"].GetString(), "two");
}

TEST_F(GetSecretValueTest, NotFoundMessages) {
  ExpectError("GetSecretValue", R"({"SecretId":"missing"})", msg::kResourceNotFound,
              msg::kSecretNotFound);
  CreateString("s", "one", 1);
  ExpectError("GetSecretValue", R"({"SecretId":"s","VersionStage":"AWSPENDING"})",
              msg::kResourceNotFound, std::string(msg::kValueNotFoundForStage) + "AWSPENDING");
  ExpectError("GetSecretValue", R"({"SecretId":"s","VersionId":")" + Token(9) + R"("})",
              msg::kResourceNotFound, std::string(msg::kValueNotFoundForVersion) + Token(9));
  ExpectError("GetSecretValue",
              R"({"SecretId":"s","VersionId":")" + Token(1) + R"(","VersionStage":"AWSPREVIOUS"})",
              msg::kInvalidRequest, msg::kStageNotOnVersion);
  ExpectError("GetSecretValue", R"({"SecretId":"bad name!"})", msg::kValidation, msg::kInvalidName);
}

TEST_F(GetSecretValueTest, PendingDeletionIsRejected) {
  CreateString("s", "one", 1);
  Ok("DeleteSecret", R"({"SecretId":"s","RecoveryWindowInDays":7})");
  ExpectError("GetSecretValue", R"({"SecretId":"s"})", msg::kInvalidRequest,
              msg::kMarkedForDeletion);
}

TEST_F(GetSecretValueTest, LastAccessedDateHasDayResolution) {
  CreateString("s", "one", 1);
  auto before = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_FALSE(before.HasMember("LastAccessedDate"));
  Ok("GetSecretValue", R"({"SecretId":"s"})");
  const double today = (kStartMs - kStartMs % kDayMs) / 1000.0;
  auto after = Ok("DescribeSecret", R"({"SecretId":"s"})");
  ASSERT_TRUE(after.HasMember("LastAccessedDate"));
  EXPECT_DOUBLE_EQ(after["LastAccessedDate"].GetDouble(), today);
  auto list = Ok("ListSecretVersionIds", R"({"SecretId":"s"})");
  EXPECT_DOUBLE_EQ(list["Versions"][0]["LastAccessedDate"].GetDouble(), today);
  // Reading does not count as a change.
  EXPECT_DOUBLE_EQ(after["LastChangedDate"].GetDouble(), before["LastChangedDate"].GetDouble());
  clock_.Advance(2 * kDayMs);
  Ok("GetSecretValue", R"({"SecretId":"s"})");
  auto later = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_DOUBLE_EQ(later["LastAccessedDate"].GetDouble(), today + 2 * 86400);
}

TEST_F(GetSecretValueTest, DatabaseHoldsNoPlaintext) {
  const std::string value = "PlaintextCanary-7f3a9c1e";
  CreateString("canary", value, 1);
  Ok("PutSecretValue", R"({"SecretId":"canary","SecretString":")" + value +
                           R"(-two","ClientRequestToken":")" + Token(2) + R"("})");
  auto g = Ok("GetSecretValue", R"({"SecretId":"canary"})");
  EXPECT_EQ(std::string(g["SecretString"].GetString()), value + "-two");
  parts_.store->Close();
  std::string files = ReadDbFiles();
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files.find("PlaintextCanary"), std::string::npos)
      << "a plaintext secret value reached the database files";
  EXPECT_NE(files.find("canary"), std::string::npos);  // the name is stored, as expected
}

TEST_F(GetSecretValueTest, DisabledKeyIsDecryptionFailure) {
  storage::KmsKeyRecord key = MakeKey();
  ASSERT_FALSE(key.key_id.empty());
  Ok("CreateSecret", R"({"Name":"k","SecretString":"v","KmsKeyId":")" + key.arn +
                         R"(","ClientRequestToken":")" + Token(1) + R"("})");
  {
    auto txn = parts_.store->Begin(storage::TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    key.key_state = "Disabled";
    ASSERT_TRUE((*txn)->PutKmsKey(key).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  ExpectError("GetSecretValue", R"({"SecretId":"k"})", msg::kDecryptionFailure,
              key.arn + " is disabled.");
  ExpectError("PutSecretValue",
              R"({"SecretId":"k","SecretString":"w","ClientRequestToken":")" + Token(2) + R"("})",
              msg::kEncryptionFailure, key.arn + " is disabled.");
}

}  // namespace
}  // namespace coffer::secrets::testing
