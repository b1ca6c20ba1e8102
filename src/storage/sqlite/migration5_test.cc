// Migration 5 (each label row carries its version's place in the version
// order) on a database written by schema version 4: the copied order is the
// versions' own, created_ms first and insertion order second, and the
// labels of several secrets come back in it.
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

TEST(SqliteMigration5, CopiesEachLabelsVersionOrder) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("coffer.db");
  // Inserted later but created earlier: created_ms decides.
  const std::vector<int64_t> ids = SeedVersions(
      path,
      {{"db/password",
        {MakeVersion(0, "v-late", {"AWSPREVIOUS"}, 2000),
         MakeVersion(0, "v-early", {"AWSCURRENT", "x"}, 1000), MakeVersion(0, "v-bare", {}, 500)}},
       {"db/other", {MakeVersion(0, "o-1", {"AWSCURRENT"}, 1000)}}});
  ASSERT_EQ(ids.size(), 2u);
  ASSERT_EQ(RawQuery(path, std::string(kUndoLaterMigrations) +
                               "ALTER TABLE secret_stages DROP COLUMN version_created_ms; "
                               "ALTER TABLE secret_stages DROP COLUMN version_rowid; "
                               "PRAGMA user_version = 4; PRAGMA user_version"),
            "4");

  auto store = OpenSqliteStore(path, SqliteOptions());  // migrates
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  {
    auto txn = (*store)->Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok());
    auto staged = (*txn)->ListStagedVersions({ids[1], ids[0]});
    ASSERT_TRUE(staged.ok());
    ASSERT_EQ(staged->size(), 3u);
    EXPECT_EQ((*staged)[0].version_id, "v-early");
    EXPECT_EQ((*staged)[0].created_ms, 1000);
    EXPECT_EQ((*staged)[0].stages, (std::vector<std::string>{"AWSCURRENT", "x"}));
    EXPECT_EQ((*staged)[1].version_id, "v-late");
    EXPECT_EQ((*staged)[1].created_ms, 2000);
    EXPECT_EQ((*staged)[2].version_id, "o-1");
  }
  (*store)->Close();
  EXPECT_EQ(RawQuery(path,
                     "SELECT count(*) FROM secret_stages st JOIN secret_versions v "
                     "ON v.secret_id = st.secret_id AND v.version_id = st.version_id "
                     "WHERE st.version_created_ms = v.created_ms "
                     "AND st.version_rowid = v.rowid"),
            "4");
  ExpectCurrentAndConsistent(path);
}

}  // namespace
}  // namespace coffer::storage::sqlite
