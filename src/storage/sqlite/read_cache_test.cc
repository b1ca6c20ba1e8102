// TxnMode::kReadCached on the SQLite engine: lookups are served from the
// ReadCache until a write commits through the store, and never after. A
// change made behind the store's back (a raw connection, which does not move
// the write generation) shows which reads came from the cache. What any
// engine's kReadCached must show through the Store is in
// storage/testing/conformance_read_cached.cc.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::sqlite {
namespace {

using testing::kAccount;
using testing::kRegion;
using testing::MakeVersion;
using testing::MinimalSecret;

class ReadCacheTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    if (HasFatalFailure()) return;
    auto txn = store_->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    SecretRecord s = MinimalSecret("cached");
    s.description = "one";
    ASSERT_TRUE((*txn)->InsertSecret(s).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }

  std::string Description(TxnMode mode, const std::string& name = "cached") {
    auto txn = store_->Begin(mode);
    EXPECT_TRUE(txn.ok());
    if (!txn.ok()) return "<error>";
    auto r = (*txn)->GetSecretByName(kAccount, kRegion, name);
    EXPECT_TRUE(r.ok());
    if (!r.ok() || !r->has_value()) return "<none>";
    EXPECT_TRUE((*txn)->Commit().ok());
    return (*r)->description.value_or("");
  }

  // Rewrites the description with a raw connection: the store does not see it.
  void RewriteBehindTheStore(const std::string& value) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string sql = "UPDATE secrets SET description = '" + value + "' WHERE name = 'cached'";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  void WriteThroughTheStore(const std::string& value) {
    auto txn = store_->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    auto r = (*txn)->GetSecretByName(kAccount, kRegion, "cached");
    ASSERT_TRUE(r.ok() && r->has_value());
    SecretRecord s = **r;
    s.description = value;
    ASSERT_TRUE((*txn)->UpdateSecret(s).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
};

TEST_F(ReadCacheTest, ServedFromCacheUntilAWriteCommits) {
  EXPECT_EQ(Description(TxnMode::kReadCached), "one");  // fills the cache
  RewriteBehindTheStore("two");
  EXPECT_EQ(Description(TxnMode::kReadCached), "one");  // a hit: the cache
  EXPECT_EQ(Description(TxnMode::kRead), "two");        // plain reads never use it
  WriteThroughTheStore("three");
  EXPECT_EQ(Description(TxnMode::kReadCached), "three");  // the commit retired the entry
}

// A hit hands out the cached record itself (Row), not a copy; a write makes
// later lookups see a new record and leaves a Row already held unchanged.
TEST_F(ReadCacheTest, HitsShareTheCachedRecordAndWritesDoNotChangeIt) {
  auto lookup = [&] {
    auto txn = store_->Begin(TxnMode::kReadCached);
    EXPECT_TRUE(txn.ok());
    auto r = (*txn)->GetSecretByName(kAccount, kRegion, "cached");
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() ? *r : Row<SecretRecord>();
  };
  Row<SecretRecord> first = lookup();  // fills the cache
  Row<SecretRecord> second = lookup();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first.shared().get(), second.shared().get());
  WriteThroughTheStore("changed");
  Row<SecretRecord> third = lookup();
  ASSERT_TRUE(third);
  EXPECT_NE(third.shared().get(), first.shared().get());
  EXPECT_EQ(third->description, "changed");
  EXPECT_EQ(first->description, "one");
}

// One secret's labelled versions (DescribeSecret) are cached like a point
// lookup; several secrets' (ListSecrets) never are.
TEST_F(ReadCacheTest, OneSecretsLabelledVersionsAreCachedUntilAWriteCommits) {
  int64_t id = 0;
  {
    auto txn = store_->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    auto r = (*txn)->GetSecretByName(kAccount, kRegion, "cached");
    ASSERT_TRUE(r.ok() && r->has_value());
    id = (*r)->id;
    ASSERT_TRUE((*txn)->PutVersion(MakeVersion(id, "v1", {"AWSCURRENT"}, 1000)).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto labels = [&](TxnMode mode, std::vector<int64_t> ids) {
    auto txn = store_->Begin(mode);
    EXPECT_TRUE(txn.ok());
    auto versions = (*txn)->ListStagedVersions(ids);
    EXPECT_TRUE(versions.ok());
    std::string out;
    for (const VersionRecord& v : *versions)
      for (const std::string& label : v.stages) out += v.version_id + ":" + label + " ";
    return out;
  };
  EXPECT_EQ(labels(TxnMode::kReadCached, {id}), "v1:AWSCURRENT ");  // fills the cache
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(
      sqlite3_exec(db, "UPDATE secret_stages SET label = 'behind'", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(labels(TxnMode::kReadCached, {id}), "v1:AWSCURRENT ");  // a hit
  EXPECT_EQ(labels(TxnMode::kRead, {id}), "v1:behind ");
  EXPECT_EQ(labels(TxnMode::kReadCached, {id, id + 1}), "v1:behind ");  // never cached
  WriteThroughTheStore("changed");
  EXPECT_EQ(labels(TxnMode::kReadCached, {id}), "v1:behind ");  // the commit retired it
}

}  // namespace
}  // namespace coffer::storage::sqlite
