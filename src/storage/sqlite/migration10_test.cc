// Migration 10 (the partial index of secrets due for rotation) on a database
// written by schema version 9: the rows stay, and the scheduler's query uses
// the index.
#include <gtest/gtest.h>

#include <string>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::storage::sqlite {
namespace {

TEST(SqliteMigration10, AddsTheRotationIndexWhichTheDueQueryUses) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  ASSERT_NO_FATAL_FAILURE(CreateCurrentDatabase(path));
  ASSERT_EQ(RawQuery(path, std::string(kUndoMigration10) +
                               "PRAGMA user_version = 9; PRAGMA user_version"),
            "9");
  {
    auto store = OpenSqliteStore(path, SqliteOptions());  // migrates
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok());
    auto due = (*txn)->SecretsDueForRotation(1000, 10);
    ASSERT_TRUE(due.ok()) << due.status().ToString();
    EXPECT_TRUE(due->empty());
    txn->reset();
    (*store)->Close();
  }
  ExpectCurrentAndConsistent(path);
  EXPECT_NE(RawQuery(path,
                     "EXPLAIN QUERY PLAN SELECT id FROM secrets WHERE rotation_enabled <> 0 AND "
                     "next_rotation_ms IS NOT NULL AND next_rotation_ms <= 5 "
                     "ORDER BY next_rotation_ms, id")
                .find("secrets_by_rotation"),
            std::string::npos);
}

}  // namespace
}  // namespace coffer::storage::sqlite
