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

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

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
  explicit LibpqConnection(PgConnPtr conn) : conn_(std::move(conn)) {}

  Status SetPassword(std::string_view username, std::string_view password) override {
    Result<SecureString> sql = BuildAlterUserSql(conn_.get(), username, password);
    if (!sql.ok()) return sql.status();
    // The statement carries the password: no copy of it in an error.
    PgResultPtr res(PQexec(conn_.get(), sql->data()));
    return CheckResult(conn_.get(), res.get(), "ALTER USER");
  }

  Status Execute(std::string_view sql) override {
    std::string text(sql);
    PgResultPtr res(PQexec(conn_.get(), text.c_str()));
    return CheckResult(conn_.get(), res.get(), text);
  }

 private:
  PgConnPtr conn_;
};

}  // namespace

std::string PostgresErrorMessage(const PGconn* conn) {
  if (!conn) return "out of memory";
  std::string msg = PQerrorMessage(conn);
  // libpq's messages may span lines ("connection to server ... failed: \n...").
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (char& c : msg) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return msg;
}

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
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/0));
  if (conn) {
    // Server notices (e.g. "role ... does not exist, skipping") would go to
    // stderr unstructured.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
  }
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::Unavailable("", "cannot log in to PostgreSQL as " + secret.username + " at " +
                                       secret.host + ":" + secret.port + ": " +
                                       PostgresErrorMessage(conn.get()));
  }
  return std::unique_ptr<PostgresConnection>(new LibpqConnection(std::move(conn)));
}

}  // namespace coffer::functions
