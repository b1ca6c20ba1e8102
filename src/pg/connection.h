// The one libpq wrapper of Coffer (used by the built-in PostgreSQL rotator,
// functions/postgres_db.h, and by the PostgreSQL storage engine,
// storage/postgres).
//
//   Connection  one session (PGconn), opened from keyword/value pairs or a
//               postgresql:// URL, with a per-session cache of prepared
//               statements: Run(sql, params) prepares `sql` on first use and
//               then only executes it, so values always travel as parameters,
//               never inside SQL text;
//   Params      the parameters of one Run, bound in order ($1, $2, ...), sent in
//               binary with explicit types (BIGINT, BOOLEAN, TEXT, BYTEA and
//               arrays of BIGINT and TEXT);
//   Rows        a result in binary format, read by row and column.
//
// Error mapping (the only place SQLSTATEs become Status):
//   class 23 (integrity constraint)        -> kAlreadyExists, reason "Conflict",
//                                              a fixed message naming the kind;
//   40001 / 40P01 (serialization, deadlock),
//   class 08, 57P01-57P03, 53300, 55P03
//   (lock timeout), 57014 (statement
//   timeout), a lost connection             -> kUnavailable (try again);
//   XX001 / XX002 (corruption)              -> kDataLoss;
//   anything else                           -> kInternal.
// Messages name the operation and the SQLSTATE, plus the server's text only
// for classes whose texts name identifiers, never values (42, 0A, 25, 28, 3D,
// 3F), and libpq's text for connection failures: no bound value, no password,
// no URL can reach them.
//
// Thread-safety: none. A Connection is used by one thread at a time (its pool
// sees to that); Params and Rows are values.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::pg {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The first line of libpq's error message for `conn`, one line.
std::string ErrorMessage(const PGconn* conn);

// Maps a failed result (or a null one) of `conn` to a Status as described
// above; `op` names the operation. OK for PGRES_COMMAND_OK / TUPLES_OK.
Status StatusOf(PGconn* conn, const PGresult* res, const char* op);

class Params {
 public:
  Params& Int(int64_t v);
  Params& Bool(bool v);
  // The bytes are not copied: they must outlive the Run.
  Params& Text(std::string_view v);
  Params& Bytes(std::string_view v);
  Params& OptInt(const std::optional<int64_t>& v);
  Params& OptText(const std::optional<std::string>& v);
  Params& IntArray(const std::vector<int64_t>& v);            // BIGINT[]
  Params& TextArray(const std::vector<std::string_view>& v);  // TEXT[]

  int size() const { return static_cast<int>(values_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  Params& Add(Oid type, const char* data, int length);
  std::string& Scratch();

  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::deque<std::string> scratch_;  // encoded numbers and arrays (stable addresses)
};

// A result in binary format. Column readers REQUIRE the column types the
// statement selects: BIGINT / INTEGER / SMALLINT (Int), BOOLEAN (Bool), TEXT
// or BYTEA (Text, View).
class Rows {
 public:
  explicit Rows(ResultPtr res) : res_(std::move(res)) {}
  int size() const { return PQntuples(res_.get()); }
  bool empty() const { return size() == 0; }
  // Rows an INSERT / UPDATE / DELETE touched.
  int64_t affected() const;

  bool IsNull(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const;
  std::string Text(int row, int col) const { return std::string(View(row, col)); }
  std::string_view View(int row, int col) const;
  std::optional<int64_t> OptInt(int row, int col) const;
  std::optional<std::string> OptText(int row, int col) const;
  // A one-dimensional TEXT[] (NULL and NULL elements read as empty).
  std::vector<std::string> TextArray(int row, int col) const;

 private:
  ResultPtr res_;
};

class Connection {
 public:
  // Connects with keyword/value pairs (PQconnectdbParams). `expand_dbname`:
  // a "dbname" value that is a URL or conninfo string is expanded (the pairs
  // before it are defaults it overrides). Errors: kUnavailable with libpq's
  // reason (which names host, port and user, never a password).
  static Result<std::unique_ptr<Connection>> Open(
      const std::vector<std::pair<const char*, const char*>>& params, bool expand_dbname);
  // Connects to a postgresql:// URL (or conninfo string), with
  // application_name and connect_timeout as defaults the URL may override.
  // A URL libpq cannot parse is kInvalidArgument with a fixed message (libpq's
  // would quote it); no message repeats the URL's password.
  // `defaults`: more keyword/value pairs the URL may override.
  static Result<std::unique_ptr<Connection>> OpenUrl(
      const std::string& url, const char* application_name, int connect_timeout_s,
      const std::vector<std::pair<const char*, const char*>>& defaults = {});

  explicit Connection(ConnPtr conn);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  PGconn* get() const { return conn_.get(); }
  // The session is gone (or unusable): give it up, do not reuse it.
  bool broken() const { return broken_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  // PQTRANS_IDLE, PQTRANS_INTRANS, PQTRANS_INERROR, ...
  PGTransactionStatusType txn_status() const { return PQtransactionStatus(conn_.get()); }

  // Runs `sql` (one or more statements, no parameters) with the simple
  // query protocol; rows, if any, are dropped.
  Status Exec(const char* sql, const char* op);
  // Runs `sql` with `params`, prepared on this session at first use.
  Result<Rows> Run(std::string_view sql, const Params& params, const char* op);
  Result<Rows> Run(std::string_view sql, const char* op) { return Run(sql, Params(), op); }

 private:
  Status Fail(Status s);

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  ConnPtr conn_;
  bool broken_ = false;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> prepared_;  // sql -> name
};

}  // namespace coffer::pg
