// Helpers for the migration tests: seed secrets and versions into a new
// database through a store opened for the purpose, and read a secret's
// versions back through another (which runs the migrations first).
//
// Thread-safety: none needed; used from test bodies.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::sqlite {

// One secret to seed: MinimalSecret(name) and its versions (their secret_id
// is filled in).
struct SeededSecret {
  std::string name;
  std::vector<VersionRecord> versions;
};

// Opens a store at `path`, writes `secrets` in one committed transaction and
// closes it. Returns the secrets' ids in order (empty after a test failure).
inline std::vector<int64_t> SeedVersions(const std::string& path,
                                         const std::vector<SeededSecret>& secrets) {
  std::vector<int64_t> ids;
  auto store = OpenSqliteStore(path, SqliteOptions());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  {
    auto txn = (*store)->Begin(TxnMode::kWrite);
    EXPECT_TRUE(txn.ok());
    if (!txn.ok()) return {};
    for (const SeededSecret& secret : secrets) {
      auto id = (*txn)->InsertSecret(testing::MinimalSecret(secret.name));
      EXPECT_TRUE(id.ok());
      if (!id.ok()) return {};
      for (VersionRecord v : secret.versions) {
        v.secret_id = *id;
        EXPECT_TRUE((*txn)->PutVersion(v).ok()) << v.version_id;
      }
      ids.push_back(*id);
    }
    EXPECT_TRUE((*txn)->Commit().ok());
  }
  (*store)->Close();
  return ids;
}

// ListVersions(id) of the store at `path`, opened (migrating it) and closed.
inline std::vector<VersionRecord> VersionsAt(const std::string& path, int64_t id) {
  auto store = OpenSqliteStore(path, SqliteOptions());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return {};
  std::vector<VersionRecord> out;
  {
    auto read = (*store)->Begin(TxnMode::kRead);
    EXPECT_TRUE(read.ok());
    if (!read.ok()) return {};
    auto listed = (*read)->ListVersions(id);
    EXPECT_TRUE(listed.ok());
    if (listed.ok()) out = *listed;
  }
  (*store)->Close();
  return out;
}

// Undoes migration 10 (the rotation index).
#define COFFER_UNDO_MIGRATION_10 "DROP INDEX secrets_by_rotation; "
inline constexpr const char* kUndoMigration10 = COFFER_UNDO_MIGRATION_10;

// Undoes migrations 10 and 9 (the iam_entities table; its triggers go with it).

#define COFFER_UNDO_MIGRATION_9 COFFER_UNDO_MIGRATION_10 "DROP TABLE iam_entities; "
inline constexpr const char* kUndoMigration9 = COFFER_UNDO_MIGRATION_9;

// Undoes migrations 9 and 8 (accounts.name and .status, their index and
// triggers).
#define COFFER_UNDO_MIGRATION_8                                                        \
  COFFER_UNDO_MIGRATION_9                                                              \
  "DROP TRIGGER accounts_insert_generation; DROP TRIGGER accounts_update_generation; " \
  "DROP TRIGGER accounts_delete_generation; DROP INDEX accounts_by_name; "             \
  "ALTER TABLE accounts DROP COLUMN name; ALTER TABLE accounts DROP COLUMN status; "
inline constexpr const char* kUndoMigration8 = COFFER_UNDO_MIGRATION_8;

// What a test of migration N runs, besides undoing N itself, to turn a new
// file into one of version N - 1: undoes the later migrations that the
// migrations from N on would not redo by rebuilding a table (8 adds
// accounts.name and .status; 7 adds access_keys.seal_version,
// auth_generation and its triggers; 6 adds secrets.has_extras, which no
// earlier migration rebuilds).
inline constexpr const char* kUndoLaterMigrations = COFFER_UNDO_MIGRATION_8
    "DROP TRIGGER access_keys_insert_generation; DROP TRIGGER access_keys_update_generation; "
    "DROP TRIGGER access_keys_delete_generation; DROP TABLE auth_generation; "
    "ALTER TABLE access_keys DROP COLUMN seal_version; "
    "ALTER TABLE secrets DROP COLUMN has_extras; ";

// Creates a database of the current schema at `path`, empty, and closes it:
// where a migration test starts before undoing the migrations it tests.
inline void CreateCurrentDatabase(const std::string& path) {
  auto store = OpenSqliteStore(path, SqliteOptions());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  (*store)->Close();
}

// The closed file at `path` is at this build's schema version and its
// foreign keys hold.
inline void ExpectCurrentAndConsistent(const std::string& path) {
  EXPECT_EQ(RawQuery(path, "PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(RawQuery(path, "PRAGMA foreign_key_check"), "");
}

}  // namespace coffer::storage::sqlite
