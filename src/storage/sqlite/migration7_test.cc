// Migration 7 (access_keys.seal_version, auth_generation and its triggers) on
// a database written by schema version 6: the access keys already there are
// marked as sealed the old way (seal_version 1, for the server to reseal),
// nothing else about them changes, and from then on every change to the
// table, through the Store or the sqlite3 shell, moves the auth generation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::storage::sqlite {
namespace {

// Undoes migration 7 (and only 7: kUndoLaterMigrations undoes 6 as well).
constexpr const char* kBackToVersion6 =
    "DROP TRIGGER access_keys_insert_generation; DROP TRIGGER access_keys_update_generation; "
    "DROP TRIGGER access_keys_delete_generation; DROP TABLE auth_generation; "
    "ALTER TABLE access_keys DROP COLUMN seal_version; PRAGMA user_version = 6; ";

int64_t GenerationOf(Store& store) {
  auto txn = store.Begin(TxnMode::kRead);
  EXPECT_TRUE(txn.ok());
  if (!txn.ok()) return -1;
  auto g = (*txn)->GetAuthGeneration();
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() ? *g : -1;
}

TEST(SqliteMigration7, MarksOldRowsForResealAndCountsChanges) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  ASSERT_NO_FATAL_FAILURE(CreateCurrentDatabase(path));
  // A version-6 file, with access keys as version 6 wrote them.
  ASSERT_EQ(RawQuery(path, std::string(kUndoMigration8) + kBackToVersion6 +
                               "INSERT INTO access_keys (access_key_id, account_id, principal_arn, "
                               "sealed_secret, active, created_ms) VALUES "
                               "('AKIAOLD1', '111122223333', 'arn:aws:iam::111122223333:user/a', "
                               "x'01aa', 1, 10), "
                               "('AKIAOLD2', '111122223333', 'arn:aws:iam::111122223333:user/b', "
                               "x'01bb', 0, 20); "
                               "PRAGMA user_version"),
            "6");
  ASSERT_EQ(RawQuery(path, "SELECT count(*) FROM sqlite_master WHERE name = 'auth_generation'"),
            "0");

  auto store = OpenSqliteStore(path, SqliteOptions());  // migrates
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  {
    auto txn = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok());
    auto all = (*txn)->ListAllAccessKeys();
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(*all, (std::vector<AccessKeyRecord>{
                        {"AKIAOLD1", "111122223333", "arn:aws:iam::111122223333:user/a",
                         std::string("\x01\xaa", 2), true, 10, 1},
                        {"AKIAOLD2", "111122223333", "arn:aws:iam::111122223333:user/b",
                         std::string("\x01\xbb", 2), false, 20, 1}}));
  }
  const int64_t g0 = GenerationOf(**store);
  EXPECT_EQ(g0, 1);
  {
    auto txn = (*store)->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    AccessKeyRecord resealed{
        "AKIAOLD1", "111122223333", "arn:aws:iam::111122223333:user/a", "new", true, 10, 2};
    ASSERT_TRUE((*txn)->PutAccessKey(resealed).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  const int64_t g1 = GenerationOf(**store);
  EXPECT_GT(g1, g0);
  (*store)->Close();
  // A change made outside Coffer (the sqlite3 shell) moves it as well.
  EXPECT_EQ(RawQuery(path,
                     "UPDATE access_keys SET account_id = '999999999999' "
                     "WHERE access_key_id = 'AKIAOLD2'; "
                     "SELECT seal_version FROM access_keys ORDER BY access_key_id"),
            "2\n1");
  auto reopened = OpenSqliteStore(path, SqliteOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_GT(GenerationOf(**reopened), g1);
  (*reopened)->Close();
  ExpectCurrentAndConsistent(path);
}

}  // namespace
}  // namespace coffer::storage::sqlite
