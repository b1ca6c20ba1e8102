// Test helpers for the SQLite engine's tests: a temporary directory removed
// with its contents, a fixture with a store opened in one, and raw-SQLite
// queries for checking the file from outside the Store.
//
// Thread-safety: none needed; used from test bodies.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "storage/sqlite/sqlite_store.h"

namespace coffer::storage::sqlite {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "coffer-sqlite-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made != nullptr) path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A fixture with a SQLite store opened at path_ in a fresh directory.
class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    auto store = OpenSqliteStore(path_, SqliteOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  TempDir dir_;
  std::string path_ = dir_.File("coffer.db");
  std::unique_ptr<Store> store_;
};

// Runs `sql` on a fresh raw connection to `path` and returns the last column
// of the rows joined by '\n' ("<error: …>" on failure). The last column is
// the value of a PRAGMA or SELECT of one column, and the `detail` of EXPLAIN
// QUERY PLAN.
inline std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db);
    return "<error: open>";
  }
  std::string out;
  sqlite3_stmt* stmt = nullptr;
  const char* tail = sql.c_str();
  while (*tail != '\0') {
    if (sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) != SQLITE_OK) {
      out = std::string("<error: ") + sqlite3_errmsg(db) + ">";
      break;
    }
    if (stmt == nullptr) break;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, sqlite3_column_count(stmt) - 1);
      if (!out.empty()) out += '\n';
      out += text ? reinterpret_cast<const char*>(text) : "NULL";
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
      out = std::string("<error: ") + sqlite3_errstr(rc) + ">";
      break;
    }
  }
  sqlite3_close_v2(db);
  return out;
}

}  // namespace coffer::storage::sqlite
