#include "storage/sqlite/connection.h"

#include <cstring>
#include <string>

namespace coffer::storage::sqlite {
namespace {

// Fixed, value-free messages for constraint failures, chosen by the table the
// failing constraint belongs to (SQLite's message names only tables/columns).
std::string ConflictMessage(const char* errmsg) {
  std::string_view m = errmsg ? errmsg : "";
  if (m.find("FOREIGN KEY") != std::string_view::npos) {
    return "the record refers to a record that does not exist";
  }
  if (m.find("secret_stages.") != std::string_view::npos) {
    return "the staging label is already attached to another version of the secret";
  }
  if (m.find("secrets.") != std::string_view::npos) {
    return "a secret with this name already exists in this account and region";
  }
  if (m.find("kms_key_materials.") != std::string_view::npos) {
    return "this version of the key material already exists";
  }
  return "the write conflicts with an existing record";
}

// Process-wide SQLite settings, applied once before the library initialises.
// MEMSTATUS off: with it on (the default) every sqlite3_malloc and free takes
// a global mutex to keep allocation statistics nobody reads here.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    // SQLITE_MISUSE if SQLite was initialised already: then the default stays.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const SqliteOptions& options, bool create,
                                                     bool reader) {
  ConfigureSqliteOnce();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  if (create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = std::string("sqlite open: ") + sqlite3_errstr(rc);
    sqlite3_close_v2(db);  // a handle is returned even on most failures
    if (rc == SQLITE_CANTOPEN && !create) {
      return Status::FailedPrecondition("", "the database file does not exist");
    }
    return Status::Internal(detail);
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> conn(new Connection(db));
  // The busy timeout first: preparing `PRAGMA synchronous` reads the schema,
  // which needs a read lock; without the timeout a new connection opened
  // while another holds the lock failed at once with SQLITE_BUSY (seen in
  // group_commit_test under ASan: 32 threads opening and closing readers).
  rc = sqlite3_busy_timeout(db, options.busy_timeout_ms);
  if (rc != SQLITE_OK) return conn->Error(rc, "open");
  COFFER_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys = ON", "open"));
  COFFER_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = FULL", "open"));
  if (reader) COFFER_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only = ON", "open"));
  // Every write Txn is a SAVEPOINT of a batch (group_commit.h), so SQLite
  // keeps a statement journal of the pages each one changes; in a temporary
  // file that was ~2 pwrite calls per page changed (strace, PutSecretValue at
  // 64 connections). In memory it costs a copy. No secret is in it in the
  // clear: pages hold sealed values only.
  COFFER_RETURN_IF_ERROR(conn->Exec("PRAGMA temp_store = MEMORY", "open"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<sqlite3_stmt*> Connection::Prepare(std::string_view sql) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare");
  if (stmt == nullptr) return Status::Internal("sqlite prepare: empty statement");
  stmts_.emplace(sql, stmt);
  return stmt;
}

Status Connection::Exec(std::string_view sql, const char* op) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, Prepare(sql));
  Stmt st(*this, s, op);
  return st.Run();
}

Status Connection::RollbackIfOpen() {
  if (sqlite3_get_autocommit(db_)) return Status::Ok();
  return Exec("ROLLBACK", "rollback");
}

Status Connection::CommitOrRollback(bool commit) {
  if (!commit) return RollbackIfOpen();
  Status c = Exec("COMMIT", "commit");
  if (!c.ok()) (void)RollbackIfOpen();
  return c;
}

Status Connection::Error(int rc, const char* op) const {
  int primary = rc & 0xff;
  if (primary == SQLITE_CONSTRAINT) {
    return Status::AlreadyExists("Conflict", ConflictMessage(sqlite3_errmsg(db_)));
  }
  std::string detail =
      std::string("sqlite ") + op + ": " + sqlite3_errstr(rc) + " (" + std::to_string(rc) + ")";
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return Status::DataLoss(detail);
  return Status::Internal(detail);
}

Stmt::~Stmt() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Check(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  ++next_param_;
  return *this;
}

Stmt& Stmt::Int(int64_t v) { return Check(sqlite3_bind_int64(stmt_, next_param_, v)); }

Stmt& Stmt::Text(std::string_view v) {
  // A non-null pointer keeps "" distinct from NULL.
  const char* p = v.data() ? v.data() : "";
  return Check(sqlite3_bind_text64(stmt_, next_param_, p, v.size(), SQLITE_STATIC, SQLITE_UTF8));
}

Stmt& Stmt::Blob(std::string_view v) {
  const char* p = v.data() ? v.data() : "";
  return Check(sqlite3_bind_blob64(stmt_, next_param_, p, v.size(), SQLITE_STATIC));
}

Stmt& Stmt::OptInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }

Stmt& Stmt::OptText(const std::optional<std::string>& v) { return v ? Text(*v) : Null(); }

Stmt& Stmt::Null() { return Check(sqlite3_bind_null(stmt_, next_param_)); }

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return conn_.Error(bind_rc_, op_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_.Error(rc, op_);
}

Status Stmt::Run() {
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

// Column reads fetch the column's value once (sqlite3_column_value) and read
// it with the sqlite3_value_* accessors. Each sqlite3_column_* call checks the
// statement and its error state on the way in and out; a page of ListSecrets
// made ~5,000 of them. One such call a column instead of two or three took
// 1-2% off the page (docs/performance.md §6). SQLite calls the value
// "unprotected": reading it outside the connection's mutex is safe only when
// no other thread uses the connection, which Connection's contract (NOMUTEX,
// one thread at a time) guarantees.
namespace {

std::string_view ValueView(sqlite3_value* v) {
  const void* p = sqlite3_value_blob(v);  // TEXT or BLOB bytes, before their size
  int n = sqlite3_value_bytes(v);
  if (p == nullptr || n <= 0) return std::string_view();
  return std::string_view(static_cast<const char*>(p), static_cast<size_t>(n));
}

}  // namespace

std::string_view Stmt::ColView(int col) const {
  return ValueView(sqlite3_column_value(stmt_, col));
}

std::string Stmt::ColText(int col) const { return std::string(ColView(col)); }

std::optional<int64_t> Stmt::ColOptInt(int col) const {
  sqlite3_value* v = sqlite3_column_value(stmt_, col);
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return sqlite3_value_int64(v);
}

std::optional<std::string> Stmt::ColOptText(int col) const {
  sqlite3_value* v = sqlite3_column_value(stmt_, col);
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return std::string(ValueView(v));
}

}  // namespace coffer::storage::sqlite
