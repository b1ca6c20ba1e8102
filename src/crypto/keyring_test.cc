// Keyring against the real SQLite engine in a temporary directory.
#include "crypto/keyring.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "common/random.h"
#include "crypto/aes_gcm.h"
#include "crypto/envelope.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::crypto {
namespace {

constexpr char kAccount[] = "123456789012";
constexpr char kRegion[] = "us-east-1";

EncryptionContext Context(std::string_view arn, std::string_view version) {
  return {{"SecretARN", std::string(arn)}, {"SecretVersionId", std::string(version)}};
}
const EncryptionContext kCtx =
    Context("arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf", "v1");

class KeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "coffer-keyring-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_path_ = dir_ + "/coffer.db";
    auto store = storage::OpenSqliteStore(db_path_, storage::SqliteOptions{});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    root_key_ = SecureString(RandomBytes(32));
    barrier_ = std::make_unique<Barrier>(root_key_);
    keyring_ = std::make_unique<Keyring>(*barrier_, clock_);
  }
  void TearDown() override {
    keyring_.reset();
    if (store_) store_->Close();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<storage::Txn> Begin(storage::TxnMode mode) {
    auto txn = store_->Begin(mode);
    EXPECT_TRUE(txn.ok()) << txn.status().ToString();
    return txn.ok() ? std::move(txn).value() : nullptr;
  }
  // Runs `fn` in a write transaction and commits it.
  void Write(const std::function<void(storage::Txn&)>& fn) {
    auto txn = Begin(storage::TxnMode::kWrite);
    ASSERT_NE(txn, nullptr);
    fn(*txn);
    ASSERT_TRUE(txn->Commit().ok());
  }
  storage::KmsKeyRecord NewKey(std::string account = kAccount, std::string region = kRegion) {
    storage::KmsKeyRecord out;
    Write([&](storage::Txn& txn) {
      storage::KmsKeyRecord key;
      key.account_id = account;
      key.region = region;
      auto created = keyring_->CreateKey(txn, key);
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      out = *created;
    });
    return out;
  }
  std::string Seal(const storage::KmsKeyRecord& key, std::string_view value,
                   const EncryptionContext& ctx = kCtx) {
    std::string out;
    Write([&](storage::Txn& txn) {
      auto sealed = keyring_->SealValue(txn, key, value, ctx);
      ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
      out = *sealed;
    });
    return out;
  }
  Result<SecureString> Open(std::string_view envelope, const EncryptionContext& ctx = kCtx,
                            Keyring* keyring = nullptr) {
    auto txn = Begin(storage::TxnMode::kRead);
    return (keyring ? keyring : keyring_.get())->OpenValue(*txn, envelope, ctx);
  }
  void SetState(const storage::KmsKeyRecord& key, const std::string& state) {
    Write([&](storage::Txn& txn) {
      storage::KmsKeyRecord k = key;
      k.key_state = state;
      ASSERT_TRUE(txn.PutKmsKey(k).ok());
    });
  }

  FakeClock clock_{1'700'000'000'000};
  std::string dir_, db_path_;
  std::unique_ptr<storage::Store> store_;
  SecureString root_key_;
  std::unique_ptr<Barrier> barrier_;
  std::unique_ptr<Keyring> keyring_;
};

TEST_F(KeyringTest, DefaultKeyIsCreatedOncePerAccountAndRegion) {
  storage::KmsKeyRecord first;
  Write([&](storage::Txn& txn) {
    auto key = keyring_->ResolveKey(txn, kAccount, kRegion, "");
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    first = *key;
  });
  EXPECT_EQ(first.key_manager, "AWS");
  EXPECT_EQ(first.key_state, "Enabled");
  EXPECT_EQ(first.description, kDefaultSecretsKeyDescription);
  EXPECT_EQ(first.arn, "arn:aws:kms:us-east-1:123456789012:key/" + first.key_id);
  EXPECT_EQ(first.created_ms, clock_.NowMillis());
  EXPECT_EQ(first.current_material, 1);
  EXPECT_EQ(first.policy, DefaultSecretsKeyPolicy(kAccount, kRegion));
  EXPECT_NE(first.policy.find(R"("kms:ViaService":"secretsmanager.us-east-1.amazonaws.com")"),
            std::string::npos);
  EXPECT_NE(first.policy.find(R"("kms:CallerAccount":"123456789012")"), std::string::npos);
  EXPECT_NE(first.policy.find(R"({"AWS":"arn:aws:iam::123456789012:root"})"), std::string::npos);

  for (std::string spec : {"", "alias/aws/secretsmanager",
                           "arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager"}) {
    Write([&](storage::Txn& txn) {
      auto key = keyring_->ResolveKey(txn, kAccount, kRegion, spec);
      ASSERT_TRUE(key.ok()) << spec << ": " << key.status().ToString();
      EXPECT_EQ(*key, first) << spec;
    });
  }
  auto txn = Begin(storage::TxnMode::kRead);
  EXPECT_EQ(txn->ListKmsKeys(kAccount, kRegion)->size(), 1u);
  auto alias = txn->GetKmsAlias(kAccount, kRegion, kDefaultSecretsKeyAlias);
  ASSERT_TRUE(alias.ok() && alias->has_value());
  EXPECT_EQ((*alias)->target_key_id, first.key_id);
  // A read transaction finds the existing default key too.
  auto again = keyring_->ResolveKey(*txn, kAccount, kRegion, "");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->key_id, first.key_id);
  txn.reset();

  std::set<std::string> ids = {first.key_id};
  for (auto [account, region] :
       {std::pair{kAccount, "eu-west-1"}, std::pair{"210987654321", kRegion}}) {
    Write([&](storage::Txn& t) {
      auto key = keyring_->ResolveKey(t, account, region, "");
      ASSERT_TRUE(key.ok());
      EXPECT_EQ(key->account_id, account);
      EXPECT_EQ(key->region, region);
      EXPECT_TRUE(ids.insert(key->key_id).second) << "default keys must differ per scope";
    });
  }
}

TEST_F(KeyringTest, DefaultKeyIsNotCreatedByAReadTransaction) {
  auto txn = Begin(storage::TxnMode::kRead);
  EXPECT_FALSE(keyring_->ResolveKey(*txn, kAccount, kRegion, "").ok());
  txn.reset();
  auto check = Begin(storage::TxnMode::kRead);
  EXPECT_TRUE(check->ListKmsKeys(kAccount, kRegion)->empty());
}

TEST_F(KeyringTest, ResolvesEveryIdForm) {
  storage::KmsKeyRecord key = NewKey();
  EXPECT_EQ(key.key_manager, "CUSTOMER");
  Write([&](storage::Txn& txn) {
    ASSERT_TRUE(txn.PutKmsAlias({kAccount, kRegion, "alias/app", key.key_id, 1, 1}).ok());
  });
  auto txn = Begin(storage::TxnMode::kRead);
  for (const std::string& spec : {key.key_id, key.arn, std::string("alias/app"),
                                  std::string("arn:aws:kms:us-east-1:123456789012:alias/app")}) {
    auto resolved = keyring_->ResolveKey(*txn, kAccount, kRegion, spec);
    ASSERT_TRUE(resolved.ok()) << spec << ": " << resolved.status().ToString();
    EXPECT_EQ(*resolved, key) << spec;
  }
}

TEST_F(KeyringTest, UnknownOrOutOfScopeKeysAreNotFound) {
  storage::KmsKeyRecord key = NewKey();
  storage::KmsKeyRecord other_account = NewKey("210987654321", kRegion);
  storage::KmsKeyRecord other_region = NewKey(kAccount, "eu-west-1");
  Write([&](storage::Txn& txn) {
    ASSERT_TRUE(
        txn.PutKmsAlias({"210987654321", kRegion, "alias/theirs", other_account.key_id, 1, 1})
            .ok());
  });
  const std::string missing = RandomUuid();
  auto txn = Begin(storage::TxnMode::kRead);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {missing, "Key 'arn:aws:kms:us-east-1:123456789012:key/" + missing + "' does not exist"},
      {"not-a-key", "Invalid keyId 'not-a-key'"},
      {"alias/nope", "Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found."},
      {"alias/theirs", "Alias arn:aws:kms:us-east-1:123456789012:alias/theirs is not found."},
      {other_account.key_id, ""},
      {other_region.key_id, ""},
      {other_account.arn, "Key '" + other_account.arn + "' does not exist"},
      {other_region.arn, "Key '" + other_region.arn + "' does not exist"},
      {"arn:aws:kms:us-east-1:210987654321:alias/theirs",
       "Alias arn:aws:kms:us-east-1:210987654321:alias/theirs is not found."},
      {"arn:aws:kms:us-east-1:123456789012:key/" + missing, ""},
      {"arn:aws-cn:kms:us-east-1:123456789012:key/" + key.key_id, ""},
      {"arn:aws:s3:us-east-1:123456789012:key/" + key.key_id, ""},
      {"arn:aws:kms:us-east-1:123456789012:" + key.key_id, ""},
  };
  for (const auto& [spec, message] : cases) {
    auto resolved = keyring_->ResolveKey(*txn, kAccount, kRegion, spec);
    ASSERT_FALSE(resolved.ok()) << spec;
    EXPECT_EQ(resolved.status().code(), StatusCode::kNotFound) << spec;
    EXPECT_EQ(resolved.status().reason(), "NotFoundException") << spec;
    if (!message.empty()) {
      EXPECT_EQ(resolved.status().message(), message);
    }
  }
}

TEST_F(KeyringTest, CreateKeyValidates) {
  storage::KmsKeyRecord key = NewKey();
  Write([&](storage::Txn& txn) {
    storage::KmsKeyRecord dup;
    dup.account_id = kAccount;
    dup.region = kRegion;
    dup.key_id = key.key_id;
    EXPECT_EQ(keyring_->CreateKey(txn, dup).status().code(), StatusCode::kAlreadyExists);
    storage::KmsKeyRecord bad_arn = dup;
    bad_arn.key_id = RandomUuid();
    bad_arn.arn = "arn:aws:kms:eu-west-1:123456789012:key/" + bad_arn.key_id;
    EXPECT_EQ(keyring_->CreateKey(txn, bad_arn).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(keyring_->CreateKey(txn, storage::KmsKeyRecord{}).status().code(),
              StatusCode::kInvalidArgument);
  });
  auto txn = Begin(storage::TxnMode::kRead);
  auto material = txn->GetKmsKeyMaterial(key.key_id, 1);
  ASSERT_TRUE(material.ok() && material->has_value());
  EXPECT_EQ((*material)->sealed_material.size(), 1 + 12 + 32 + 16u);
}

TEST_F(KeyringTest, SealsAndOpensValuesOfEverySize) {
  storage::KmsKeyRecord key = NewKey();
  for (size_t n : {0, 1, 2, 31, 65536}) {
    const std::string value = RandomBytes(n);
    const std::string envelope = Seal(key, value);
    EXPECT_EQ(envelope.size(), 7 + key.arn.size() + 60 + 28 + n) << n;
    auto arn = Keyring::EnvelopeKeyArn(envelope);
    ASSERT_TRUE(arn.ok());
    EXPECT_EQ(*arn, key.arn);
    if (n >= 16) {
      EXPECT_EQ(envelope.find(value), std::string::npos);
    }
    // The context may be given in any order.
    EncryptionContext reordered(kCtx.rbegin(), kCtx.rend());
    auto opened = Open(envelope, reordered);
    ASSERT_TRUE(opened.ok()) << n << ": " << opened.status().ToString();
    EXPECT_TRUE(opened->view() == value) << "size " << n;
  }
  // Two seals of one value differ (fresh data key and nonces).
  EXPECT_NE(Seal(key, "same"), Seal(key, "same"));
}

TEST_F(KeyringTest, ContextMismatchIsInvalidCiphertext) {
  storage::KmsKeyRecord key = NewKey();
  const std::string envelope = Seal(key, "s3cr3t");
  ASSERT_TRUE(Open(envelope).ok());  // its data key is now cached
  const std::string arn = kCtx[0].second;
  const std::vector<EncryptionContext> wrong = {
      {},
      Context(arn, "v2"),
      Context(arn + "x", "v1"),
      {kCtx[0]},
      {kCtx[0], kCtx[1], {"Extra", ""}},
      {{"SecretARN", "v1"}, {"SecretVersionId", arn}},
  };
  for (size_t i = 0; i < wrong.size(); ++i) {
    auto opened = Open(envelope, wrong[i]);
    ASSERT_FALSE(opened.ok()) << i;
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument) << i;
    EXPECT_EQ(opened.status().reason(), "InvalidCiphertextException") << i;
    EXPECT_EQ(opened.status().message(), "") << i;
  }
}

TEST_F(KeyringTest, DamageAtAnyByteIsDetected) {
  storage::KmsKeyRecord key = NewKey();
  const std::string envelope = Seal(key, "0123456789abcdef-value");
  auto txn = Begin(storage::TxnMode::kRead);
  ASSERT_TRUE(keyring_->OpenValue(*txn, envelope, kCtx).ok());  // data key cached
  for (size_t i = 0; i < envelope.size(); ++i) {
    std::string damaged = envelope;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    auto opened = keyring_->OpenValue(*txn, damaged, kCtx);
    ASSERT_FALSE(opened.ok()) << "byte " << i;
  }
  EXPECT_EQ(
      keyring_->OpenValue(*txn, envelope.substr(0, envelope.size() - 1), kCtx).status().reason(),
      "InvalidCiphertextException");
  EXPECT_EQ(keyring_->OpenValue(*txn, "", kCtx).status().reason(), "InvalidCiphertextException");
  EXPECT_EQ(Keyring::EnvelopeKeyArn("junk").status().reason(), "InvalidCiphertextException");
  EXPECT_TRUE(keyring_->OpenValue(*txn, envelope, kCtx).ok());
}

TEST_F(KeyringTest, DisabledAndPendingDeletionKeysRefuse) {
  storage::KmsKeyRecord key = NewKey();
  const std::string envelope = Seal(key, "value");
  struct Case {
    std::string state, reason, message;
  };
  for (const Case& c :
       {Case{"Disabled", "DisabledException", key.arn + " is disabled."},
        Case{"PendingDeletion", "KMSInvalidStateException", key.arn + " is pending deletion."}}) {
    SetState(key, c.state);
    auto opened = Open(envelope);
    ASSERT_FALSE(opened.ok()) << c.state;
    EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(opened.status().reason(), c.reason);
    EXPECT_EQ(opened.status().message(), c.message);
    storage::KmsKeyRecord stale = key;
    stale.key_state = c.state;
    auto txn = Begin(storage::TxnMode::kWrite);
    auto sealed = keyring_->SealValue(*txn, stale, "value", kCtx);
    EXPECT_EQ(sealed.status().reason(), c.reason);
  }
  SetState(key, "Enabled");
  EXPECT_TRUE(Open(envelope).ok());
}

TEST_F(KeyringTest, RotatedMaterialKeepsOldEnvelopesReadable) {
  storage::KmsKeyRecord key = NewKey();
  const std::string old_envelope = Seal(key, "old value");
  storage::KmsKeyRecord rotated;
  Write([&](storage::Txn& txn) {
    auto r = keyring_->RotateKeyMaterial(txn, key.key_id);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    rotated = *r;
  });
  EXPECT_EQ(rotated.current_material, 2);
  const std::string new_envelope = Seal(rotated, "new value");
  auto parts = internal::ParseEnvelope(new_envelope);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->material_version, 2);
  EXPECT_EQ(internal::ParseEnvelope(old_envelope)->material_version, 1);
  Keyring fresh(*barrier_, clock_);  // no cached material
  for (Keyring* k : {keyring_.get(), &fresh}) {
    auto a = Open(old_envelope, kCtx, k);
    auto b = Open(new_envelope, kCtx, k);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->view(), "old value");
    EXPECT_EQ(b->view(), "new value");
  }
  auto txn = Begin(storage::TxnMode::kRead);
  EXPECT_EQ((*txn->GetKmsKey(key.key_id))->current_material, 2);
  EXPECT_NE((*txn->GetKmsKeyMaterial(key.key_id, 1))->sealed_material,
            (*txn->GetKmsKeyMaterial(key.key_id, 2))->sealed_material);
}

TEST_F(KeyringTest, DestroyedMaterialCannotOpenEvenWhenCached) {
  storage::KmsKeyRecord key = NewKey();
  const std::string envelope = Seal(key, "value");
  ASSERT_TRUE(Open(envelope).ok());  // material now cached
  Write([&](storage::Txn& txn) { ASSERT_TRUE(txn.DeleteKmsKeyMaterial(key.key_id).ok()); });
  Keyring fresh(*barrier_, clock_);
  for (Keyring* k : {keyring_.get(), &fresh}) {
    auto opened = Open(envelope, kCtx, k);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(opened.status().reason(), "NotFoundException");
  }
  auto txn = Begin(storage::TxnMode::kWrite);
  EXPECT_EQ(keyring_->SealValue(*txn, key, "v", kCtx).status().code(), StatusCode::kNotFound);
}

TEST_F(KeyringTest, OtherRootKeyOrMovedMaterialIsDataLoss) {
  storage::KmsKeyRecord a = NewKey(), b = NewKey();
  const std::string envelope = Seal(a, "value");
  Barrier other_root{SecureString(RandomBytes(32))};
  Keyring other(other_root, clock_);
  EXPECT_EQ(Open(envelope, kCtx, &other).status().code(), StatusCode::kDataLoss);
  // Material sealed for key A cannot serve as key B's material (AAD binds it).
  Write([&](storage::Txn& txn) {
    auto material = txn.GetKmsKeyMaterial(a.key_id, 1);
    storage::KmsKeyMaterialRecord moved = **material;
    moved.key_id = b.key_id;
    moved.version = 2;
    ASSERT_TRUE(txn.PutKmsKeyMaterial(moved).ok());
    storage::KmsKeyRecord b2 = b;
    b2.current_material = 2;
    EXPECT_EQ(keyring_->SealValue(txn, b2, "v", kCtx).status().code(), StatusCode::kDataLoss);
  });
}

TEST_F(KeyringTest, ConcurrentSealAndOpen) {
  storage::KmsKeyRecord key = NewKey();
  std::vector<std::string> envelopes;
  for (int i = 0; i < 8; ++i) envelopes.push_back(Seal(key, "value " + std::to_string(i)));
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        auto txn = store_->Begin(storage::TxnMode::kRead);
        if (!txn.ok()) {
          ++failures[t];
          continue;
        }
        int i = (t + round) % 8;
        auto opened = keyring_->OpenValue(**txn, envelopes[i], kCtx);
        if (!opened.ok() || opened->view() != "value " + std::to_string(i)) ++failures[t];
        auto sealed = keyring_->SealValue(**txn, key, "x", kCtx);
        if (!sealed.ok() || !keyring_->OpenValue(**txn, *sealed, kCtx).ok()) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace coffer::crypto
