#include "storage/postgres/secret_columns.h"

#include <string>
#include <utility>
#include <vector>

#include "storage/secret_binding.h"

namespace coffer::storage::postgres {
const std::string_view kSelectSecret =
    "SELECT id, name, arn, description, kms_key_id, created_ms, last_changed_ms, "
    "last_accessed_ms, deleted_ms, tags_set, primary_region, replica_of, account_id, region, "
    "type, deletion_date_ms, rotation_configured, rotation_enabled, rotation_lambda_arn, "
    "rotation_rules_json, last_rotated_ms, next_rotation_ms, external_rotation_metadata_json, "
    "external_rotation_role_arn, owning_service, resource_policy, "
    "ARRAY(SELECT tag_key FROM secret_tags AS t WHERE t.secret_id = secrets.id "
    "ORDER BY position), "
    "ARRAY(SELECT tag_value FROM secret_tags AS t WHERE t.secret_id = secrets.id "
    "ORDER BY position), "
    "EXISTS (SELECT 1 FROM secret_replicas AS r WHERE r.secret_id = secrets.id) FROM secrets ";

const std::string_view kInsertSecretSql =
    "INSERT INTO secrets (account_id, region, name, arn, description, kms_key_id, type, "
    "created_ms, last_changed_ms, last_accessed_ms, deleted_ms, deletion_date_ms, "
    "rotation_configured, rotation_enabled, rotation_lambda_arn, rotation_rules_json, "
    "last_rotated_ms, next_rotation_ms, external_rotation_metadata_json, "
    "external_rotation_role_arn, owning_service, resource_policy, tags_set, primary_region, "
    "replica_of, has_extras) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26) RETURNING id";

const std::string_view kUpdateSecretSql =
    "UPDATE secrets SET account_id = $1, region = $2, name = $3, arn = $4, description = $5, "
    "kms_key_id = $6, type = $7, created_ms = $8, last_changed_ms = $9, "
    "last_accessed_ms = $10, deleted_ms = $11, deletion_date_ms = $12, "
    "rotation_configured = $13, rotation_enabled = $14, rotation_lambda_arn = $15, "
    "rotation_rules_json = $16, last_rotated_ms = $17, next_rotation_ms = $18, "
    "external_rotation_metadata_json = $19, external_rotation_role_arn = $20, "
    "owning_service = $21, resource_policy = $22, tags_set = $23, primary_region = $24, "
    "replica_of = $25, has_extras = $26 WHERE id = $27";

void BindSecret(pg::Params& p, const SecretRecord& r) { BindSecretColumns(p, r); }

bool HasReplicas(const pg::Rows& rows, int i) { return rows.Bool(i, 28); }

SecretRecord ReadSecret(const pg::Rows& rows, int i) {
  SecretRecord r;
  r.id = rows.Int(i, 0);
  r.name = rows.Text(i, 1);
  r.arn = rows.Text(i, 2);
  r.description = rows.OptText(i, 3);
  r.kms_key_id = rows.Text(i, 4);
  r.created_ms = rows.Int(i, 5);
  r.last_changed_ms = rows.Int(i, 6);
  r.last_accessed_ms = rows.OptInt(i, 7);
  r.deleted_ms = rows.OptInt(i, 8);
  r.tags_set = rows.Bool(i, 9);
  r.primary_region = rows.Text(i, 10);
  r.replica_of = rows.OptInt(i, 11);
  r.account_id = rows.Text(i, 12);
  r.region = rows.Text(i, 13);
  r.type = rows.OptText(i, 14);
  r.deletion_date_ms = rows.OptInt(i, 15);
  r.rotation_configured = rows.Bool(i, 16);
  r.rotation_enabled = rows.Bool(i, 17);
  r.rotation_lambda_arn = rows.OptText(i, 18);
  r.rotation_rules_json = rows.OptText(i, 19);
  r.last_rotated_ms = rows.OptInt(i, 20);
  r.next_rotation_ms = rows.OptInt(i, 21);
  r.external_rotation_metadata_json = rows.OptText(i, 22);
  r.external_rotation_role_arn = rows.OptText(i, 23);
  r.owning_service = rows.OptText(i, 24);
  r.resource_policy = rows.OptText(i, 25);
  std::vector<std::string> keys = rows.TextArray(i, 26);
  std::vector<std::string> values = rows.TextArray(i, 27);
  for (size_t t = 0; t < keys.size() && t < values.size(); ++t) {
    r.tags.push_back(Tag{std::move(keys[t]), std::move(values[t])});
  }
  return r;
}

}  // namespace coffer::storage::postgres
