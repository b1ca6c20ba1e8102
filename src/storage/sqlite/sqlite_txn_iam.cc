// SqliteTxn: the iam_entities table (schema 9). The triggers of schema 9
// move auth_generation on every change.
#include <string>
#include <utility>

#include "common/ascii.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {
namespace {

constexpr std::string_view kSelectIamEntity =
    "SELECT account_id, kind, name, id, path, arn, created_ms, document FROM iam_entities ";

IamEntityRecord ReadIamEntity(const Stmt& st) {
  return IamEntityRecord{st.ColText(0), st.ColText(1), st.ColText(2), st.ColText(3),
                         st.ColText(4), st.ColText(5), st.ColInt(6),  st.ColText(7)};
}

// IAM names are unique case-insensitively; they are ASCII ([\w+=,.@-]).
std::string NameKey(std::string_view name) { return AsciiLowered(name); }

}  // namespace

Result<std::optional<IamEntityRecord>> SqliteTxn::GetIamEntity(std::string_view account_id,
                                                               std::string_view kind,
                                                               std::string_view name) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectIamEntity) + "WHERE account_id = ?1 AND kind = ?2 AND name_key = ?3";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "GetIamEntity");
  const std::string key = NameKey(name);  // bound by reference: must outlive the step
  st.Text(account_id).Text(kind).Text(key);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<IamEntityRecord>();
  return std::optional<IamEntityRecord>(ReadIamEntity(st));
}

Status SqliteTxn::PutIamEntity(const IamEntityRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO iam_entities (account_id, kind, name_key, name, id, path, arn, "
                     "created_ms, document) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                     "ON CONFLICT (account_id, kind, name_key) DO UPDATE SET name = excluded.name, "
                     "id = excluded.id, path = excluded.path, arn = excluded.arn, "
                     "created_ms = excluded.created_ms, document = excluded.document"));
  Stmt st(*conn_, s, "PutIamEntity");
  const std::string key = NameKey(r.name);  // bound by reference: must outlive the step
  st.Text(r.account_id).Text(r.kind).Text(key).Text(r.name).Text(r.id);
  st.Text(r.path).Text(r.arn).Int(r.created_ms).Text(r.document);
  return st.Run();
}

Status SqliteTxn::DeleteIamEntity(std::string_view account_id, std::string_view kind,
                                  std::string_view name) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare(
          "DELETE FROM iam_entities WHERE account_id = ?1 AND kind = ?2 AND name_key = ?3"));
  Stmt st(*conn_, s, "DeleteIamEntity");
  const std::string key = NameKey(name);  // bound by reference: must outlive the step
  st.Text(account_id).Text(kind).Text(key);
  return st.Run();
}

Result<std::vector<IamEntityRecord>> SqliteTxn::ListIamEntities(std::string_view account_id,
                                                                std::string_view kind) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectIamEntity) + "WHERE account_id = ?1 AND kind = ?2 ORDER BY name_key";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListIamEntities");
  st.Text(account_id).Text(kind);
  std::vector<IamEntityRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadIamEntity(st));
  }
}

}  // namespace coffer::storage::sqlite
