#include "storage/sqlite/snapshot.h"

#include <sqlite3.h>

#include <memory>

namespace coffer::storage::sqlite {
namespace {

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, Closer>;

Status Failed(const char* what, sqlite3* db, int rc) {
  const std::string text = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) return Status::DataLoss(text);
  return Status::Internal(text);
}

Result<Db> OpenDb(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return Failed("cannot open the database", db.get(), rc);
  sqlite3_busy_timeout(db.get(), 10000);
  return db;
}

// Runs `sql` with text parameters bound in order, stepping to the end.
Status Run(sqlite3* db, const char* sql, std::initializer_list<std::string> params = {}) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc != SQLITE_OK) return Failed("prepare", db, rc);
  int i = 1;
  for (const std::string& p : params) {
    sqlite3_bind_text(stmt.get(), i++, p.data(), static_cast<int>(p.size()), SQLITE_TRANSIENT);
  }
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) return Failed("step", db, rc);
  return Status::Ok();
}

}  // namespace

Status SnapshotInto(const std::string& db_path, const std::string& out_path) {
  // Read-only on the live database: VACUUM INTO reads it in one read
  // transaction (a WAL snapshot) and writes a new, compact file.
  COFFER_ASSIGN_OR_RETURN(Db db, OpenDb(db_path, SQLITE_OPEN_READONLY));
  return Run(db.get(), "VACUUM INTO ?1", {out_path});
}

Status WriteManifest(const std::string& path, const std::map<std::string, std::string>& entries) {
  COFFER_ASSIGN_OR_RETURN(Db db, OpenDb(path, SQLITE_OPEN_READWRITE));
  COFFER_RETURN_IF_ERROR(Run(db.get(), "PRAGMA journal_mode=DELETE"));
  COFFER_RETURN_IF_ERROR(Run(db.get(), "PRAGMA synchronous=FULL"));
  COFFER_RETURN_IF_ERROR(Run(db.get(),
                             "CREATE TABLE coffer_backup (name TEXT PRIMARY KEY, value BLOB NOT "
                             "NULL)"));
  for (const auto& [name, value] : entries) {
    COFFER_RETURN_IF_ERROR(
        Run(db.get(), "INSERT INTO coffer_backup (name, value) VALUES (?1, ?2)", {name, value}));
  }
  return Status::Ok();
}

Result<std::map<std::string, std::string>> ReadManifest(const std::string& path) {
  COFFER_ASSIGN_OR_RETURN(Db db, OpenDb(path, SQLITE_OPEN_READONLY));
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db.get(), "SELECT name, value FROM coffer_backup", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) return Failed("not a database", db.get(), rc);
  if (rc != SQLITE_OK) return Status::NotFound("NotABackup", "no Coffer backup manifest");
  std::map<std::string, std::string> out;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    auto text = [&](int col) {
      const void* p = sqlite3_column_blob(stmt.get(), col);
      const int n = sqlite3_column_bytes(stmt.get(), col);
      return std::string(static_cast<const char*>(p ? p : ""), static_cast<size_t>(n));
    };
    out[text(0)] = text(1);
  }
  if (rc != SQLITE_DONE) return Failed("read the manifest", db.get(), rc);
  return out;
}

Status DropManifest(const std::string& path) {
  COFFER_ASSIGN_OR_RETURN(Db db, OpenDb(path, SQLITE_OPEN_READWRITE));
  return Run(db.get(), "DROP TABLE IF EXISTS coffer_backup");
}

}  // namespace coffer::storage::sqlite
