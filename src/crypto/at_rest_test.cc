// Encryption at rest, end to end: values sealed by the Keyring and stored in a
// real SQLite database leave no plaintext, data key, key material or root key
// in the database file or its WAL. The data keys are recovered here
// independently of the Keyring, from the documented envelope layout
// (crypto/envelope.h), which also checks that layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/encoding.h"
#include "common/random.h"
#include "crypto/aes_gcm.h"
#include "crypto/envelope.h"
#include "crypto/keyring.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::crypto {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Stored {
  std::string plaintext;
  std::string envelope;
  EncryptionContext context;
};

TEST(AtRestTest, DatabaseHoldsNoPlaintextNorKeys) {
  std::string dir = (std::filesystem::temp_directory_path() / "coffer-atrest-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string db = dir + "/coffer.db";
  auto opened = storage::OpenSqliteStore(db, storage::SqliteOptions{});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<storage::Store> store = std::move(opened).value();
  const SecureString root_key(RandomBytes(32));
  Barrier barrier(root_key);
  FakeClock clock(1'700'000'000'000);
  Keyring keyring(barrier, clock);

  std::vector<Stored> stored;
  {
    auto txn = std::move(store->Begin(storage::TxnMode::kWrite)).value();
    auto default_key = keyring.ResolveKey(*txn, "123456789012", "us-east-1", "");
    ASSERT_TRUE(default_key.ok()) << default_key.status().ToString();
    storage::KmsKeyRecord custom;
    custom.account_id = "123456789012";
    custom.region = "us-east-1";
    auto custom_key = keyring.CreateKey(*txn, custom);
    ASSERT_TRUE(custom_key.ok());
    auto rotated = keyring.RotateKeyMaterial(*txn, custom_key->key_id);
    ASSERT_TRUE(rotated.ok());
    for (int i = 0; i < 6; ++i) {
      const storage::KmsKeyRecord& key = (i % 2) ? *default_key : *rotated;
      Stored s;
      s.plaintext =
          (i % 3 == 0) ? RandomBytes(64) : "password-" + HexEncode(RandomBytes(20)) + "-end";
      storage::SecretRecord secret;
      secret.account_id = key.account_id;
      secret.region = key.region;
      secret.name = "secret-" + std::to_string(i);
      secret.arn =
          "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + secret.name + "-AbCdEf";
      secret.kms_key_id = (i % 2) ? "" : key.key_id;
      secret.created_ms = secret.last_changed_ms = clock.NowMillis();
      secret.primary_region = secret.region;
      auto id = txn->InsertSecret(secret);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      const std::string version_id = RandomUuid();
      s.context = {{"SecretARN", secret.arn}, {"SecretVersionId", version_id}};
      auto envelope = keyring.SealValue(*txn, key, s.plaintext, s.context);
      ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
      s.envelope = *envelope;
      storage::VersionRecord version;
      version.secret_id = *id;
      version.version_id = version_id;
      version.created_ms = clock.NowMillis();
      version.kms_key_arn = key.arn;
      version.sealed_value = s.envelope;
      version.stages = {"AWSCURRENT"};
      ASSERT_TRUE(txn->PutVersion(version).ok());
      stored.push_back(std::move(s));
    }
    ASSERT_TRUE(txn->Commit().ok());
  }

  // Recover every data key and material from the envelopes by hand.
  std::vector<std::string> secrets = {std::string(root_key.view()), Base64Encode(root_key.view()),
                                      HexEncode(root_key.view())};
  std::vector<std::string> sealed_materials;
  {
    auto txn = std::move(store->Begin(storage::TxnMode::kRead)).value();
    for (const Stored& s : stored) {
      secrets.push_back(s.plaintext);
      auto parts = internal::ParseEnvelope(s.envelope);
      ASSERT_TRUE(parts.has_value());
      auto key = txn->GetKmsKey(parts->key_arn.substr(parts->key_arn.find("key/") + 4));
      ASSERT_TRUE(key.ok() && key->has_value());
      auto row = txn->GetKmsKeyMaterial((*key)->key_id, parts->material_version);
      ASSERT_TRUE(row.ok() && row->has_value());
      sealed_materials.push_back((*row)->sealed_material);
      auto material =
          barrier.Open((*row)->sealed_material,
                       std::string(parts->key_arn) + "|" + std::to_string(parts->material_version));
      ASSERT_TRUE(material.ok());
      const std::string canonical = *CanonicalEncryptionContext(s.context);
      std::string data_key(32, '\0');
      ASSERT_TRUE(internal::AesGcmOpen(material->view(), parts->wrap_nonce,
                                       {parts->header, canonical}, parts->wrapped_key,
                                       parts->wrap_tag, data_key.data())
                      .ok());
      std::string value(parts->ciphertext.size(), '\0');
      ASSERT_TRUE(internal::AesGcmOpen(data_key, parts->value_nonce, {parts->header, canonical},
                                       parts->ciphertext, parts->value_tag, value.data())
                      .ok());
      EXPECT_EQ(value, s.plaintext);
      secrets.push_back(std::string(material->view()));
      secrets.push_back(data_key);
    }
  }
  ASSERT_EQ(secrets.size(), 3 + 3 * stored.size());

  auto scan = [&](const std::string& bytes, const char* when) {
    ASSERT_FALSE(bytes.empty()) << when;
    // The scan reads the right bytes: the sealed material rows are in there.
    bool any_sealed = false;
    for (const std::string& m : sealed_materials) any_sealed |= bytes.find(m) != std::string::npos;
    EXPECT_TRUE(any_sealed) << when;
    for (size_t i = 0; i < secrets.size(); ++i) {
      EXPECT_EQ(bytes.find(secrets[i]), std::string::npos) << when << ": secret #" << i;
    }
  };
  const std::string live = ReadAll(db) + ReadAll(db + "-wal");
  scan(live, "while open (db + wal)");
  store->Close();
  scan(ReadAll(db) + ReadAll(db + "-wal"), "after close");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace coffer::crypto
