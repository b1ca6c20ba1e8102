// SqliteTxn: the kms_aliases table.
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {
namespace {

constexpr std::string_view kSelectAlias =
    "SELECT account_id, region, alias_name, target_key_id, created_ms, updated_ms "
    "FROM kms_aliases ";

KmsAliasRecord ReadAlias(const Stmt& st) {
  return KmsAliasRecord{st.ColText(0), st.ColText(1), st.ColText(2),
                        st.ColText(3), st.ColInt(4),  st.ColInt(5)};
}

}  // namespace

Result<std::optional<KmsAliasRecord>> SqliteTxn::GetKmsAlias(std::string_view account_id,
                                                             std::string_view region,
                                                             std::string_view alias_name) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAlias) + "WHERE account_id = ?1 AND region = ?2 AND alias_name = ?3";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "GetKmsAlias");
  st.Text(account_id).Text(region).Text(alias_name);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<KmsAliasRecord>();
  return std::optional<KmsAliasRecord>(ReadAlias(st));
}

Status SqliteTxn::PutKmsAlias(const KmsAliasRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO kms_aliases (account_id, region, alias_name, target_key_id, "
                     "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                     "ON CONFLICT (account_id, region, alias_name) DO UPDATE SET "
                     "target_key_id = excluded.target_key_id, created_ms = excluded.created_ms, "
                     "updated_ms = excluded.updated_ms"));
  Stmt st(*conn_, s, "PutKmsAlias");
  st.Text(r.account_id).Text(r.region).Text(r.alias_name).Text(r.target_key_id);
  st.Int(r.created_ms).Int(r.updated_ms);
  return st.Run();
}

Status SqliteTxn::DeleteKmsAlias(std::string_view account_id, std::string_view region,
                                 std::string_view alias_name) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM kms_aliases WHERE account_id = ?1 AND "
                                         "region = ?2 AND alias_name = ?3"));
  Stmt st(*conn_, s, "DeleteKmsAlias");
  st.Text(account_id).Text(region).Text(alias_name);
  return st.Run();
}

Result<std::vector<KmsAliasRecord>> SqliteTxn::ListKmsAliases(std::string_view account_id,
                                                              std::string_view region) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAlias) + "WHERE account_id = ?1 AND region = ?2 ORDER BY alias_name";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListKmsAliases");
  st.Text(account_id).Text(region);
  std::vector<KmsAliasRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadAlias(st));
  }
}

}  // namespace coffer::storage::sqlite
