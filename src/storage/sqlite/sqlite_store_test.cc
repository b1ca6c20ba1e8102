// The conformance suite on SQLite, plus what only a file-backed engine has:
// reopening, migrations, pragmas, file modes, query plans and error mapping.
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>

#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::sqlite {
namespace {

using testing::MinimalSecret;
using testing::StoreConformance;
using testing::StoreEngine;

// --- the conformance suite, one fresh database file per test ---

TempDir& ConformanceDir() {
  static TempDir* dir = new TempDir();  // removed by the environment below
  return *dir;
}

class ConformanceDirCleanup : public ::testing::Environment {
 public:
  void TearDown() override { delete &ConformanceDir(); }
};
[[maybe_unused]] ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new ConformanceDirCleanup);

std::unique_ptr<Store> OpenFreshStore() {
  static std::atomic<int> counter{0};
  std::string path = ConformanceDir().File("conformance-" + std::to_string(++counter) + ".db");
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path, SqliteOptions());
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return nullptr;
  }
  return std::move(store).value();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(StoreEngine{"sqlite", &OpenFreshStore}),
                         testing::StoreEngineName);

// --- SQLite-specific behaviour ---

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }

  std::unique_ptr<Store> Open(SqliteOptions options = SqliteOptions()) {
    Result<std::unique_ptr<Store>> store = OpenSqliteStore(path_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  TempDir dir_;
  std::string path_ = dir_.File("coffer.db");
};

int64_t InsertCommitted(Store& store, const SecretRecord& r) {
  Result<std::unique_ptr<Txn>> txn = store.Begin(TxnMode::kWrite);
  if (!txn.ok()) return 0;
  Result<int64_t> id = (*txn)->InsertSecret(r);
  if (!id.ok() || !(*txn)->Commit().ok()) return 0;
  return *id;
}

TEST_F(SqliteStoreTest, ReopenSeesCommittedDataOnly) {
  int64_t id = 0;
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    id = InsertCommitted(*store, MinimalSecret("kept"));
    ASSERT_NE(id, 0);
    auto txn = store->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->InsertSecret(MinimalSecret("dropped")).ok());
    // Destroyed uncommitted with the store.
  }
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  auto txn = store->Begin(TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  auto kept = (*txn)->GetSecretById(id);
  ASSERT_TRUE(kept.ok());
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->name, "kept");
  auto dropped = (*txn)->GetSecretByName(testing::kAccount, testing::kRegion, "dropped");
  ASSERT_TRUE(dropped.ok());
  EXPECT_FALSE(dropped->has_value());
}

TEST_F(SqliteStoreTest, MigrationsAreIdempotent) {
  const std::string kSchemaDump =
      "SELECT type || ' ' || name || ': ' || coalesce(sql, '') "
      "FROM sqlite_schema ORDER BY name";
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_NE(InsertCommitted(*store, MinimalSecret("survivor")), 0);
  }
  EXPECT_EQ(RawQuery(path_, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  std::string schema = RawQuery(path_, kSchemaDump);
  EXPECT_NE(schema.find("table secrets:"), std::string::npos) << schema;
  EXPECT_NE(schema.find("index secrets_by_name:"), std::string::npos) << schema;

  for (int i = 0; i < 2; ++i) {  // reopening migrates nothing and loses nothing
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
  }
  EXPECT_EQ(RawQuery(path_, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(RawQuery(path_, kSchemaDump), schema);
  EXPECT_EQ(RawQuery(path_, "SELECT name FROM secrets"), "survivor");

  // Migrate() on an up-to-date connection is a no-op.
  auto conn = Connection::Open(path_, SqliteOptions(), false, false);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_TRUE(Migrate(**conn).ok());
  EXPECT_TRUE(Migrate(**conn).ok());
  auto version = SchemaVersionOf(**conn);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, kSchemaVersion);
}

TEST_F(SqliteStoreTest, RefusesDatabaseFromNewerVersion) {
  { ASSERT_NE(Open(), nullptr); }
  std::string newer = std::to_string(kSchemaVersion + 1);
  ASSERT_EQ(RawQuery(path_, "PRAGMA user_version = " + newer + "; PRAGMA user_version"), newer);
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path_, SqliteOptions());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition) << store.status().ToString();
  EXPECT_EQ(RawQuery(path_, "PRAGMA user_version"), newer);  // untouched
}

TEST_F(SqliteStoreTest, RefusesFileThatIsNotADatabase) {
  { std::ofstream(path_) << std::string(8192, 'x'); }
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path_, SqliteOptions());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
}

TEST_F(SqliteStoreTest, MissingFileWithoutCreateFails) {
  SqliteOptions options;
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(path_, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  struct stat st;
  EXPECT_NE(::stat(path_.c_str(), &st), 0);  // and nothing was created
}

TEST_F(SqliteStoreTest, WalFullSyncAndForeignKeysOnEveryConnection) {
  SqliteOptions options;
  options.busy_timeout_ms = 1234;
  std::unique_ptr<Store> store = Open(options);
  ASSERT_NE(store, nullptr);
  auto* sqlite_store = dynamic_cast<SqliteStore*>(store.get());
  ASSERT_NE(sqlite_store, nullptr);
  for (TxnMode mode : {TxnMode::kWrite, TxnMode::kRead}) {
    SCOPED_TRACE(mode == TxnMode::kWrite ? "writer" : "reader");
    auto pragma = [&](const std::string& name) {
      Result<std::string> v = sqlite_store->TEST_Pragma(mode, name);
      return v.ok() ? *v : v.status().ToString();
    };
    EXPECT_EQ(pragma("journal_mode"), "wal");
    EXPECT_EQ(pragma("synchronous"), "2");  // FULL
    EXPECT_EQ(pragma("foreign_keys"), "1");
    EXPECT_EQ(pragma("busy_timeout"), "1234");
    EXPECT_EQ(pragma("query_only"), mode == TxnMode::kRead ? "1" : "0");
  }
  EXPECT_EQ(RawQuery(path_, "PRAGMA journal_mode"), "wal");  // persisted in the file
}

TEST_F(SqliteStoreTest, FilesAreOwnerOnly) {
  { std::ofstream(path_).flush(); }
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);  // an existing file is tightened too
  mode_t old_umask = ::umask(022);
  std::unique_ptr<Store> store = Open();
  ::umask(old_umask);
  ASSERT_NE(store, nullptr);
  ASSERT_NE(InsertCommitted(*store, MinimalSecret("x")), 0);
  for (const std::string& file : {path_, path_ + "-wal", path_ + "-shm"}) {
    struct stat st;
    ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

TEST_F(SqliteStoreTest, EveryScanWalksItsIndexWithoutSorting) {
  { ASSERT_NE(Open(), nullptr); }
  const std::pair<SecretSort, const char*> kIndexes[] = {
      {SecretSort::kCreatedDate, "secrets_by_created"},
      {SecretSort::kLastAccessedDate, "secrets_by_accessed"},
      {SecretSort::kLastChangedDate, "secrets_by_changed"},
      {SecretSort::kName, "secrets_by_name"}};
  for (const auto& [sort, index] : kIndexes) {
    for (bool descending : {false, true}) {
      for (bool has_position : {false, true}) {
        std::string sql(ScanSql(sort, descending, has_position));
        std::string plan = RawQuery(path_, "EXPLAIN QUERY PLAN " + sql);
        SCOPED_TRACE(sql);
        EXPECT_NE(plan.find(std::string("USING INDEX ") + index + " (account_id=? AND region=?"),
                  std::string::npos)
            << plan;
        EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
      }
    }
  }
}

TEST_F(SqliteStoreTest, LabeledVersionsAreLookedUpByKey) {
  { ASSERT_NE(Open(), nullptr); }
  std::string plan = RawQuery(path_, "EXPLAIN QUERY PLAN " + std::string(LabeledVersionsSql()));
  EXPECT_NE(plan.find("SEARCH secret_versions USING INDEX secret_versions_by_id "
                      "(secret_id=? AND version_id=?)"),
            std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("SCAN secret_versions"), std::string::npos) << plan;
}

TEST_F(SqliteStoreTest, ErrorsCarryNoRecordValues) {
  SqliteOptions options;
  options.busy_timeout_ms = 50;
  std::unique_ptr<Store> store = Open(options);
  ASSERT_NE(store, nullptr);
  const std::string kName = "prod/very-private-name";
  ASSERT_NE(InsertCommitted(*store, MinimalSecret(kName)), 0);
  {
    auto txn = store->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    Result<int64_t> dup = (*txn)->InsertSecret(MinimalSecret(kName));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.status().reason(), "Conflict");
    EXPECT_EQ(dup.status().ToString().find(kName), std::string::npos) << dup.status().ToString();
  }
  // Another process holds the write lock: Begin(kWrite) times out as kInternal,
  // while reads still work (WAL).
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Result<std::unique_ptr<Txn>> blocked = store->Begin(TxnMode::kWrite);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), StatusCode::kInternal) << blocked.status().ToString();
  auto reader = store->Begin(TxnMode::kRead);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto found = (*reader)->GetSecretByName(testing::kAccount, testing::kRegion, kName);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  // The writer is usable again.
  EXPECT_NE(InsertCommitted(*store, MinimalSecret("after-busy")), 0);
}

}  // namespace
}  // namespace coffer::storage::sqlite
