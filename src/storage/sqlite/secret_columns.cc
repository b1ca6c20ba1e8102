// The secrets table's columns (secret_columns.h).
#include "storage/sqlite/secret_columns.h"

#include "storage/secret_binding.h"

namespace coffer::storage::sqlite {

const std::string_view kInsertSecretSql =
    "INSERT INTO secrets (account_id, region, name, arn, description, kms_key_id, type, "
    "created_ms, last_changed_ms, last_accessed_ms, deleted_ms, deletion_date_ms, "
    "rotation_configured, rotation_enabled, rotation_lambda_arn, rotation_rules_json, "
    "last_rotated_ms, next_rotation_ms, external_rotation_metadata_json, "
    "external_rotation_role_arn, owning_service, resource_policy, tags_set, primary_region, "
    "replica_of, has_extras) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)";

const std::string_view kUpdateSecretSql =
    "UPDATE secrets SET account_id = ?1, region = ?2, name = ?3, arn = ?4, description = ?5, "
    "kms_key_id = ?6, type = ?7, created_ms = ?8, last_changed_ms = ?9, "
    "last_accessed_ms = ?10, deleted_ms = ?11, deletion_date_ms = ?12, "
    "rotation_configured = ?13, rotation_enabled = ?14, rotation_lambda_arn = ?15, "
    "rotation_rules_json = ?16, last_rotated_ms = ?17, next_rotation_ms = ?18, "
    "external_rotation_metadata_json = ?19, external_rotation_role_arn = ?20, "
    "owning_service = ?21, resource_policy = ?22, tags_set = ?23, primary_region = ?24, "
    "replica_of = ?25, has_extras = ?26 WHERE id = ?27";

void BindSecret(Stmt& st, const SecretRecord& r) { BindSecretColumns(st, r); }

void ReadListColumns(const Stmt& st, SecretRecord& r) {
  r.id = st.ColInt(0);
  r.name = st.ColText(1);
  r.arn = st.ColText(2);
  r.description = st.ColOptText(3);
  r.kms_key_id = st.ColText(4);
  r.created_ms = st.ColInt(5);
  r.last_changed_ms = st.ColInt(6);
  r.last_accessed_ms = st.ColOptInt(7);
  r.deleted_ms = st.ColOptInt(8);
  r.tags_set = st.ColBool(9);
  r.primary_region = st.ColText(10);
  r.replica_of = st.ColOptInt(11);
}

void ReadExtraColumns(const Stmt& st, int first, SecretRecord& r) {
  r.type = st.ColOptText(first);
  r.deletion_date_ms = st.ColOptInt(first + 1);
  r.rotation_configured = st.ColBool(first + 2);
  r.rotation_enabled = st.ColBool(first + 3);
  r.rotation_lambda_arn = st.ColOptText(first + 4);
  r.rotation_rules_json = st.ColOptText(first + 5);
  r.last_rotated_ms = st.ColOptInt(first + 6);
  r.next_rotation_ms = st.ColOptInt(first + 7);
  r.external_rotation_metadata_json = st.ColOptText(first + 8);
  r.external_rotation_role_arn = st.ColOptText(first + 9);
  r.owning_service = st.ColOptText(first + 10);
  r.resource_policy = st.ColOptText(first + 11);
}

void ReadSecret(const Stmt& st, SecretRecord& r) {
  ReadListColumns(st, r);
  r.account_id = st.ColText(12);
  r.region = st.ColText(13);
  ReadExtraColumns(st, 14, r);
}

}  // namespace coffer::storage::sqlite
