// Migration 3 (secret_versions as a rowid table) on a database written by
// schema version 2: every version and label survives byte for byte and in
// order, the foreign keys still hold (a version's labels go with it), and the
// writer has foreign keys on again afterwards.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::sqlite {
namespace {

using testing::MakeVersion;

// The version-2 table, clustered on its key, as migration 1 created it.
constexpr const char* kBackToVersion2 =
    "CREATE TABLE v2 (secret_id INTEGER NOT NULL REFERENCES secrets(id) ON DELETE CASCADE, "
    "version_id TEXT NOT NULL, seq INTEGER NOT NULL, created_ms INTEGER NOT NULL, "
    "last_accessed_ms INTEGER, kms_key_arn TEXT NOT NULL, has_value INTEGER NOT NULL, "
    "is_binary INTEGER NOT NULL, sealed_value BLOB NOT NULL, "
    "PRIMARY KEY (secret_id, version_id)) WITHOUT ROWID; "
    "INSERT INTO v2 SELECT secret_id, version_id, seq, created_ms, last_accessed_ms, "
    "kms_key_arn, has_value, is_binary, sealed_value FROM secret_versions; "
    "DROP TABLE secret_versions; ALTER TABLE v2 RENAME TO secret_versions; "
    "CREATE INDEX secret_versions_by_age ON secret_versions(secret_id, created_ms, seq); "
    "PRAGMA user_version = 2; PRAGMA user_version";

TEST(SqliteMigration3, RebuildsVersionsOfAVersion2Database) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  const std::vector<int64_t> ids = SeedVersions(
      path,
      {{"db/password",
        {MakeVersion(0, "v-old", {"AWSPREVIOUS"}, 1000),
         MakeVersion(0, "v-new", {"AWSCURRENT", "x"}, 2000), MakeVersion(0, "v-bare", {}, 3000)}}});
  ASSERT_EQ(ids.size(), 1u);
  const int64_t id = ids[0];
  const std::vector<VersionRecord> before = VersionsAt(path, id);
  ASSERT_EQ(RawQuery(path, std::string(kUndoLaterMigrations) + kBackToVersion2), "2");
  ASSERT_EQ(RawQuery(path, "SELECT count(*) FROM secret_stages"), "3");

  EXPECT_EQ(VersionsAt(path, id), before);  // opening migrates
  auto store = OpenSqliteStore(path, SqliteOptions());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto& sqlite = static_cast<SqliteStore&>(**store);
  auto fk = sqlite.TEST_Pragma(TxnMode::kWrite, "foreign_keys");
  ASSERT_TRUE(fk.ok());
  EXPECT_EQ(*fk, "1");
  // The labels still follow their version out (ON DELETE CASCADE to the new table).
  {
    auto txn = (*store)->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->DeleteVersion(id, "v-new").ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  (*store)->Close();
  EXPECT_EQ(RawQuery(path, "SELECT count(*) FROM secret_stages"), "1");
  ExpectCurrentAndConsistent(path);
  EXPECT_EQ(RawQuery(path,
                     "SELECT count(*) FROM sqlite_schema WHERE name = 'secret_versions' "
                     "AND sql LIKE '%WITHOUT ROWID%'"),
            "0");
}

}  // namespace
}  // namespace coffer::storage::sqlite
