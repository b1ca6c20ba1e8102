// Migration 6 (secrets.has_extras) on a database written by schema version 5:
// a row that has any of the extra columns set is flagged, so a scan still
// returns each such field; a row with none is not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::storage::sqlite {
namespace {

TEST(SqliteMigration6, FlagsTheRowsWithExtraColumns) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  std::vector<SecretRecord> rows = testing::OneFieldEach("one-");
  rows.push_back(testing::MinimalSecret("bare"));
  {
    auto store = OpenSqliteStore(path, SqliteOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    for (SecretRecord& r : rows) {
      auto id = (*txn)->InsertSecret(r);
      ASSERT_TRUE(id.ok()) << r.name;
      r.id = *id;
    }
    ASSERT_TRUE((*txn)->Commit().ok());
    (*store)->Close();
  }
  ASSERT_EQ(RawQuery(path, std::string(kUndoLaterMigrations) +
                               "PRAGMA user_version = 5; PRAGMA user_version"),
            "5");

  auto store = OpenSqliteStore(path, SqliteOptions());  // migrates
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  {
    auto txn = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok());
    SecretScan scan;
    scan.account_id = testing::kAccount;
    scan.region = testing::kRegion;
    scan.include_deleted = true;
    auto page = (*txn)->ScanSecrets(scan);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_EQ(*page, rows);  // all created at the same time: id order
  }
  (*store)->Close();
  // Only the fields of kSelectSecretExtras set the flag.
  EXPECT_EQ(RawQuery(path,
                     "SELECT group_concat(name, ' ') FROM (SELECT name FROM secrets "
                     "WHERE has_extras = 0 ORDER BY id)"),
            "one-description one-description_empty one-last_accessed_ms one-deleted_ms "
            "one-replica_of one-tags_set one-kms_key_id bare");
  ExpectCurrentAndConsistent(path);
}

}  // namespace
}  // namespace coffer::storage::sqlite
