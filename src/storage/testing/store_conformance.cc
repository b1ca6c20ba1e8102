// Conformance: fixture, record builders, transaction semantics, accounts and
// access keys.
#include "storage/testing/store_conformance.h"

#include <utility>

namespace coffer::storage::testing {

namespace internal {
extern const int kSecretTestsAnchor;
extern const int kVersionTestsAnchor;
extern const int kScanTestsAnchor;
extern const int kKmsTestsAnchor;
extern const int kBatchTestsAnchor;
extern const int kConcurrencyTestsAnchor;
extern const int kReadCachedTestsAnchor;
extern const int kIamTestsAnchor;
}  // namespace internal

int LinkStoreConformance() {
  return internal::kSecretTestsAnchor + internal::kVersionTestsAnchor + internal::kScanTestsAnchor +
         internal::kKmsTestsAnchor + internal::kBatchTestsAnchor +
         internal::kConcurrencyTestsAnchor + internal::kReadCachedTestsAnchor +
         internal::kIamTestsAnchor;
}

void PrintTo(const StoreEngine& engine, std::ostream* os) { *os << engine.name; }

std::string StoreEngineName(const ::testing::TestParamInfo<StoreEngine>& info) {
  return info.param.name;
}

void StoreConformance::SetUp() {
  store_ = GetParam().factory();
  ASSERT_NE(store_, nullptr) << "the engine's factory returned no store";
}

void StoreConformance::TearDown() {
  if (store_ != nullptr) store_->Close();
  store_.reset();
}

std::unique_ptr<Txn> StoreConformance::Write() {
  Result<std::unique_ptr<Txn>> txn = store_->Begin(TxnMode::kWrite);
  EXPECT_TRUE(txn.ok()) << StatusText(txn);
  return txn.ok() ? std::move(txn).value() : nullptr;
}

std::unique_ptr<Txn> StoreConformance::Read() {
  Result<std::unique_ptr<Txn>> txn = store_->Begin(TxnMode::kRead);
  EXPECT_TRUE(txn.ok()) << StatusText(txn);
  return txn.ok() ? std::move(txn).value() : nullptr;
}

int64_t StoreConformance::Insert(const SecretRecord& r) {
  std::unique_ptr<Txn> txn = Write();
  if (txn == nullptr) return 0;
  Result<int64_t> id = txn->InsertSecret(r);
  EXPECT_TRUE(id.ok()) << StatusText(id);
  Status s = txn->Commit();
  EXPECT_TRUE(s.ok()) << s.ToString();
  return id.ok() && s.ok() ? *id : 0;
}

bool StoreConformance::InsertAll(std::vector<SecretRecord>& rows) {
  for (SecretRecord& r : rows) {
    r.id = Insert(r);
    if (r.id == 0) return false;
  }
  return true;
}

void StoreConformance::Put(const VersionRecord& v) {
  std::unique_ptr<Txn> txn = Write();
  if (txn == nullptr) return;
  COFFER_EXPECT_OK(txn->PutVersion(v));
  COFFER_EXPECT_OK(txn->Commit());
}

std::optional<SecretRecord> StoreConformance::Secret(int64_t id) {
  std::unique_ptr<Txn> txn = Read();
  if (txn == nullptr) return std::nullopt;
  Result<Row<SecretRecord>> r = txn->GetSecretById(id);
  EXPECT_TRUE(r.ok()) << StatusText(r);
  if (!r.ok() || !*r) return std::nullopt;
  return **r;
}

std::optional<VersionRecord> StoreConformance::Version(int64_t secret_id,
                                                       const std::string& version_id) {
  std::unique_ptr<Txn> txn = Read();
  if (txn == nullptr) return std::nullopt;
  Result<Row<VersionRecord>> r = txn->GetVersion(secret_id, version_id);
  EXPECT_TRUE(r.ok()) << StatusText(r);
  if (!r.ok() || !*r) return std::nullopt;
  return **r;
}

SecretRecord MinimalSecret(const std::string& name, const std::string& account,
                           const std::string& region) {
  SecretRecord r;
  r.account_id = account;
  r.region = region;
  r.name = name;
  r.arn = "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + name + "-AbCdEf";
  r.created_ms = 1'700'000'000'000;
  r.last_changed_ms = 1'700'000'000'000;
  r.primary_region = region;
  return r;
}

SecretRecord FullSecret(const std::string& name) {
  SecretRecord r = MinimalSecret(name);
  r.description = "db password for " + name;
  r.kms_key_id = "alias/custom";
  r.type = "kv";
  r.created_ms = 1'700'000'000'001;
  r.last_changed_ms = 1'700'000'000'002;
  r.last_accessed_ms = 1'699'920'000'000;
  r.deleted_ms = 1'700'000'000'003;
  r.deletion_date_ms = 1'700'600'000'003;
  r.rotation_configured = true;
  r.rotation_enabled = true;
  r.rotation_lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:rotate";
  r.rotation_rules_json = R"({"AutomaticallyAfterDays":30})";
  r.last_rotated_ms = 1'700'000'000'004;
  r.next_rotation_ms = 1'702'592'000'004;
  r.external_rotation_metadata_json = R"([{"Key":"k","Value":"v"}])";
  r.external_rotation_role_arn = "arn:aws:iam::111122223333:role/rotator";
  r.owning_service = "rds";
  r.resource_policy = R"({"Version":"2012-10-17","Statement":[]})";
  r.tags_set = true;
  r.tags = {{"zeta", "1"}, {"alpha", ""}, {"Mid", "x y"}};
  r.primary_region = kRegion;
  r.replica_of = 42;
  r.replicas = {{"eu-west-1", "", "InSync", "", std::nullopt},
                {"ap-south-1", "alias/k", "Failed", "key not found", 1'699'920'000'000}};
  return r;
}

std::vector<SecretRecord> OneFieldEach(const std::string& prefix) {
  std::vector<SecretRecord> out;
  auto add = [&](const std::string& field, auto&& set) {
    SecretRecord r = MinimalSecret(prefix + field);
    set(r);
    out.push_back(std::move(r));
  };
  using Text = std::optional<std::string> SecretRecord::*;
  const std::pair<const char*, Text> texts[] = {
      {"description", &SecretRecord::description},
      {"type", &SecretRecord::type},
      {"rotation_lambda_arn", &SecretRecord::rotation_lambda_arn},
      {"rotation_rules_json", &SecretRecord::rotation_rules_json},
      {"external_rotation_metadata_json", &SecretRecord::external_rotation_metadata_json},
      {"external_rotation_role_arn", &SecretRecord::external_rotation_role_arn},
      {"owning_service", &SecretRecord::owning_service},
      {"resource_policy", &SecretRecord::resource_policy}};
  for (const auto& [field, member] : texts) {
    add(field, [&](SecretRecord& r) { r.*member = std::string("value of ") + field; });
    add(std::string(field) + "_empty", [&](SecretRecord& r) { r.*member = ""; });
  }
  using Time = std::optional<int64_t> SecretRecord::*;
  const std::pair<const char*, Time> times[] = {
      {"last_accessed_ms", &SecretRecord::last_accessed_ms},
      {"deleted_ms", &SecretRecord::deleted_ms},
      {"deletion_date_ms", &SecretRecord::deletion_date_ms},
      {"last_rotated_ms", &SecretRecord::last_rotated_ms},
      {"next_rotation_ms", &SecretRecord::next_rotation_ms},
      {"replica_of", &SecretRecord::replica_of}};
  for (const auto& [field, member] : times) {
    add(field, [&](SecretRecord& r) { r.*member = 1'700'000'000'000 + out.size(); });
  }
  add("rotation_configured", [](SecretRecord& r) { r.rotation_configured = true; });
  add("rotation_enabled", [](SecretRecord& r) { r.rotation_enabled = true; });
  add("tags_set", [](SecretRecord& r) { r.tags_set = true; });
  add("kms_key_id", [](SecretRecord& r) { r.kms_key_id = "alias/custom"; });
  return out;
}

VersionRecord MakeVersion(int64_t secret_id, const std::string& version_id,
                          std::vector<std::string> stages, int64_t created_ms) {
  VersionRecord v;
  v.secret_id = secret_id;
  v.version_id = version_id;
  v.created_ms = created_ms;
  v.kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/k1";
  v.sealed_value = std::string("\x01\x00\xffsealed:", 10) + version_id;
  v.stages = std::move(stages);
  return v;
}

// --- transaction semantics ---

TEST_P(StoreConformance, DestroyWithoutCommitRollsBack) {
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutAccount({kAccount, 5}));
    COFFER_ASSERT_OK(txn->InsertSecret(MinimalSecret("gone")));
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto account, txn->GetAccount(kAccount));
  EXPECT_FALSE(account.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto secret, txn->GetSecretByName(kAccount, kRegion, "gone"));
  EXPECT_FALSE(secret.has_value());
}

TEST_P(StoreConformance, ReadersDoNotSeeUncommittedWrites) {
  std::unique_ptr<Txn> writer = Write();
  ASSERT_NE(writer, nullptr);
  COFFER_ASSERT_OK(writer->PutAccount({kAccount, 7}));
  COFFER_ASSERT_OK_AND_ASSIGN(int64_t id, writer->InsertSecret(MinimalSecret("pending")));
  // The writer sees its own writes.
  COFFER_ASSERT_OK_AND_ASSIGN(auto own, writer->GetSecretById(id));
  EXPECT_TRUE(own.has_value());
  {
    std::unique_ptr<Txn> reader = Read();
    ASSERT_NE(reader, nullptr);
    COFFER_ASSERT_OK_AND_ASSIGN(auto account, reader->GetAccount(kAccount));
    EXPECT_FALSE(account.has_value());
    COFFER_ASSERT_OK_AND_ASSIGN(auto secret, reader->GetSecretById(id));
    EXPECT_FALSE(secret.has_value());
  }
  COFFER_ASSERT_OK(writer->Commit());
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto account, reader->GetAccount(kAccount));
  EXPECT_EQ(account, (AccountRecord{kAccount, 7}));
}

TEST_P(StoreConformance, ReadTxnKeepsItsSnapshot) {
  int64_t id = Insert(MinimalSecret("snap"));
  ASSERT_NE(id, 0);
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  {
    std::unique_ptr<Txn> writer = Write();
    ASSERT_NE(writer, nullptr);
    SecretRecord changed = MinimalSecret("snap");
    changed.id = id;
    changed.description = "changed";
    COFFER_ASSERT_OK(writer->UpdateSecret(changed));
    COFFER_ASSERT_OK(writer->InsertSecret(MinimalSecret("later")));
    COFFER_ASSERT_OK(writer->Commit());
  }
  COFFER_ASSERT_OK_AND_ASSIGN(auto old, reader->GetSecretById(id));
  ASSERT_TRUE(old.has_value());
  EXPECT_FALSE(old->description.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto later, reader->GetSecretByName(kAccount, kRegion, "later"));
  EXPECT_FALSE(later.has_value());
  COFFER_ASSERT_OK(reader->Commit());
  std::optional<SecretRecord> now = Secret(id);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->description, std::optional<std::string>("changed"));
}

TEST_P(StoreConformance, WritesThroughReadTxnFail) {
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  EXPECT_FALSE(reader->PutAccount({kAccount, 1}).ok());
  EXPECT_FALSE(reader->InsertSecret(MinimalSecret("ro")).ok());
  EXPECT_FALSE(reader->PutVersion(MakeVersion(1, "v", {})).ok());
  EXPECT_FALSE(reader->PutKmsAlias({kAccount, kRegion, "alias/a", "k", 1, 1}).ok());
  reader.reset();
  std::unique_ptr<Txn> check = Read();
  ASSERT_NE(check, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto account, check->GetAccount(kAccount));
  EXPECT_FALSE(account.has_value());
}

TEST_P(StoreConformance, TxnIsFinishedAfterCommit) {
  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK(txn->PutAccount({kAccount, 1}));
  COFFER_ASSERT_OK(txn->Commit());
  EXPECT_FALSE(txn->Commit().ok());
  EXPECT_FALSE(txn->GetAccount(kAccount).ok());
  EXPECT_FALSE(txn->PutAccount({kOtherAccount, 2}).ok());
  txn.reset();
  // The writer is free again, and the second account was never written.
  std::unique_ptr<Txn> next = Write();
  ASSERT_NE(next, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto other, next->GetAccount(kOtherAccount));
  EXPECT_FALSE(other.has_value());
}

TEST_P(StoreConformance, CloseThenBeginFails) {
  int64_t id = Insert(MinimalSecret("before-close"));
  ASSERT_NE(id, 0);
  store_->Close();
  EXPECT_FALSE(store_->Begin(TxnMode::kRead).ok());
  EXPECT_FALSE(store_->Begin(TxnMode::kWrite).ok());
  store_->Close();  // idempotent
  EXPECT_FALSE(store_->Begin(TxnMode::kWrite).ok());
}

// --- accounts and access keys ---

TEST_P(StoreConformance, AccountRoundTripAndReplace) {
  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto missing, txn->GetAccount(kAccount));
  EXPECT_FALSE(missing.has_value());
  COFFER_ASSERT_OK(txn->PutAccount({kAccount, 100}));
  COFFER_ASSERT_OK(txn->PutAccount({kOtherAccount, 200}));
  COFFER_ASSERT_OK(txn->PutAccount({kAccount, 300}));  // replace
  COFFER_ASSERT_OK(txn->Commit());
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto a, reader->GetAccount(kAccount));
  EXPECT_EQ(a, (AccountRecord{kAccount, 300}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto b, reader->GetAccount(kOtherAccount));
  EXPECT_EQ(b, (AccountRecord{kOtherAccount, 200}));
}

TEST_P(StoreConformance, ListAccountsOldestFirst) {
  {
    std::unique_ptr<Txn> txn = Read();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->ListAccounts());
    EXPECT_TRUE(none.empty());
  }
  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK(txn->PutAccount({"000000000003", 50}));
  COFFER_ASSERT_OK(txn->PutAccount({"000000000002", 10}));
  COFFER_ASSERT_OK(txn->PutAccount({"000000000001", 50}));  // tie: by account id
  COFFER_ASSERT_OK(txn->PutAccount({"000000000004", 5}));
  COFFER_ASSERT_OK(txn->PutAccount({"000000000004", 70}));     // replaced: moves
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, txn->ListAccounts());  // sees its own writes
  EXPECT_EQ(
      all,
      (std::vector<AccountRecord>{
          {"000000000002", 10}, {"000000000001", 50}, {"000000000003", 50}, {"000000000004", 70}}));
}

// Names and statuses (`coffer admin account`): round trip, a non-empty name
// is unique (kAlreadyExists, the row not written), empty names never
// collide, and only a status change moves the auth generation.
TEST_P(StoreConformance, AccountNameStatusAndAuthGeneration) {
  auto generation = [&](Txn& txn) -> int64_t {
    auto g = txn.GetAuthGeneration();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : -1;
  };
  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  const int64_t g0 = generation(*txn);
  COFFER_ASSERT_OK(txn->PutAccount({kAccount, 1, "default", true}));
  COFFER_ASSERT_OK(txn->PutAccount({kOtherAccount, 2, "team-a", true}));
  COFFER_ASSERT_OK(txn->PutAccount({"000000000001", 3}));  // no name
  COFFER_ASSERT_OK(txn->PutAccount({"000000000002", 4}));  // no name either
  EXPECT_EQ(generation(*txn), g0);                         // new Active accounts
  Status taken = txn->PutAccount({"000000000003", 5, "team-a", true});
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists) << taken.ToString();
  COFFER_ASSERT_OK(txn->PutAccount({kOtherAccount, 2, "team-a", false}));  // disable
  EXPECT_GT(generation(*txn), g0);
  COFFER_ASSERT_OK(txn->Commit());
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, reader->ListAccounts());
  EXPECT_EQ(all, (std::vector<AccountRecord>{{kAccount, 1, "default", true},
                                             {kOtherAccount, 2, "team-a", false},
                                             {"000000000001", 3, "", true},
                                             {"000000000002", 4, "", true}}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto b, reader->GetAccount(kOtherAccount));
  EXPECT_EQ(b, (AccountRecord{kOtherAccount, 2, "team-a", false}));
  const int64_t g1 = generation(*reader);
  reader.reset();
  txn = Write();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK(txn->PutAccount({kOtherAccount, 9, "team-b", false}));  // same status
  EXPECT_EQ(generation(*txn), g1);
  COFFER_ASSERT_OK(txn->PutAccount({kOtherAccount, 9, "team-b", true}));  // enable
  EXPECT_GT(generation(*txn), g1);
  COFFER_ASSERT_OK(txn->Commit());
}

TEST_P(StoreConformance, AccessKeyRoundTripReplaceAndList) {
  AccessKeyRecord k1{"AKIAZZZZ",
                     kAccount,
                     "arn:aws:iam::111122223333:user/admin",
                     std::string("\x00\x01sealed\xfe", 9),
                     true,
                     10};
  AccessKeyRecord k2{"AKIAAAAA", kAccount, "arn:aws:iam::111122223333:user/ci", "", false, 20};
  AccessKeyRecord k3{"AKIAMMMM", kOtherAccount, "arn:aws:iam::444455556666:root", "s", true, 30};
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    for (const auto& k : {k1, k2, k3}) COFFER_ASSERT_OK(txn->PutAccessKey(k));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto got, reader->GetAccessKey("AKIAZZZZ"));
  EXPECT_EQ(got, k1);
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, reader->GetAccessKey("AKIANOPE"));
  EXPECT_FALSE(none.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto list, reader->ListAccessKeys(kAccount));
  EXPECT_EQ(list, (std::vector<AccessKeyRecord>{k2, k1}));  // by access key id
  reader.reset();

  k1.active = false;
  k1.sealed_secret = "resealed";
  k1.principal_arn = "arn:aws:iam::111122223333:user/renamed";
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutAccessKey(k1));
    COFFER_ASSERT_OK(txn->Commit());
  }
  reader = Read();
  ASSERT_NE(reader, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto replaced, reader->GetAccessKey("AKIAZZZZ"));
  EXPECT_EQ(replaced, k1);
  COFFER_ASSERT_OK_AND_ASSIGN(auto other, reader->ListAccessKeys(kOtherAccount));
  EXPECT_EQ(other, (std::vector<AccessKeyRecord>{k3}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto empty, reader->ListAccessKeys("999999999999"));
  EXPECT_TRUE(empty.empty());
}

// Deletes, the list of every key, the seal version, and the auth generation:
// it grows in the transaction of every access-key change and only then.
TEST_P(StoreConformance, AccessKeyDeleteListAllAndAuthGeneration) {
  AccessKeyRecord k1{"AKIAZZZZ", kAccount, "arn:aws:iam::111122223333:user/admin", "s1", true, 10};
  AccessKeyRecord k2{"AKIAAAAA", kOtherAccount, "arn:aws:iam::444455556666:root", "s2", true, 20};
  k2.seal_version = 1;
  auto generation = [&](Txn& txn) -> int64_t {
    auto g = txn.GetAuthGeneration();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : -1;
  };
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  const int64_t g0 = generation(*reader);
  EXPECT_GT(g0, 0);
  reader.reset();
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutAccount({"000000000009", 1}));  // not an access key
    COFFER_ASSERT_OK(txn->Commit());
  }
  reader = Read();
  EXPECT_EQ(generation(*reader), g0);
  reader.reset();
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->PutAccessKey(k1));
    COFFER_ASSERT_OK(txn->PutAccessKey(k2));
    EXPECT_GT(generation(*txn), g0);  // sees its own change
    COFFER_ASSERT_OK(txn->Commit());
  }
  reader = Read();
  const int64_t g1 = generation(*reader);
  EXPECT_GT(g1, g0);
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, reader->ListAllAccessKeys());
  EXPECT_EQ(all, (std::vector<AccessKeyRecord>{k2, k1}));  // every account, by id
  reader.reset();
  {
    std::unique_ptr<Txn> txn = Write();  // rolled back: no change, no new generation
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->DeleteAccessKey("AKIAZZZZ"));
  }
  reader = Read();
  EXPECT_EQ(generation(*reader), g1);
  reader.reset();
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->DeleteAccessKey("AKIAZZZZ"));
    COFFER_ASSERT_OK(txn->DeleteAccessKey("AKIANOPE"));  // missing: OK
    COFFER_ASSERT_OK(txn->Commit());
  }
  reader = Read();
  const int64_t g2 = generation(*reader);
  EXPECT_GT(g2, g1);
  COFFER_ASSERT_OK_AND_ASSIGN(auto gone, reader->GetAccessKey("AKIAZZZZ"));
  EXPECT_FALSE(gone.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto rest, reader->ListAllAccessKeys());
  EXPECT_EQ(rest, (std::vector<AccessKeyRecord>{k2}));
  EXPECT_FALSE(reader->DeleteAccessKey("AKIAAAAA").ok());  // a write through a read Txn
}

}  // namespace coffer::storage::testing
