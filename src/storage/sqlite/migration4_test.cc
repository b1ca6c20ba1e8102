// Migration 4 (two indexes fewer: secret_versions_by_age, and
// secret_stages_by_version with the foreign key it served) on a database
// written by schema version 3: versions keep their order, labels survive,
// a deleted version still takes its labels with it and a deleted secret its
// versions and labels, and the foreign keys hold.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::sqlite {
namespace {

using testing::MakeVersion;
using testing::MinimalSecret;

// The version-3 label table and the index migration 4 dropped.
constexpr const char* kBackToVersion3 =
    "PRAGMA foreign_keys = OFF; "
    "CREATE TABLE v3 (secret_id INTEGER NOT NULL, label TEXT NOT NULL, "
    "version_id TEXT NOT NULL, PRIMARY KEY (secret_id, label), "
    "FOREIGN KEY (secret_id, version_id) REFERENCES secret_versions(secret_id, version_id) "
    "ON DELETE CASCADE) WITHOUT ROWID; "
    "INSERT INTO v3 SELECT secret_id, label, version_id FROM secret_stages; "
    "DROP TABLE secret_stages; ALTER TABLE v3 RENAME TO secret_stages; "
    "CREATE INDEX secret_stages_by_version ON secret_stages(secret_id, version_id, label); "
    "CREATE INDEX secret_versions_by_age ON secret_versions(secret_id, created_ms, seq); "
    "PRAGMA user_version = 3; PRAGMA user_version";

TEST(SqliteMigration4, DropsTwoIndexesAndKeepsVersionsAndLabels) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  int64_t id = 0;
  int64_t other = 0;
  std::vector<VersionRecord> before;
  {
    auto store = OpenSqliteStore(path, SqliteOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    auto inserted = (*txn)->InsertSecret(MinimalSecret("db/password"));
    ASSERT_TRUE(inserted.ok());
    id = *inserted;
    auto second = (*txn)->InsertSecret(MinimalSecret("db/other"));
    ASSERT_TRUE(second.ok());
    other = *second;
    // Same created_ms for two versions: insertion order breaks the tie.
    ASSERT_TRUE((*txn)->PutVersion(MakeVersion(id, "v-z-old", {"AWSPREVIOUS"}, 1000)).ok());
    ASSERT_TRUE((*txn)->PutVersion(MakeVersion(id, "v-a-new", {"AWSCURRENT", "x"}, 1000)).ok());
    ASSERT_TRUE((*txn)->PutVersion(MakeVersion(id, "v-bare", {}, 3000)).ok());
    ASSERT_TRUE((*txn)->PutVersion(MakeVersion(other, "o-1", {"AWSCURRENT"}, 1000)).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
    auto read = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(read.ok());
    auto listed = (*read)->ListVersions(id);
    ASSERT_TRUE(listed.ok());
    before = *listed;
    read->reset();
    (*store)->Close();
  }
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before[0].version_id, "v-z-old");
  ASSERT_EQ(RawQuery(path, kBackToVersion3), "3");
  ASSERT_EQ(RawQuery(path, "SELECT count(*) FROM secret_stages"), "4");

  auto store = OpenSqliteStore(path, SqliteOptions());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  {
    auto read = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(read.ok());
    auto after = (*read)->ListVersions(id);
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->size(), before.size());
    for (size_t i = 0; i < before.size(); ++i) {
      EXPECT_EQ((*after)[i].version_id, before[i].version_id);
      EXPECT_EQ((*after)[i].sealed_value, before[i].sealed_value);
      EXPECT_EQ((*after)[i].stages, before[i].stages);
    }
  }
  {
    auto txn = (*store)->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    // A version added after the migration sorts after the older ones.
    ASSERT_TRUE((*txn)->PutVersion(MakeVersion(id, "v-0-later", {}, 3000)).ok());
    auto listed = (*txn)->ListVersions(id);
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed->size(), 4u);
    EXPECT_EQ(listed->back().version_id, "v-0-later");
    // The labels follow their version out, and the secret's go with it.
    ASSERT_TRUE((*txn)->DeleteVersion(id, "v-a-new").ok());
    ASSERT_TRUE((*txn)->DeleteSecret(other).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  (*store)->Close();
  EXPECT_EQ(RawQuery(path, "SELECT label FROM secret_stages ORDER BY label"), "AWSPREVIOUS");
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                           "('secret_versions_by_age', 'secret_stages_by_version')"),
            "0");
  EXPECT_EQ(RawQuery(path, "PRAGMA foreign_key_check"), "");
}

}  // namespace
}  // namespace coffer::storage::sqlite
