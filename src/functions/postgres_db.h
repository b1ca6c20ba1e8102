// PostgreSQL access for the built-in single-user rotator
// (postgres_rotator.h): the connection settings a rotation secret names, and
// connections made with libpq.
//
// Connections are made with PQconnectdbParams from separate keywords (never
// a conninfo string built from the secret, and with expand_dbname off, so a
// dbname cannot smuggle in other settings). The ALTER USER statement quotes
// the role with PQescapeIdentifier and the password with PQescapeLiteral.
// Nothing here logs or returns a password.
//
// The connector is an interface so the rotator's steps can be tested with a
// fake database.
//
// Thread-safety: a PostgresSecret is a value. A LibpqConnector may be used
// from several threads at once; each PostgresConnection belongs to one
// thread.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "common/secure_string.h"
#include "pg/connection.h"

namespace coffer::functions {

// The connection part of a rotation secret's JSON (see ParsePostgresSecret).
struct PostgresSecret {
  std::string engine;
  std::string host;
  std::string port = "5432";  // as text, as libpq takes it
  std::string username;
  SecureString password;
  std::string dbname = "postgres";
  // libpq sslmode from the secret's optional "ssl": absent or not a
  // true/false value: "prefer" (TLS when the server offers it); true:
  // "verify-full" against the system's CA certificates; false: "disable".
  std::string sslmode = "prefer";
};

// One open session, logged in.
class PostgresConnection {
 public:
  virtual ~PostgresConnection() = default;
  // ALTER USER <username> WITH PASSWORD <password>, both escaped by libpq.
  virtual Status SetPassword(std::string_view username, std::string_view password) = 0;
  // Runs a statement that takes no parameters (e.g. "SELECT NOW()").
  virtual Status Execute(std::string_view sql) = 0;
};

class PostgresConnector {
 public:
  virtual ~PostgresConnector() = default;
  // Logs in with `secret`. Unavailable with libpq's reason when it cannot
  // (wrong password, unreachable host, ...).
  virtual Result<std::unique_ptr<PostgresConnection>> Connect(const PostgresSecret& secret) = 0;
};

// The real one: libpq, connect_timeout 5 s.
class LibpqConnector final : public PostgresConnector {
 public:
  Result<std::unique_ptr<PostgresConnection>> Connect(const PostgresSecret& secret) override;
};

// The ALTER USER statement for `username` and `password`, quoted by
// PQescapeIdentifier and PQescapeLiteral for `conn` (whose encoding and
// standard_conforming_strings setting they follow; a connection that failed
// to open still escapes, conservatively). Internal when libpq refuses (e.g.
// invalid encoding).
Result<SecureString> BuildAlterUserSql(PGconn* conn, std::string_view username,
                                       std::string_view password);

// The first line of libpq's error message for `conn`, for logs and errors
// (pg::ErrorMessage).
std::string PostgresErrorMessage(const PGconn* conn);

}  // namespace coffer::functions
