#include "functions/postgres_db.h"

#include <openssl/crypto.h>

#include <cstring>
#include <utility>
#include <vector>

namespace coffer::functions {

namespace {

// Where Debian keeps the system's CA bundle: the trust anchor for "ssl": true
// (the AWS template uses verify-full with the Lambda image's bundle).
constexpr char kSystemCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

// libpq's handles and messages come from the shared wrapper (pg/connection.h).
using PgResultPtr = pg::ResultPtr;

// Frees a string libpq allocated after wiping it (it may hold a password).
void FreeWiped(char* p) {
  if (!p) return;
  OPENSSL_cleanse(p, std::strlen(p));
  PQfreemem(p);
}

Status CheckResult(PGconn* conn, const PGresult* res, std::string_view what) {
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  std::string detail;
  if (res) {
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (primary) detail = primary;
  }
  if (detail.empty()) detail = PostgresErrorMessage(conn);
  return Status::Unavailable("", std::string(what) + " failed: " + detail);
}

class LibpqConnection final : public PostgresConnection {
 public:
  explicit LibpqConnection(std::unique_ptr<pg::Connection> conn) : session_(std::move(conn)) {}

  Status SetPassword(std::string_view username, std::string_view password) override {
    Result<SecureString> sql = BuildAlterUserSql(session_->get(), username, password);
    if (!sql.ok()) return sql.status();
    // The statement carries the password: no copy of it in an error.
    PgResultPtr res(PQexec(session_->get(), sql->data()));
    return CheckResult(session_->get(), res.get(), "ALTER USER");
  }

  Status Execute(std::string_view sql) override {
    std::string text(sql);
    PgResultPtr res(PQexec(session_->get(), text.c_str()));
    return CheckResult(session_->get(), res.get(), text);
  }

 private:
  std::unique_ptr<pg::Connection> session_;
};

}  // namespace

std::string PostgresErrorMessage(const PGconn* conn) { return pg::ErrorMessage(conn); }

Result<SecureString> BuildAlterUserSql(PGconn* conn, std::string_view username,
                                       std::string_view password) {
  if (!conn) return Status::Internal("no PostgreSQL connection object");
  char* ident = PQescapeIdentifier(conn, username.data(), username.size());
  if (!ident) {
    return Status::InvalidArgument("", "cannot quote the user name: " + PostgresErrorMessage(conn));
  }
  char* literal = PQescapeLiteral(conn, password.data(), password.size());
  if (!literal) {
    PQfreemem(ident);
    // libpq's message names the problem (e.g. invalid multibyte
    // character), never the value.
    return Status::InvalidArgument("",
                                   "cannot quote the new password: " + PostgresErrorMessage(conn));
  }
  SecureString sql(std::string_view("ALTER USER "));
  sql.append(ident);
  sql.append(" WITH PASSWORD ");
  sql.append(literal);
  PQfreemem(ident);
  FreeWiped(literal);
  return sql;
}

Result<std::unique_ptr<PostgresConnection>> LibpqConnector::Connect(const PostgresSecret& secret) {
  // SecureString's data() is NUL-terminated like std::string's; libpq wipes
  // its copy of the password when the connection is freed.
  std::vector<const char*> keys = {"host",
                                   "port",
                                   "user",
                                   "password",
                                   "dbname",
                                   "sslmode",
                                   "connect_timeout",
                                   "application_name"};
  std::vector<const char*> values = {secret.host.c_str(),
                                     secret.port.c_str(),
                                     secret.username.c_str(),
                                     secret.password.data(),
                                     secret.dbname.c_str(),
                                     secret.sslmode.c_str(),
                                     "5",
                                     "coffer-rotator"};
  if (secret.sslmode == "verify-full") {
    keys.push_back("sslrootcert");
    values.push_back(kSystemCaBundle);
  }
  std::vector<std::pair<const char*, const char*>> params;
  for (size_t i = 0; i < keys.size(); ++i) params.emplace_back(keys[i], values[i]);
  Result<std::unique_ptr<pg::Connection>> conn = pg::Connection::Open(params, false);
  if (!conn.ok()) {
    // pg's message: "cannot connect to PostgreSQL: " and libpq's reason.
    std::string reason = conn.status().message();
    const std::string_view prefix = "cannot connect to PostgreSQL: ";
    if (reason.compare(0, prefix.size(), prefix) == 0) reason.erase(0, prefix.size());
    return Status::Unavailable("", "cannot log in to PostgreSQL as " + secret.username + " at " +
                                       secret.host + ":" + secret.port + ": " + reason);
  }
  return std::unique_ptr<PostgresConnection>(new LibpqConnection(std::move(conn).value()));
}

}  // namespace coffer::functions
