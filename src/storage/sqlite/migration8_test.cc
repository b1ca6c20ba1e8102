// Migration 8 (accounts.name and .status, a unique index on the name, and the
// triggers that move the auth generation on a status change) on a database
// written by schema version 7: the oldest account is named "default", any
// other "account-ID", all are Active, and from then on a status change,
// through the Store or the sqlite3 shell, moves the auth generation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/sqlite/migration_test_util.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"

namespace coffer::storage::sqlite {
namespace {

int64_t GenerationOf(Store& store) {
  auto txn = store.Begin(TxnMode::kRead);
  EXPECT_TRUE(txn.ok());
  if (!txn.ok()) return -1;
  auto g = (*txn)->GetAuthGeneration();
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return g.ok() ? *g : -1;
}

TEST(SqliteMigration8, NamesOldAccountsAndCountsStatusChanges) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  ASSERT_NO_FATAL_FAILURE(CreateCurrentDatabase(path));
  // A version-7 file with the default account (the oldest) and one more.
  ASSERT_EQ(RawQuery(path, std::string(kUndoMigration8) +
                               "INSERT INTO accounts (account_id, created_ms) VALUES "
                               "('222233334444', 20), ('111122223333', 10); "
                               "PRAGMA user_version = 7; PRAGMA user_version"),
            "7");

  auto store = OpenSqliteStore(path, SqliteOptions());  // migrates
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  {
    auto txn = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok());
    auto all = (*txn)->ListAccounts();
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(*all,
              (std::vector<AccountRecord>{{"111122223333", 10, "default", true},
                                          {"222233334444", 20, "account-222233334444", true}}));
  }
  const int64_t g0 = GenerationOf(**store);
  {
    auto txn = (*store)->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    // A new Active account does not move the generation; a taken name is refused.
    ASSERT_TRUE((*txn)->PutAccount({"333344445555", 30, "team-a", true}).ok());
    EXPECT_EQ((*txn)->PutAccount({"444455556666", 40, "default", true}).code(),
              StatusCode::kAlreadyExists);
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  EXPECT_EQ(GenerationOf(**store), g0);
  {
    auto txn = (*store)->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->PutAccount({"333344445555", 30, "team-a", false}).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  const int64_t g1 = GenerationOf(**store);
  EXPECT_GT(g1, g0);
  (*store)->Close();
  // A change made outside Coffer (the sqlite3 shell) moves it as well, and
  // the status is checked.
  EXPECT_EQ(RawQuery(path,
                     "UPDATE accounts SET status = 'Disabled' WHERE account_id = '111122223333'; "
                     "SELECT name || ' ' || status FROM accounts ORDER BY created_ms"),
            "default Disabled\naccount-222233334444 Active\nteam-a Disabled");
  EXPECT_NE(RawQuery(path, "UPDATE accounts SET status = 'Gone'; SELECT 'updated'"), "updated");
  auto reopened = OpenSqliteStore(path, SqliteOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_GT(GenerationOf(**reopened), g1);
  (*reopened)->Close();
  ExpectCurrentAndConsistent(path);
}

}  // namespace
}  // namespace coffer::storage::sqlite
