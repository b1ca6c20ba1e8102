// Conformance: secret records (round trips, uniqueness, update, delete,
// purge, replicas, TouchAccessed).
#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kSecretTestsAnchor = 1;
}  // namespace internal

namespace {

void ExpectConflict(const Status& s) {
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
  EXPECT_EQ(s.reason(), "Conflict") << s.ToString();
}

}  // namespace

TEST_P(StoreConformance, SecretRoundTripEveryField) {
  SecretRecord full = FullSecret("full");
  int64_t full_id = Insert(full);
  ASSERT_NE(full_id, 0);
  full.id = full_id;
  EXPECT_EQ(Secret(full_id), full);

  SecretRecord minimal = MinimalSecret("minimal");
  int64_t minimal_id = Insert(minimal);
  ASSERT_NE(minimal_id, 0);
  EXPECT_NE(minimal_id, full_id);
  minimal.id = minimal_id;
  EXPECT_EQ(Secret(minimal_id), minimal);

  // Present-but-empty optionals stay present.
  SecretRecord empties = MinimalSecret("empties");
  empties.description = "";
  empties.type = "";
  empties.resource_policy = "";
  empties.tags_set = true;  // tagged once, all tags removed since
  empties.last_accessed_ms = 0;
  int64_t empties_id = Insert(empties);
  ASSERT_NE(empties_id, 0);
  empties.id = empties_id;
  EXPECT_EQ(Secret(empties_id), empties);
}

TEST_P(StoreConformance, SecretLookupByIdNameAndArn) {
  SecretRecord r = FullSecret("lookup");
  r.id = Insert(r);
  ASSERT_NE(r.id, 0);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto by_name, txn->GetSecretByName(kAccount, kRegion, "lookup"));
  EXPECT_EQ(by_name, r);
  COFFER_ASSERT_OK_AND_ASSIGN(auto by_arn, txn->GetSecretByArn(r.arn));
  EXPECT_EQ(by_arn, r);
  COFFER_ASSERT_OK_AND_ASSIGN(auto other_region,
                              txn->GetSecretByName(kAccount, kOtherRegion, "lookup"));
  EXPECT_FALSE(other_region.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto other_account,
                              txn->GetSecretByName(kOtherAccount, kRegion, "lookup"));
  EXPECT_FALSE(other_account.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto prefix, txn->GetSecretByName(kAccount, kRegion, "look"));
  EXPECT_FALSE(prefix.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto bad_arn, txn->GetSecretByArn(r.arn + "x"));
  EXPECT_FALSE(bad_arn.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto bad_id, txn->GetSecretById(r.id + 1000));
  EXPECT_FALSE(bad_id.has_value());
}

TEST_P(StoreConformance, NameUniquePerAccountAndRegion) {
  SecretRecord first = MinimalSecret("db/password");
  first.deleted_ms = 5;  // a row pending deletion still holds its name
  first.deletion_date_ms = 10;
  ASSERT_NE(Insert(first), 0);
  ASSERT_NE(Insert(MinimalSecret("db/password", kAccount, kOtherRegion)), 0);
  ASSERT_NE(Insert(MinimalSecret("db/password", kOtherAccount, kRegion)), 0);
  ASSERT_NE(Insert(MinimalSecret("DB/PASSWORD")), 0);  // names are case-sensitive

  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  Result<int64_t> dup = txn->InsertSecret(MinimalSecret("db/password"));
  ASSERT_FALSE(dup.ok());
  ExpectConflict(dup.status());
  // The failed insert left nothing behind and the transaction goes on.
  COFFER_ASSERT_OK(txn->InsertSecret(MinimalSecret("db/other")));
  COFFER_ASSERT_OK(txn->Commit());
  std::unique_ptr<Txn> reader = Read();
  ASSERT_NE(reader, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto kept, reader->GetSecretByName(kAccount, kRegion, "db/password"));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->deleted_ms, std::optional<int64_t>(5));
  COFFER_ASSERT_OK_AND_ASSIGN(auto other, reader->GetSecretByName(kAccount, kRegion, "db/other"));
  EXPECT_TRUE(other.has_value());
}

// A Conflict names the kind of record, never its values (they may reach a
// log line). (The engine-agnostic half of the SQLite engine's
// ErrorsCarryNoRecordValues.)
TEST_P(StoreConformance, ConflictErrorsCarryNoRecordValues) {
  const std::string kName = "prod/very-private-name";
  ASSERT_NE(Insert(MinimalSecret(kName)), 0);
  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  Result<int64_t> dup = txn->InsertSecret(MinimalSecret(kName));
  ASSERT_FALSE(dup.ok());
  ExpectConflict(dup.status());
  EXPECT_EQ(dup.status().ToString().find(kName), std::string::npos) << dup.status().ToString();
}

TEST_P(StoreConformance, UpdateSecretReplacesEverything) {
  SecretRecord r = FullSecret("before");
  r.id = Insert(r);
  ASSERT_NE(r.id, 0);
  int64_t taken = Insert(MinimalSecret("taken"));
  ASSERT_NE(taken, 0);

  SecretRecord updated = MinimalSecret("after");
  updated.id = r.id;
  updated.arn = r.arn;
  updated.tags_set = true;
  updated.tags = {{"b", "2"}, {"a", "1"}};
  updated.replicas = {{"us-west-2", "k", "InProgress", "", std::nullopt}};
  updated.last_changed_ms = r.last_changed_ms + 1;
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->UpdateSecret(updated));
    COFFER_ASSERT_OK(txn->Commit());
  }
  EXPECT_EQ(Secret(r.id), updated);  // optionals cleared, tags and replicas replaced

  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  SecretRecord rename = updated;
  rename.name = "taken";
  rename.tags = {};
  ExpectConflict(txn->UpdateSecret(rename));
  SecretRecord missing = MinimalSecret("ghost");
  missing.id = r.id + taken + 1000;
  EXPECT_EQ(txn->UpdateSecret(missing).code(), StatusCode::kNotFound);
  COFFER_ASSERT_OK(txn->Commit());
  EXPECT_EQ(Secret(r.id), updated);  // the failed rename changed nothing
}

TEST_P(StoreConformance, DeleteSecretCascadesVersions) {
  int64_t id = Insert(FullSecret("doomed"));
  int64_t keep = Insert(MinimalSecret("kept"));
  ASSERT_NE(id, 0);
  ASSERT_NE(keep, 0);
  Put(MakeVersion(id, "v1", {"AWSPREVIOUS"}, 1));
  Put(MakeVersion(id, "v2", {"AWSCURRENT"}, 2));
  Put(MakeVersion(keep, "v1", {"AWSCURRENT"}, 1));
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->DeleteSecret(id));
    COFFER_ASSERT_OK(txn->DeleteSecret(id));  // already gone: still OK
    COFFER_ASSERT_OK(txn->Commit());
  }
  {
    std::unique_ptr<Txn> txn = Read();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK_AND_ASSIGN(auto gone, txn->GetSecretById(id));
    EXPECT_FALSE(gone.has_value());
    COFFER_ASSERT_OK_AND_ASSIGN(auto versions, txn->ListVersions(id));
    EXPECT_TRUE(versions.empty());
    COFFER_ASSERT_OK_AND_ASSIGN(auto current, txn->GetVersionByStage(id, "AWSCURRENT"));
    EXPECT_FALSE(current.has_value());
    COFFER_ASSERT_OK_AND_ASSIGN(auto kept_versions, txn->ListVersions(keep));
    EXPECT_EQ(kept_versions.size(), 1u);
  }
  // The name is free again, and the new secret starts with no versions.
  int64_t again = Insert(FullSecret("doomed"));
  ASSERT_NE(again, 0);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto versions, txn->ListVersions(again));
  EXPECT_TRUE(versions.empty());
}

namespace {

std::vector<int64_t> SecretIds(const std::vector<SecretRecord>& rows) {
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_P(StoreConformance, SecretsDueForRotation) {
  auto rotating = [](const std::string& name, const std::string& account, bool enabled,
                     std::optional<int64_t> next) {
    SecretRecord r = MinimalSecret(name, account);
    r.rotation_configured = true;
    r.rotation_enabled = enabled;
    r.rotation_lambda_arn = "arn:aws:lambda:us-east-1:111122223333:function:f";
    r.next_rotation_ms = next;
    return r;
  };
  int64_t late = Insert(rotating("late", kAccount, true, 3000));
  int64_t early = Insert(rotating("early", kOtherAccount, true, 1000));
  int64_t exact = Insert(rotating("exact", kAccount, true, 2000));
  ASSERT_NE(Insert(rotating("disabled", kAccount, false, 500)), 0);  // cancelled: never due
  ASSERT_NE(Insert(rotating("unscheduled", kAccount, true, std::nullopt)), 0);
  ASSERT_NE(Insert(MinimalSecret("plain")), 0);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto due, txn->SecretsDueForRotation(2000, 10));
  EXPECT_EQ(SecretIds(due), (std::vector<int64_t>{early, exact}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto limited, txn->SecretsDueForRotation(5000, 1));
  EXPECT_EQ(SecretIds(limited), (std::vector<int64_t>{early}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, txn->SecretsDueForRotation(5000, 10));
  EXPECT_EQ(SecretIds(all), (std::vector<int64_t>{early, exact, late}));
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].rotation_lambda_arn, "arn:aws:lambda:us-east-1:111122223333:function:f");
}

TEST_P(StoreConformance, SecretsWithPendingRotation) {
  auto rotating = [&](const std::string& name, bool enabled) {
    SecretRecord r = MinimalSecret(name);
    r.rotation_configured = true;
    r.rotation_enabled = enabled;
    return Insert(r);
  };
  auto placeholder = [](int64_t id, const std::string& version) {
    VersionRecord v = MakeVersion(id, version, {"AWSPENDING"}, 2000);
    v.has_value = false;
    v.sealed_value.clear();
    return v;
  };
  int64_t pending = rotating("pending", true);  // AWSPENDING on its own version
  Put(MakeVersion(pending, "v1", {"AWSCURRENT"}, 1000));
  Put(placeholder(pending, "v2"));
  int64_t finished = rotating("finished", true);  // AWSPENDING with AWSCURRENT: done
  Put(MakeVersion(finished, "v1", {"AWSPREVIOUS"}, 1000));
  Put(MakeVersion(finished, "v2", {"AWSCURRENT", "AWSPENDING"}, 2000));
  int64_t cancelled = rotating("cancelled", false);  // not resumed
  Put(MakeVersion(cancelled, "v1", {"AWSCURRENT"}, 1000));
  Put(placeholder(cancelled, "v2"));
  int64_t second = rotating("second", true);
  Put(placeholder(second, "v1"));  // no AWSCURRENT at all
  int64_t idle = rotating("idle", true);
  Put(MakeVersion(idle, "v1", {"AWSCURRENT"}, 1000));
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, txn->SecretsWithPendingRotation(0, 10));
  EXPECT_EQ(SecretIds(all), (std::vector<int64_t>{pending, second}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto first, txn->SecretsWithPendingRotation(0, 1));
  EXPECT_EQ(SecretIds(first), (std::vector<int64_t>{pending}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto rest, txn->SecretsWithPendingRotation(pending, 10));
  EXPECT_EQ(SecretIds(rest), (std::vector<int64_t>{second}));
  (void)finished;
  (void)cancelled;
  (void)idle;
}

TEST_P(StoreConformance, SecretsDueForPurge) {
  auto pending = [](const std::string& name, const std::string& account, int64_t due) {
    SecretRecord r = MinimalSecret(name, account);
    r.deleted_ms = due - 100;
    r.deletion_date_ms = due;
    return r;
  };
  int64_t late = Insert(pending("late", kAccount, 3000));
  int64_t early = Insert(pending("early", kOtherAccount, 1000));
  int64_t exact = Insert(pending("exact", kAccount, 2000));
  int64_t tie = Insert(pending("tie", kAccount, 2000));
  ASSERT_NE(Insert(MinimalSecret("alive")), 0);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto due, txn->SecretsDueForPurge(2000, 10));
  EXPECT_EQ(SecretIds(due), (std::vector<int64_t>{early, exact, tie}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto limited, txn->SecretsDueForPurge(5000, 2));
  EXPECT_EQ(SecretIds(limited), (std::vector<int64_t>{early, exact}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, txn->SecretsDueForPurge(5000, 10));
  EXPECT_EQ(SecretIds(all), (std::vector<int64_t>{early, exact, tie, late}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->SecretsDueForPurge(999, 10));
  EXPECT_TRUE(none.empty());
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].name, "early");  // full records, not just ids
}

TEST_P(StoreConformance, ListReplicas) {
  int64_t primary = Insert(MinimalSecret("primary"));
  int64_t other = Insert(MinimalSecret("other"));
  ASSERT_NE(primary, 0);
  ASSERT_NE(other, 0);
  SecretRecord a = MinimalSecret("primary", kAccount, kOtherRegion);
  a.primary_region = kRegion;
  a.replica_of = primary;
  SecretRecord b = MinimalSecret("primary", kAccount, "ap-south-1");
  b.primary_region = kRegion;
  b.replica_of = primary;
  SecretRecord c = MinimalSecret("other", kAccount, kOtherRegion);
  c.replica_of = other;
  a.id = Insert(a);
  b.id = Insert(b);
  c.id = Insert(c);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto replicas, txn->ListReplicas(primary));
  EXPECT_EQ(replicas, (std::vector<SecretRecord>{a, b}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->ListReplicas(a.id));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformance, TouchChangedMovesOnlyLastChangedDate) {
  SecretRecord r = FullSecret("changed");
  r.id = Insert(r);
  ASSERT_NE(r.id, 0);
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->TouchChanged(r.id, r.last_changed_ms + 5000));
    EXPECT_EQ(txn->TouchChanged(r.id + 1000, 1).code(), StatusCode::kNotFound);
    COFFER_ASSERT_OK(txn->Commit());
  }
  r.last_changed_ms += 5000;
  EXPECT_EQ(Secret(r.id), r);  // tags, replicas and every other member unchanged
}

TEST_P(StoreConformance, TouchAccessedUpdatesSecretAndOneVersion) {
  SecretRecord r = MinimalSecret("touched");
  r.id = Insert(r);
  ASSERT_NE(r.id, 0);
  Put(MakeVersion(r.id, "v1", {"AWSPREVIOUS"}, 1));
  Put(MakeVersion(r.id, "v2", {"AWSCURRENT"}, 2));
  constexpr int64_t kDay = 1'700'006'400'000;
  for (int i = 0; i < 2; ++i) {  // the second touch of the same day is a no-op
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->TouchAccessed(r.id, "v2", kDay));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::optional<SecretRecord> after = Secret(r.id);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->last_accessed_ms, std::optional<int64_t>(kDay));
  EXPECT_EQ(after->last_changed_ms, r.last_changed_ms);
  std::optional<VersionRecord> v1 = Version(r.id, "v1");
  std::optional<VersionRecord> v2 = Version(r.id, "v2");
  ASSERT_TRUE(v1.has_value());
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ(v2->last_accessed_ms, std::optional<int64_t>(kDay));
  EXPECT_EQ(v1->last_accessed_ms, std::nullopt);
  EXPECT_EQ(v2->stages, (std::vector<std::string>{"AWSCURRENT"}));
}

}  // namespace coffer::storage::testing
