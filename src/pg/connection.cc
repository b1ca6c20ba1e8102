#include "pg/connection.h"

#include <endian.h>

#include <cstring>

namespace coffer::pg {
namespace {

// Type OIDs (catalog/pg_type.dat; stable across releases).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kText = 25;
constexpr Oid kTextArray = 1009, kInt8Array = 1016;

void PutBe32(std::string& out, uint32_t v) {
  uint32_t be = htobe32(v);
  out.append(reinterpret_cast<const char*>(&be), 4);
}
void PutBe64(std::string& out, uint64_t v) {
  uint64_t be = htobe64(v);
  out.append(reinterpret_cast<const char*>(&be), 8);
}

// The binary array format (array_send): ndim, has-null flag, element type,
// then per dimension its size and lower bound, then each element's length
// and bytes.
std::string ArrayHeader(Oid elem, size_t n) {
  std::string out;
  PutBe32(out, n == 0 ? 0 : 1);
  PutBe32(out, 0);
  PutBe32(out, elem);
  if (n > 0) {
    PutBe32(out, static_cast<uint32_t>(n));
    PutBe32(out, 1);
  }
  return out;
}

std::string ConflictMessage(std::string_view sqlstate) {
  if (sqlstate == "23505") return "a record with the same key already exists";
  if (sqlstate == "23503") return "the record refers to a record that does not exist";
  return "the record breaks a constraint of the database";
}

// SQLSTATE classes whose server messages name objects (tables, roles,
// databases, settings), never the values of a row.
bool MessageNamesOnlyObjects(std::string_view sqlstate) {
  for (std::string_view cls : {"42", "0A", "25", "28", "3D", "3F"}) {
    if (sqlstate.substr(0, 2) == cls) return true;
  }
  return false;
}

}  // namespace

std::string ErrorMessage(const PGconn* conn) {
  if (!conn) return "out of memory";
  std::string msg = PQerrorMessage(conn);
  // libpq's messages may span lines ("connection to server ... failed: \n...").
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (char& c : msg) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return msg;
}

Status StatusOf(PGconn* conn, const PGresult* res, const char* op) {
  ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  const char* code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = code ? code : "";
  const std::string where = std::string("postgres ") + op + ": ";
  if (sqlstate.empty() || PQstatus(conn) != CONNECTION_OK) {
    return Status::Unavailable("", where + "connection lost: " + ErrorMessage(conn));
  }
  if (sqlstate.substr(0, 2) == "23") {
    return Status::AlreadyExists("Conflict", ConflictMessage(sqlstate));
  }
  std::string detail = where + "SQLSTATE " + std::string(sqlstate);
  if (MessageNamesOnlyObjects(sqlstate)) {
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (primary) detail += std::string(": ") + primary;
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate.substr(0, 2) == "08" ||
      sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" || sqlstate == "53300" ||
      sqlstate == "55P03" || sqlstate == "57014") {
    return Status::Unavailable("", detail);
  }
  if (sqlstate == "XX001" || sqlstate == "XX002") return Status::DataLoss(detail);
  return Status::Internal(detail);
}

// --- Params ---

std::string& Params::Scratch() { return scratch_.emplace_back(); }

Params& Params::Add(Oid type, const char* data, int length) {
  types_.push_back(type);
  values_.push_back(data);
  lengths_.push_back(length);
  formats_.push_back(1);
  return *this;
}

Params& Params::Int(int64_t v) {
  std::string& s = Scratch();
  PutBe64(s, static_cast<uint64_t>(v));
  return Add(kInt8, s.data(), 8);
}

Params& Params::Bool(bool v) { return Add(kBool, v ? "\x01" : "\x00", 1); }

Params& Params::Text(std::string_view v) {
  return Add(kText, v.data() ? v.data() : "", static_cast<int>(v.size()));
}

Params& Params::Bytes(std::string_view v) {
  return Add(kBytea, v.data() ? v.data() : "", static_cast<int>(v.size()));
}

Params& Params::OptInt(const std::optional<int64_t>& v) {
  return v ? Int(*v) : Add(kInt8, nullptr, 0);
}

Params& Params::OptText(const std::optional<std::string>& v) {
  return v ? Text(*v) : Add(kText, nullptr, 0);
}

Params& Params::IntArray(const std::vector<int64_t>& v) {
  std::string& s = Scratch();
  s = ArrayHeader(kInt8, v.size());
  for (int64_t x : v) {
    PutBe32(s, 8);
    PutBe64(s, static_cast<uint64_t>(x));
  }
  return Add(kInt8Array, s.data(), static_cast<int>(s.size()));
}

Params& Params::TextArray(const std::vector<std::string_view>& v) {
  std::string& s = Scratch();
  s = ArrayHeader(kText, v.size());
  for (std::string_view x : v) {
    PutBe32(s, static_cast<uint32_t>(x.size()));
    s.append(x);
  }
  return Add(kTextArray, s.data(), static_cast<int>(s.size()));
}

// --- Rows ---

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(res_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

int64_t Rows::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  const char* p = PQgetvalue(res_.get(), row, col);
  switch (PQgetlength(res_.get(), row, col)) {
    case 8: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return static_cast<int64_t>(be64toh(v));
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return static_cast<int32_t>(be32toh(v));
    }
    case 2: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return static_cast<int16_t>(be16toh(v));
    }
    case 1: return static_cast<unsigned char>(*p);  // a BOOLEAN read as a number
    default: return 0;
  }
}

bool Rows::Bool(int row, int col) const { return Int(row, col) != 0; }

std::string_view Rows::View(int row, int col) const {
  if (IsNull(row, col)) return {};
  return std::string_view(PQgetvalue(res_.get(), row, col),
                          static_cast<size_t>(PQgetlength(res_.get(), row, col)));
}

std::optional<int64_t> Rows::OptInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

std::optional<std::string> Rows::OptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

std::vector<std::string> Rows::TextArray(int row, int col) const {
  std::vector<std::string> out;
  std::string_view a = View(row, col);
  auto take32 = [&a](uint32_t& v) {
    if (a.size() < 4) return false;
    std::memcpy(&v, a.data(), 4);
    v = be32toh(v);
    a.remove_prefix(4);
    return true;
  };
  uint32_t ndim = 0, flags = 0, elem = 0, n = 0, lbound = 0;
  if (!take32(ndim) || !take32(flags) || !take32(elem) || ndim == 0) return out;
  if (ndim != 1 || !take32(n) || !take32(lbound)) return out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len = 0;
    if (!take32(len)) break;
    if (len == 0xffffffffu) {  // a NULL element
      out.emplace_back();
      continue;
    }
    if (a.size() < len) break;
    out.emplace_back(a.substr(0, len));
    a.remove_prefix(len);
  }
  return out;
}

// --- Connection ---

Result<std::unique_ptr<Connection>> Connection::Open(
    const std::vector<std::pair<const char*, const char*>>& params, bool expand_dbname) {
  std::vector<const char*> keys, values;
  for (const auto& kv : params) {
    keys.push_back(kv.first);
    values.push_back(kv.second);
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  ConnPtr conn(PQconnectdbParams(keys.data(), values.data(), expand_dbname ? 1 : 0));
  if (conn) {
    // Server notices ("... does not exist, skipping") would go to stderr
    // unstructured.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
  }
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::Unavailable("", "cannot connect to PostgreSQL: " + ErrorMessage(conn.get()));
  }
  return std::make_unique<Connection>(std::move(conn));
}

Result<std::unique_ptr<Connection>> Connection::OpenUrl(
    const std::string& url, const char* application_name, int connect_timeout_s,
    const std::vector<std::pair<const char*, const char*>>& defaults) {
  // libpq's messages about a malformed URL quote pieces of it, which may be
  // the password: parse it first and say only that it is malformed.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    if (parse_error) PQfreemem(parse_error);
    return Status::InvalidArgument("", "the PostgreSQL URL is malformed");
  }
  std::string password;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(options);
  const std::string timeout = std::to_string(connect_timeout_s);
  std::vector<std::pair<const char*, const char*>> params = {{"application_name", application_name},
                                                             {"connect_timeout", timeout.c_str()}};
  params.insert(params.end(), defaults.begin(), defaults.end());
  params.emplace_back("dbname", url.c_str());  // last: its settings win
  Result<std::unique_ptr<Connection>> conn = Open(params, /*expand_dbname=*/true);
  if (conn.ok() || password.empty()) return conn;
  // Belt and braces: no message repeats the password.
  std::string msg = conn.status().message();
  for (size_t at = msg.find(password); at != std::string::npos; at = msg.find(password)) {
    msg.replace(at, password.size(), "***");
  }
  return Status::Unavailable("", msg);
}

Connection::Connection(ConnPtr conn) : conn_(std::move(conn)) {}

Status Connection::Fail(Status s) {
  if (PQstatus(conn_.get()) != CONNECTION_OK) broken_ = true;
  return s;
}

Status Connection::Exec(const char* sql, const char* op) {
  if (broken()) return Status::Unavailable("", std::string("postgres ") + op + ": connection lost");
  ResultPtr res(PQexec(conn_.get(), sql));
  // A multi-statement string returns the last statement's result; an error
  // stops at the failing one and is what comes back.
  return Fail(StatusOf(conn_.get(), res.get(), op));
}

Result<Rows> Connection::Run(std::string_view sql, const Params& params, const char* op) {
  if (broken()) return Status::Unavailable("", std::string("postgres ") + op + ": connection lost");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "c" + std::to_string(prepared_.size() + 1);
    std::string text(sql);
    ResultPtr res(
        PQprepare(conn_.get(), name.c_str(), text.c_str(), params.size(), params.types()));
    COFFER_RETURN_IF_ERROR(Fail(StatusOf(conn_.get(), res.get(), op)));
    it = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  ResultPtr res(PQexecPrepared(conn_.get(), it->second.c_str(), params.size(), params.values(),
                               params.lengths(), params.formats(), /*resultFormat=*/1));
  COFFER_RETURN_IF_ERROR(Fail(StatusOf(conn_.get(), res.get(), op)));
  return Rows(std::move(res));
}

}  // namespace coffer::pg
