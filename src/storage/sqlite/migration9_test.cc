// Migration 9 (the iam_entities table and its auth-generation triggers) on a
// database written by schema version 8: its accounts and access keys stay,
// the table starts empty, and from then on any change to an entity, through
// the Store or the sqlite3 shell, moves the auth generation.
#include <gtest/gtest.h>

#include <string>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::storage::sqlite {
namespace {

TEST(SqliteMigration9, AddsAnEmptyEntityTableWhoseChangesMoveTheGeneration) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  ASSERT_NO_FATAL_FAILURE(CreateCurrentDatabase(path));
  ASSERT_EQ(RawQuery(path, std::string(kUndoMigration9) +
                               "INSERT INTO accounts (account_id, created_ms, name) VALUES "
                               "('111122223333', 10, 'default'); "
                               "PRAGMA user_version = 8; PRAGMA user_version"),
            "8");
  {
    auto store = OpenSqliteStore(path, SqliteOptions());  // migrates
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok());
    auto users = (*txn)->ListIamEntities("111122223333", "user");
    ASSERT_TRUE(users.ok()) << users.status().ToString();
    EXPECT_TRUE(users->empty());
    auto account = (*txn)->GetAccount("111122223333");
    ASSERT_TRUE(account.ok() && account->has_value());
    txn->reset();
    (*store)->Close();
  }
  ExpectCurrentAndConsistent(path);
  const std::string g0 = RawQuery(path, "SELECT generation FROM auth_generation");
  EXPECT_EQ(RawQuery(path,
                     "INSERT INTO iam_entities VALUES ('111122223333', 'user', 'bob', 'Bob', "
                     "'AIDA1', '/', 'arn:aws:iam::111122223333:user/Bob', 1, '{}'); "
                     "SELECT generation FROM auth_generation"),
            std::to_string(std::stoll(g0) + 1));
  // The kind is checked.
  EXPECT_EQ(RawQuery(path,
                     "INSERT INTO iam_entities VALUES ('111122223333', 'robot', 'r', 'r', "
                     "'X', '/', 'arn', 1, '{}')"),
            "<error: constraint failed>");
}

}  // namespace
}  // namespace coffer::storage::sqlite
