// Migration 4 (two indexes fewer: secret_versions_by_age, and
// secret_stages_by_version with the foreign key it served) on a database
// written by schema version 3: versions keep their order, labels survive,
// a deleted version still takes its labels with it and a deleted secret its
// versions and labels, and the foreign keys hold.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::storage::sqlite {
namespace {

using testing::MakeVersion;

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
  // Same created_ms for two versions: insertion order breaks the tie.
  const std::vector<int64_t> ids = SeedVersions(
      path,
      {{"db/password",
        {MakeVersion(0, "v-z-old", {"AWSPREVIOUS"}, 1000),
         MakeVersion(0, "v-a-new", {"AWSCURRENT", "x"}, 1000), MakeVersion(0, "v-bare", {}, 3000)}},
       {"db/other", {MakeVersion(0, "o-1", {"AWSCURRENT"}, 1000)}}});
  ASSERT_EQ(ids.size(), 2u);
  const int64_t id = ids[0];
  const int64_t other = ids[1];
  const std::vector<VersionRecord> before = VersionsAt(path, id);
  ASSERT_EQ(before.size(), 3u);
  EXPECT_EQ(before[0].version_id, "v-z-old");
  ASSERT_EQ(RawQuery(path, std::string(kUndoLaterMigrations) + kBackToVersion3), "3");
  ASSERT_EQ(RawQuery(path, "SELECT count(*) FROM secret_stages"), "4");

  EXPECT_EQ(VersionsAt(path, id), before);  // opening migrates
  auto store = OpenSqliteStore(path, SqliteOptions());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
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
  ExpectCurrentAndConsistent(path);
  EXPECT_EQ(RawQuery(path,
                     "SELECT count(*) FROM sqlite_schema WHERE name IN "
                     "('secret_versions_by_age', 'secret_stages_by_version')"),
            "0");
}

}  // namespace
}  // namespace coffer::storage::sqlite
