// A secret whose customer managed key was destroyed (the KMS purger removed
// the key and all its material) is unreadable for good: DecryptionFailure,
// never a server error, and writes under the gone key fail too.
#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

TEST_F(SecretsTest, DestroyedKeyMakesTheSecretUnreadableForGood) {
  storage::KmsKeyRecord key = MakeKey();
  ASSERT_FALSE(key.key_id.empty());
  Ok("CreateSecret", R"({"Name":"doomed","SecretString":"v","KmsKeyId":")" + key.arn +
                         R"(","ClientRequestToken":")" + Token(1) + R"("})");
  auto before = Ok("GetSecretValue", R"({"SecretId":"doomed"})");
  EXPECT_EQ(std::string(before["SecretString"].GetString()), "v");
  {
    auto txn = parts_.store->Begin(storage::TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->DeleteKmsKey(key.key_id).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  parts_.keyring->ForgetKey(key.key_id);
  ExpectError("GetSecretValue", R"({"SecretId":"doomed"})", msg::kDecryptionFailure,
              "Key '" + key.arn + "' does not exist");
  ExpectError(
      "PutSecretValue",
      R"({"SecretId":"doomed","SecretString":"w","ClientRequestToken":")" + Token(2) + R"("})",
      msg::kEncryptionFailure);
}

}  // namespace
}  // namespace coffer::secrets::testing
