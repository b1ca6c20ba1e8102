// Encrypt/Decrypt/ReEncrypt/GenerateDataKey*/GenerateRandom, rotation and the
// deletion purge; key material never in the database in plaintext.
#include "kms/kms_test_fixture.h"

namespace coffer::kms::testing {
namespace {

std::string Plain(const rapidjson::Document& d) {
  if (!d.IsObject() || !d.HasMember("Plaintext")) return "<none>";
  return Base64Decode(d["Plaintext"].GetString()).value_or("<bad base64>");
}

TEST_F(KmsTest, EncryptDecryptRoundTripWithContext) {
  const std::string id = NewKey();
  const std::string blob = EncryptB64(id, "throwaway-plaintext", R"({"app":"orders","env":"t"})");
  ASSERT_FALSE(blob.empty());
  // Context order does not matter.
  auto d = Ok("Decrypt", R"({"CiphertextBlob":")" + blob +
                             R"(","EncryptionContext":{"env":"t","app":"orders"}})");
  EXPECT_EQ(Plain(d), "throwaway-plaintext");
  EXPECT_EQ(d["KeyId"].GetString(), Arn(id));
  EXPECT_EQ(std::string(d["EncryptionAlgorithm"].GetString()), "SYMMETRIC_DEFAULT");
  // Context differs or is missing -> InvalidCiphertextException with an empty message.
  ExpectError("Decrypt",
              R"({"CiphertextBlob":")" + blob + R"(","EncryptionContext":{"app":"x","env":"t"}})",
              "InvalidCiphertextException", "");
  ExpectError("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})", "InvalidCiphertextException",
              "");
  // Damaged blobs.
  std::string raw = *Base64Decode(blob);
  raw[raw.size() - 1] ^= 1;
  ExpectError("Decrypt",
              R"({"CiphertextBlob":")" + Base64Encode(raw) +
                  R"(","EncryptionContext":{"app":"orders","env":"t"}})",
              "InvalidCiphertextException", "");
  ExpectError("Decrypt", R"({"CiphertextBlob":")" + Base64Encode("garbage") + R"("})",
              "InvalidCiphertextException", "");
}

TEST_F(KmsTest, DecryptWithAnotherKeyIdIsIncorrectKey) {
  const std::string a = NewKey();
  const std::string b = NewKey();
  const std::string blob = EncryptB64(a, "x");
  ExpectError("Decrypt", R"({"CiphertextBlob":")" + blob + R"(","KeyId":")" + b + R"("})",
              "IncorrectKeyException",
              "The key ID in the request does not identify a CMK that can perform this operation.");
  auto d = Ok("Decrypt", R"({"CiphertextBlob":")" + blob + R"(","KeyId":")" + Arn(a) + R"("})");
  EXPECT_EQ(Plain(d), "x");
  // Another account cannot decrypt it.
  RequestContext other = ctx_;
  other.account_id = "210987654321";
  EXPECT_EQ(Call("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})", &other).status.reason(),
            "InvalidCiphertextException");
}

TEST_F(KmsTest, DisabledKeyCannotDecryptUntilEnabled) {
  const std::string id = NewKey();
  const std::string blob = EncryptB64(id, "x");
  Ok("DisableKey", R"({"KeyId":")" + id + R"("})");
  ExpectError("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})", "DisabledException",
              Arn(id) + " is disabled.");
  Ok("EnableKey", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(Plain(Ok("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})")), "x");
}

TEST_F(KmsTest, RotationKeepsOldCiphertextReadable) {
  const std::string id = NewKey();
  const std::string before = EncryptB64(id, "before", R"({"k":"v"})");
  auto m1 = Ok("DescribeKey", R"({"KeyId":")" + id + R"("})");
  Ok("RotateKeyOnDemand", R"({"KeyId":")" + id + R"("})");
  auto m2 = Ok("DescribeKey", R"({"KeyId":")" + id + R"("})");
  EXPECT_STRNE(m1["KeyMetadata"]["CurrentKeyMaterialId"].GetString(),
               m2["KeyMetadata"]["CurrentKeyMaterialId"].GetString());
  const std::string after = EncryptB64(id, "after", R"({"k":"v"})");
  auto d1 =
      Ok("Decrypt", R"({"CiphertextBlob":")" + before + R"(","EncryptionContext":{"k":"v"}})");
  EXPECT_EQ(Plain(d1), "before");
  EXPECT_STREQ(d1["KeyMaterialId"].GetString(),
               m1["KeyMetadata"]["CurrentKeyMaterialId"].GetString());
  EXPECT_EQ(Plain(Ok("Decrypt",
                     R"({"CiphertextBlob":")" + after + R"(","EncryptionContext":{"k":"v"}})")),
            "after");
  auto rotations = Ok("ListKeyRotations", R"({"KeyId":")" + id + R"("})");
  ASSERT_EQ(rotations["Rotations"].Size(), 1u);
  EXPECT_EQ(std::string(rotations["Rotations"][0]["RotationType"].GetString()), "ON_DEMAND");
  auto all = Ok("ListKeyRotations",
                R"({"KeyId":")" + id + R"(","IncludeKeyMaterial":"ALL_KEY_MATERIAL"})");
  ASSERT_EQ(all["Rotations"].Size(), 2u);
  EXPECT_EQ(std::string(all["Rotations"][0]["KeyMaterialState"].GetString()), "NON_CURRENT");
  EXPECT_EQ(std::string(all["Rotations"][1]["KeyMaterialState"].GetString()), "CURRENT");
  for (int i = 0; i < 9; ++i) Ok("RotateKeyOnDemand", R"({"KeyId":")" + id + R"("})");
  ExpectError("RotateKeyOnDemand", R"({"KeyId":")" + id + R"("})", "LimitExceededException");
  EXPECT_EQ(Plain(Ok("Decrypt",
                     R"({"CiphertextBlob":")" + before + R"(","EncryptionContext":{"k":"v"}})")),
            "before");
}

TEST_F(KmsTest, RotationSettings) {
  const std::string id = NewKey();
  auto s0 = Ok("GetKeyRotationStatus", R"({"KeyId":")" + id + R"("})");
  EXPECT_FALSE(s0["KeyRotationEnabled"].GetBool());
  Ok("EnableKeyRotation", R"({"KeyId":")" + id + R"(","RotationPeriodInDays":90})");
  auto s1 = Ok("GetKeyRotationStatus", R"({"KeyId":")" + id + R"("})");
  EXPECT_TRUE(s1["KeyRotationEnabled"].GetBool());
  EXPECT_EQ(s1["RotationPeriodInDays"].GetInt(), 90);
  EXPECT_DOUBLE_EQ(s1["NextRotationDate"].GetDouble(), (kStartMs + 90 * kDayMs) / 1000.0);
  Ok("DisableKeyRotation", R"({"KeyId":")" + id + R"("})");
  EXPECT_FALSE(
      Ok("GetKeyRotationStatus", R"({"KeyId":")" + id + R"("})")["KeyRotationEnabled"].GetBool());
  Ok("DisableKey", R"({"KeyId":")" + id + R"("})");
  ExpectError("EnableKeyRotation", R"({"KeyId":")" + id + R"("})", "DisabledException");
  ExpectError("RotateKeyOnDemand", R"({"KeyId":")" + id + R"("})", "DisabledException");
}

TEST_F(KmsTest, ReEncryptMovesCiphertextToAnotherKeyAndContext) {
  const std::string a = NewKey();
  const std::string b = NewKey();
  const std::string blob = EncryptB64(a, "moving", R"({"v":"1"})");
  auto r = Ok("ReEncrypt", R"({"CiphertextBlob":")" + blob +
                               R"(","SourceEncryptionContext":{"v":"1"},"DestinationKeyId":")" + b +
                               R"(","DestinationEncryptionContext":{"v":"2"}})");
  ASSERT_TRUE(r.IsObject());
  EXPECT_EQ(r["SourceKeyId"].GetString(), Arn(a));
  EXPECT_EQ(r["KeyId"].GetString(), Arn(b));
  const std::string moved = r["CiphertextBlob"].GetString();
  EXPECT_EQ(Plain(Ok("Decrypt",
                     R"({"CiphertextBlob":")" + moved + R"(","EncryptionContext":{"v":"2"}})")),
            "moving");
  ExpectError("ReEncrypt",
              R"({"CiphertextBlob":")" + blob + R"(","DestinationKeyId":")" + b + R"("})",
              "InvalidCiphertextException");
  ExpectError("ReEncrypt",
              R"({"CiphertextBlob":")" + blob + R"(","SourceKeyId":")" + b +
                  R"(","SourceEncryptionContext":{"v":"1"},"DestinationKeyId":")" + b + R"("})",
              "IncorrectKeyException");
}

TEST_F(KmsTest, GenerateDataKeyAndWithoutPlaintext) {
  const std::string id = NewKey();
  auto d = Ok("GenerateDataKey",
              R"({"KeyId":")" + id + R"(","KeySpec":"AES_256","EncryptionContext":{"a":"b"}})");
  const std::string key = Plain(d);
  EXPECT_EQ(key.size(), 32u);
  auto back =
      Ok("Decrypt", R"({"CiphertextBlob":")" + std::string(d["CiphertextBlob"].GetString()) +
                        R"(","EncryptionContext":{"a":"b"}})");
  EXPECT_EQ(Plain(back), key);
  EXPECT_EQ(Plain(Ok("GenerateDataKey", R"({"KeyId":")" + id + R"(","KeySpec":"AES_128"})")).size(),
            16u);
  EXPECT_EQ(Plain(Ok("GenerateDataKey", R"({"KeyId":")" + id + R"(","NumberOfBytes":7})")).size(),
            7u);
  auto w =
      Ok("GenerateDataKeyWithoutPlaintext", R"({"KeyId":")" + id + R"(","KeySpec":"AES_256"})");
  EXPECT_FALSE(w.HasMember("Plaintext"));
  EXPECT_EQ(Plain(Ok("Decrypt", R"({"CiphertextBlob":")" +
                                    std::string(w["CiphertextBlob"].GetString()) + R"("})"))
                .size(),
            32u);
  ExpectError("GenerateDataKey", R"({"KeyId":")" + id + R"("})", "ValidationException",
              "NumberOfBytes is required.");
  ExpectError("GenerateDataKey",
              R"({"KeyId":")" + id + R"(","KeySpec":"AES_256","NumberOfBytes":4})",
              "ValidationException");
  ExpectError("GenerateDataKey", R"({"KeyId":")" + id + R"(","KeySpec":"AES_256","DryRun":true})",
              "DryRunOperationException");
}

TEST_F(KmsTest, GenerateRandom) {
  auto a = Ok("GenerateRandom", R"({"NumberOfBytes":32})");
  auto b = Ok("GenerateRandom", R"({"NumberOfBytes":32})");
  EXPECT_EQ(Plain(a).size(), 32u);
  EXPECT_NE(Plain(a), Plain(b));
  ExpectError("GenerateRandom", "{}", "ValidationException");
}

TEST_F(KmsTest, EncryptLimits) {
  const std::string id = NewKey();
  ExpectError(
      "Encrypt",
      R"({"KeyId":")" + id + R"(","Plaintext":")" + Base64Encode(std::string(4097, 'a')) + R"("})",
      "ValidationException");
  EXPECT_FALSE(EncryptB64(id, std::string(4096, 'a')).empty());
  ExpectError(
      "Encrypt",
      R"({"KeyId":")" + id + R"(","Plaintext":"aGk=","EncryptionAlgorithm":"RSAES_OAEP_SHA_256"})",
      "InvalidKeyUsageException");
}

TEST_F(KmsTest, PurgeDestroysKeysPastTheirWindowForGood) {
  const std::string doomed = NewKey();
  const std::string kept = NewKey();
  Ok("CreateAlias", R"({"AliasName":"alias/doomed","TargetKeyId":")" + doomed + R"("})");
  const std::string blob = EncryptB64(doomed, "gone");
  Ok("ScheduleKeyDeletion", R"({"KeyId":")" + doomed + R"(","PendingWindowInDays":7})");
  Ok("ScheduleKeyDeletion", R"({"KeyId":")" + kept + R"(","PendingWindowInDays":30})");
  clock_.Advance(7 * kDayMs - 1);
  EXPECT_EQ(*service_->PurgeExpired(), 0u);
  clock_.Advance(1);
  EXPECT_EQ(*service_->PurgeExpired(), 1u);
  ExpectError("DescribeKey", R"({"KeyId":")" + doomed + R"("})", "NotFoundException");
  ExpectError("DescribeKey", R"({"KeyId":"alias/doomed"})", "NotFoundException");
  ExpectError("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})", "NotFoundException");
  EXPECT_EQ(State(kept), "PendingDeletion");
  auto txn = parts_.store->Begin(storage::TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  auto material = (*txn)->GetKmsKeyMaterial(doomed, 1);
  ASSERT_TRUE(material.ok());
  EXPECT_FALSE(material->has_value());
}

TEST_F(KmsTest, DatabaseHoldsNoPlaintextKeyMaterialOrData) {
  const std::string id = NewKey();
  const std::string secret_text = "coffer-kms-canary-plaintext-7f3a9c";
  const std::string blob = EncryptB64(id, secret_text);
  auto dk = Ok("GenerateDataKey", R"({"KeyId":")" + id + R"(","KeySpec":"AES_256"})");
  const std::string data_key = Plain(dk);
  parts_.store->Close();
  const std::string db = ReadDbFiles();
  ASSERT_FALSE(db.empty());
  EXPECT_EQ(db.find(secret_text), std::string::npos);
  EXPECT_EQ(db.find(data_key), std::string::npos);
  // The material row is sealed by the root key: unseal it here and check that
  // its 32 raw bytes appear nowhere in the database files.
  auto reopened = storage::OpenSqliteStore(parts_.dir + "/coffer.db", storage::SqliteOptions{});
  ASSERT_TRUE(reopened.ok());
  auto txn = (*reopened)->Begin(storage::TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  auto row = (*txn)->GetKmsKeyMaterial(id, 1);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_GT((*row)->sealed_material.size(), 32u);
  auto opened = parts_.barrier->Open((*row)->sealed_material, Arn(id) + "|1");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->size(), 32u);
  EXPECT_EQ(db.find(std::string(opened->view())), std::string::npos);
  txn->reset();
  (*reopened)->Close();
}

TEST_F(KmsTest, AutomaticRotationRunsOnSchedule) {
  const std::string id = NewKey();
  const std::string before = EncryptB64(id, "before-auto");
  Ok("EnableKeyRotation", R"({"KeyId":")" + id + R"(","RotationPeriodInDays":90})");
  clock_.Advance(90 * kDayMs - 1);
  EXPECT_EQ(*service_->RotateDue(), 0u);
  clock_.Advance(1);
  EXPECT_EQ(*service_->RotateDue(), 1u);
  EXPECT_EQ(*service_->RotateDue(), 0u);  // the next one is a period later
  auto status = Ok("GetKeyRotationStatus", R"({"KeyId":")" + id + R"("})");
  EXPECT_DOUBLE_EQ(status["NextRotationDate"].GetDouble(), (kStartMs + 180 * kDayMs) / 1000.0);
  auto rotations = Ok("ListKeyRotations", R"({"KeyId":")" + id + R"("})");
  ASSERT_EQ(rotations["Rotations"].Size(), 1u);
  EXPECT_EQ(std::string(rotations["Rotations"][0]["RotationType"].GetString()), "AUTOMATIC");
  EXPECT_EQ(Plain(Ok("Decrypt", R"({"CiphertextBlob":")" + before + R"("})")), "before-auto");
  // Automatic rotations do not count against the 10 on-demand ones.
  for (int i = 0; i < 10; ++i) Ok("RotateKeyOnDemand", R"({"KeyId":")" + id + R"("})");
  ExpectError("RotateKeyOnDemand", R"({"KeyId":")" + id + R"("})", "LimitExceededException");
  // A disabled key does not rotate; disabling rotation stops it.
  Ok("DisableKey", R"({"KeyId":")" + id + R"("})");
  clock_.Advance(90 * kDayMs);
  EXPECT_EQ(*service_->RotateDue(), 0u);
  Ok("EnableKey", R"({"KeyId":")" + id + R"("})");
  Ok("DisableKeyRotation", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(*service_->RotateDue(), 0u);
  EXPECT_EQ(Plain(Ok("Decrypt", R"({"CiphertextBlob":")" + before + R"("})")), "before-auto");
}

TEST_F(KmsTest, AwsManagedKeyRotatesYearly) {
  auto d = Ok("DescribeKey", R"({"KeyId":"alias/aws/secretsmanager"})");
  const std::string id = d["KeyMetadata"]["KeyId"].GetString();
  auto status = Ok("GetKeyRotationStatus", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(status["RotationPeriodInDays"].GetInt(), 365);
  EXPECT_DOUBLE_EQ(status["NextRotationDate"].GetDouble(), (kStartMs + 365 * kDayMs) / 1000.0);
  clock_.Advance(365 * kDayMs);
  EXPECT_EQ(*service_->RotateDue(), 1u);
  auto rotations = Ok("ListKeyRotations", R"({"KeyId":")" + id + R"("})");
  ASSERT_EQ(rotations["Rotations"].Size(), 1u);
  EXPECT_EQ(std::string(rotations["Rotations"][0]["RotationType"].GetString()), "AUTOMATIC");
}

}  // namespace
}  // namespace coffer::kms::testing
