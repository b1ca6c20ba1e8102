// PgTxn: the accounts, access_keys, auth_generation and iam_entities tables.
// The triggers of the schema (schema.cc) move auth_generation on every
// change of an access key or IAM entity and of an account's status.
#include <string>
#include <utility>

#include "common/ascii.h"
#include "storage/postgres/pg_txn.h"

namespace coffer::storage::postgres {
namespace {

// name is NULL when empty (so that nameless rows do not collide in the
// unique index); status is 'Active' or 'Disabled'.
constexpr std::string_view kSelectAccount =
    "SELECT account_id, created_ms, coalesce(name, ''), status = 'Active' FROM accounts ";

AccountRecord ReadAccount(const pg::Rows& rows, int i) {
  return AccountRecord{rows.Text(i, 0), rows.Int(i, 1), rows.Text(i, 2), rows.Bool(i, 3)};
}

constexpr std::string_view kSelectAccessKey =
    "SELECT access_key_id, account_id, principal_arn, sealed_secret, active, created_ms, "
    "seal_version FROM access_keys ";

AccessKeyRecord ReadAccessKey(const pg::Rows& rows, int i) {
  return AccessKeyRecord{rows.Text(i, 0),
                         rows.Text(i, 1),
                         rows.Text(i, 2),
                         rows.Text(i, 3),
                         rows.Bool(i, 4),
                         rows.Int(i, 5),
                         static_cast<int32_t>(rows.Int(i, 6))};
}

std::vector<AccessKeyRecord> ReadAccessKeys(const pg::Rows& rows) {
  std::vector<AccessKeyRecord> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadAccessKey(rows, i));
  return out;
}

constexpr std::string_view kSelectIamEntity =
    "SELECT account_id, kind, name, id, path, arn, created_ms, document FROM iam_entities ";

IamEntityRecord ReadIamEntity(const pg::Rows& rows, int i) {
  return IamEntityRecord{rows.Text(i, 0), rows.Text(i, 1), rows.Text(i, 2), rows.Text(i, 3),
                         rows.Text(i, 4), rows.Text(i, 5), rows.Int(i, 6),  rows.Text(i, 7)};
}

// IAM names are unique case-insensitively; they are ASCII ([\w+=,.@-]).
std::string NameKey(std::string_view name) { return AsciiLowered(name); }

}  // namespace

Result<std::optional<AccountRecord>> PgTxn::GetAccount(std::string_view account_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccount) + "WHERE account_id = $1";
  pg::Params p;
  p.Text(account_id);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, p, "GetAccount"));
  if (rows.empty()) return std::optional<AccountRecord>();
  return std::optional<AccountRecord>(ReadAccount(rows, 0));
}

Status PgTxn::PutAccount(const AccountRecord& r) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(r.account_id).Int(r.created_ms).Text(r.name).Text(r.active ? "Active" : "Disabled");
    return Run("INSERT INTO accounts (account_id, created_ms, name, status) "
               "VALUES ($1, $2, NULLIF($3, ''), $4) "
               "ON CONFLICT (account_id) DO UPDATE SET created_ms = excluded.created_ms, "
               "name = excluded.name, status = excluded.status",
               p, "PutAccount")
        .status();
  });
}

Result<std::vector<AccountRecord>> PgTxn::ListAccounts() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccount) + "ORDER BY created_ms, account_id";
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, pg::Params(), "ListAccounts"));
  std::vector<AccountRecord> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadAccount(rows, i));
  return out;
}

Result<std::optional<AccessKeyRecord>> PgTxn::GetAccessKey(std::string_view access_key_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccessKey) + "WHERE access_key_id = $1";
  pg::Params p;
  p.Text(access_key_id);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, p, "GetAccessKey"));
  if (rows.empty()) return std::optional<AccessKeyRecord>();
  return std::optional<AccessKeyRecord>(ReadAccessKey(rows, 0));
}

Status PgTxn::PutAccessKey(const AccessKeyRecord& r) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(r.access_key_id).Text(r.account_id).Text(r.principal_arn).Bytes(r.sealed_secret);
    p.Bool(r.active).Int(r.created_ms).Int(r.seal_version);
    return Run("INSERT INTO access_keys (access_key_id, account_id, principal_arn, "
               "sealed_secret, active, created_ms, seal_version) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7) "
               "ON CONFLICT (access_key_id) DO UPDATE SET account_id = excluded.account_id, "
               "principal_arn = excluded.principal_arn, "
               "sealed_secret = excluded.sealed_secret, active = excluded.active, "
               "created_ms = excluded.created_ms, seal_version = excluded.seal_version",
               p, "PutAccessKey")
        .status();
  });
}

Result<std::vector<AccessKeyRecord>> PgTxn::ListAccessKeys(std::string_view account_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAccessKey) + "WHERE account_id = $1 ORDER BY access_key_id";
  pg::Params p;
  p.Text(account_id);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, p, "ListAccessKeys"));
  return ReadAccessKeys(rows);
}

Result<std::vector<AccessKeyRecord>> PgTxn::ListAllAccessKeys() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccessKey) + "ORDER BY access_key_id";
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, pg::Params(), "ListAllAccessKeys"));
  return ReadAccessKeys(rows);
}

Status PgTxn::DeleteAccessKey(std::string_view access_key_id) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(access_key_id);
    return Run("DELETE FROM access_keys WHERE access_key_id = $1", p, "DeleteAccessKey").status();
  });
}

Result<int64_t> PgTxn::GetAuthGeneration() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run("SELECT generation FROM auth_generation WHERE id = 1",
                                             pg::Params(), "GetAuthGeneration"));
  if (rows.empty()) return Status::Internal("postgres GetAuthGeneration: no row");
  return rows.Int(0, 0);
}

Result<std::optional<IamEntityRecord>> PgTxn::GetIamEntity(std::string_view account_id,
                                                           std::string_view kind,
                                                           std::string_view name) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectIamEntity) + "WHERE account_id = $1 AND kind = $2 AND name_key = $3";
  const std::string key = NameKey(name);
  pg::Params p;
  p.Text(account_id).Text(kind).Text(key);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, p, "GetIamEntity"));
  if (rows.empty()) return std::optional<IamEntityRecord>();
  return std::optional<IamEntityRecord>(ReadIamEntity(rows, 0));
}

Status PgTxn::PutIamEntity(const IamEntityRecord& r) {
  return Atomically([&]() -> Status {
    const std::string key = NameKey(r.name);
    pg::Params p;
    p.Text(r.account_id).Text(r.kind).Text(key).Text(r.name).Text(r.id);
    p.Text(r.path).Text(r.arn).Int(r.created_ms).Text(r.document);
    return Run("INSERT INTO iam_entities (account_id, kind, name_key, name, id, path, arn, "
               "created_ms, document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
               "ON CONFLICT (account_id, kind, name_key) DO UPDATE SET name = excluded.name, "
               "id = excluded.id, path = excluded.path, arn = excluded.arn, "
               "created_ms = excluded.created_ms, document = excluded.document",
               p, "PutIamEntity")
        .status();
  });
}

Status PgTxn::DeleteIamEntity(std::string_view account_id, std::string_view kind,
                              std::string_view name) {
  return Atomically([&]() -> Status {
    const std::string key = NameKey(name);
    pg::Params p;
    p.Text(account_id).Text(kind).Text(key);
    return Run("DELETE FROM iam_entities WHERE account_id = $1 AND kind = $2 AND name_key = $3", p,
               "DeleteIamEntity")
        .status();
  });
}

Result<std::vector<IamEntityRecord>> PgTxn::ListIamEntities(std::string_view account_id,
                                                            std::string_view kind) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectIamEntity) + "WHERE account_id = $1 AND kind = $2 ORDER BY name_key";
  pg::Params p;
  p.Text(account_id).Text(kind);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, p, "ListIamEntities"));
  std::vector<IamEntityRecord> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadIamEntity(rows, i));
  return out;
}

}  // namespace coffer::storage::postgres
