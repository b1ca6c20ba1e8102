// Connection and Stmt: a thin RAII layer over one sqlite3 handle.
//
// A Connection owns the handle and a cache of prepared statements keyed by
// their SQL text. Stmt borrows a cached statement for one use: it binds
// parameters in order, steps, reads columns, and resets the statement when it
// goes out of scope so the next user finds it clean.
//
// Error mapping (the only place SQLite result codes become Status):
//   SQLITE_CONSTRAINT_*      -> kAlreadyExists, reason "Conflict", with a fixed
//                               message naming the kind of record;
//   SQLITE_CORRUPT / NOTADB  -> kDataLoss;
//   anything else (BUSY, IOERR, FULL, ...) -> kInternal.
// Messages are built from the operation name and sqlite3_errstr(), never from
// bound values, so no record value (name, tag, ciphertext) can leak into them.
//
// Thread-safety: none. A Connection is used by one thread at a time; its
// owner (the writer's turn, group_commit.h, or the reader pool,
// reader_pool.h) guarantees that.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "coffer/result.h"
#include "storage/sqlite/sqlite_options.h"

namespace coffer::storage::sqlite {

class Connection {
 public:
  // Opens `path` and applies the per-connection pragmas (foreign_keys,
  // busy_timeout, synchronous=FULL; query_only for readers). Does not change
  // the journal mode or the schema; see schema.h.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                  const SqliteOptions& options, bool create,
                                                  bool reader);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // Returns the cached statement for `sql`, preparing it on first use.
  // REQUIRES: `sql` has static storage duration (it is the cache key), and no
  // other Stmt over the same SQL text is alive (they would share one handle).
  Result<sqlite3_stmt*> Prepare(std::string_view sql);

  // Runs one statement that returns no rows, through the cache.
  // REQUIRES: as Prepare.
  Status Exec(std::string_view sql, const char* op);

  // ROLLBACK when a transaction is open; OK when none is.
  Status RollbackIfOpen();
  // Ends the open transaction: COMMIT when `commit` (rolling back if COMMIT
  // fails), else ROLLBACK if one is open (the end of a group commit's batch).
  Status CommitOrRollback(bool commit);

  // Maps the connection's last error (result code `rc`) to a Status.
  Status Error(int rc, const char* op) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string_view, sqlite3_stmt*> stmts_;
};

// One use of a cached statement. The bind calls bind parameters 1, 2, 3, ...
// in order; a bind failure is remembered and reported by the next Step/Run.
// Values are bound without copying: REQUIRES bound strings outlive the Stmt.
class Stmt {
 public:
  // `op` names the operation in error messages (a string literal).
  Stmt(Connection& conn, sqlite3_stmt* stmt, const char* op) : conn_(conn), stmt_(stmt), op_(op) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Int(int64_t v);
  Stmt& Bool(bool v) { return Int(v ? 1 : 0); }
  Stmt& Text(std::string_view v);
  Stmt& Blob(std::string_view v);
  Stmt& OptInt(const std::optional<int64_t>& v);
  Stmt& OptText(const std::optional<std::string>& v);
  Stmt& Null();

  // Advances: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, ignoring rows.
  Status Run();

  int64_t ColInt(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool ColBool(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  bool ColIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string ColText(int col) const;  // TEXT or BLOB bytes; NULL reads as ""
  // The same bytes without a copy, valid until the next Step() or reset.
  std::string_view ColView(int col) const;
  std::optional<int64_t> ColOptInt(int col) const;
  std::optional<std::string> ColOptText(int col) const;

 private:
  Stmt& Check(int rc);

  Connection& conn_;
  sqlite3_stmt* stmt_;
  const char* op_;
  int next_param_ = 1;
  int bind_rc_ = SQLITE_OK;
};

// Usage:
//   COFFER_ASSIGN_OR_RETURN(sqlite3_stmt* s, conn.Prepare(kSql));
//   Stmt st(conn, s, "GetAccount");
//   st.Text(account_id);
//   COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
}  // namespace coffer::storage::sqlite
