// SqliteTxn: the accounts, access_keys and auth_generation tables.
#include <utility>

#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {
namespace {

// name is NULL when empty (so that nameless rows do not collide in the
// unique index of schema 8); status is 'Active' or 'Disabled'.
constexpr std::string_view kSelectAccount =
    "SELECT account_id, created_ms, coalesce(name, ''), status = 'Active' FROM accounts ";

AccountRecord ReadAccount(const Stmt& st) {
  return AccountRecord{st.ColText(0), st.ColInt(1), st.ColText(2), st.ColBool(3)};
}

}  // namespace

Result<std::optional<AccountRecord>> SqliteTxn::GetAccount(std::string_view account_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccount) + "WHERE account_id = ?1";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "GetAccount");
  st.Text(account_id);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AccountRecord>();
  return std::optional<AccountRecord>(ReadAccount(st));
}

Status SqliteTxn::PutAccount(const AccountRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO accounts (account_id, created_ms, name, status) "
                     "VALUES (?1, ?2, NULLIF(?3, ''), ?4) "
                     "ON CONFLICT (account_id) DO UPDATE SET created_ms = excluded.created_ms, "
                     "name = excluded.name, status = excluded.status"));
  Stmt st(*conn_, s, "PutAccount");
  st.Text(r.account_id).Int(r.created_ms).Text(r.name).Text(r.active ? "Active" : "Disabled");
  return st.Run();
}

Result<std::vector<AccountRecord>> SqliteTxn::ListAccounts() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccount) + "ORDER BY created_ms, account_id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListAccounts");
  std::vector<AccountRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadAccount(st));
  }
}

namespace {

constexpr std::string_view kSelectAccessKey =
    "SELECT access_key_id, account_id, principal_arn, sealed_secret, active, created_ms, "
    "seal_version FROM access_keys ";

AccessKeyRecord ReadAccessKey(const Stmt& st) {
  return AccessKeyRecord{st.ColText(0),
                         st.ColText(1),
                         st.ColText(2),
                         st.ColText(3),
                         st.ColBool(4),
                         st.ColInt(5),
                         static_cast<int32_t>(st.ColInt(6))};
}

Result<std::vector<AccessKeyRecord>> ReadAccessKeys(Stmt& st) {
  std::vector<AccessKeyRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadAccessKey(st));
  }
}

}  // namespace

Result<std::optional<AccessKeyRecord>> SqliteTxn::GetAccessKey(std::string_view access_key_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccessKey) + "WHERE access_key_id = ?1";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "GetAccessKey");
  st.Text(access_key_id);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AccessKeyRecord>();
  return std::optional<AccessKeyRecord>(ReadAccessKey(st));
}

// The triggers of schema 7 (schema.cc) bump auth_generation.generation.
Status SqliteTxn::PutAccessKey(const AccessKeyRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO access_keys (access_key_id, account_id, principal_arn, "
                     "sealed_secret, active, created_ms, seal_version) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                     "ON CONFLICT (access_key_id) DO UPDATE SET account_id = excluded.account_id, "
                     "principal_arn = excluded.principal_arn, "
                     "sealed_secret = excluded.sealed_secret, active = excluded.active, "
                     "created_ms = excluded.created_ms, seal_version = excluded.seal_version"));
  Stmt st(*conn_, s, "PutAccessKey");
  st.Text(r.access_key_id).Text(r.account_id).Text(r.principal_arn).Blob(r.sealed_secret);
  st.Bool(r.active).Int(r.created_ms).Int(r.seal_version);
  return st.Run();
}

Result<std::vector<AccessKeyRecord>> SqliteTxn::ListAccessKeys(std::string_view account_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAccessKey) + "WHERE account_id = ?1 ORDER BY access_key_id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListAccessKeys");
  st.Text(account_id);
  return ReadAccessKeys(st);
}

Result<std::vector<AccessKeyRecord>> SqliteTxn::ListAllAccessKeys() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccessKey) + "ORDER BY access_key_id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListAllAccessKeys");
  return ReadAccessKeys(st);
}

Status SqliteTxn::DeleteAccessKey(std::string_view access_key_id) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM access_keys WHERE access_key_id = ?1"));
  Stmt st(*conn_, s, "DeleteAccessKey");
  st.Text(access_key_id);
  return st.Run();
}

Result<int64_t> SqliteTxn::GetAuthGeneration() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT generation FROM auth_generation WHERE id = 1"));
  Stmt st(*conn_, s, "GetAuthGeneration");
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("sqlite GetAuthGeneration: no row");
  return st.ColInt(0);
}

}  // namespace coffer::storage::sqlite
