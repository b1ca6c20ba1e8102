// SqliteTxn: the kms_key_materials table (sealed key material, insert-only).
#include <string>

#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {

Result<Row<KmsKeyMaterialRecord>> SqliteTxn::GetKmsKeyMaterial(std::string_view key_id,
                                                               int32_t version) {
  return CachedLookup<KmsKeyMaterialRecord>(
      [&](std::string& k) {
        k.append("m\x1f").append(key_id).append("\x1f").append(std::to_string(version));
      },
      [&]() -> Result<std::optional<KmsKeyMaterialRecord>> {
        COFFER_ASSIGN_OR_RETURN(
            sqlite3_stmt * s, conn_->Prepare("SELECT key_id, version, sealed_material, created_ms, "
                                             "rotation_type FROM kms_key_materials "
                                             "WHERE key_id = ?1 AND version = ?2"));
        Stmt st(*conn_, s, "GetKmsKeyMaterial");
        st.Text(key_id).Int(version);
        COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) return std::optional<KmsKeyMaterialRecord>();
        return std::optional<KmsKeyMaterialRecord>(
            KmsKeyMaterialRecord{st.ColText(0), static_cast<int32_t>(st.ColInt(1)), st.ColText(2),
                                 st.ColInt(3), st.ColText(4)});
      });
}

Status SqliteTxn::PutKmsKeyMaterial(const KmsKeyMaterialRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("INSERT INTO kms_key_materials (key_id, version, "
                                         "sealed_material, created_ms, rotation_type) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5)"));
  Stmt st(*conn_, s, "PutKmsKeyMaterial");
  st.Text(r.key_id).Int(r.version).Blob(r.sealed_material).Int(r.created_ms);
  st.Text(r.rotation_type);
  return st.Run();
}

Status SqliteTxn::DeleteKmsKeyMaterial(std::string_view key_id) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM kms_key_materials WHERE key_id = ?1"));
  Stmt st(*conn_, s, "DeleteKmsKeyMaterial");
  st.Text(key_id);
  return st.Run();
}

}  // namespace coffer::storage::sqlite
