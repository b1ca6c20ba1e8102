// PgTxn: the KMS tables: kms_keys with their tags (kms_key_tags), the sealed
// key material (kms_key_materials, insert-only), aliases (kms_aliases), and
// a key's deletion with its materials and aliases (the purger).
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_txn.h"

namespace coffer::storage::postgres {
namespace {

constexpr std::string_view kSelectKmsKey =
    "SELECT key_id, account_id, region, arn, description, key_manager, key_state, key_usage, "
    "key_spec, origin, policy, rotation_enabled, rotation_period_days, created_ms, "
    "deletion_ms, pending_window_days, current_material, next_rotation_ms, "
    "ARRAY(SELECT tag_key FROM kms_key_tags AS t WHERE t.key_id = kms_keys.key_id "
    "ORDER BY position), "
    "ARRAY(SELECT tag_value FROM kms_key_tags AS t WHERE t.key_id = kms_keys.key_id "
    "ORDER BY position) FROM kms_keys ";

KmsKeyRecord ReadKmsKey(const pg::Rows& rows, int i) {
  KmsKeyRecord r;
  r.key_id = rows.Text(i, 0);
  r.account_id = rows.Text(i, 1);
  r.region = rows.Text(i, 2);
  r.arn = rows.Text(i, 3);
  r.description = rows.Text(i, 4);
  r.key_manager = rows.Text(i, 5);
  r.key_state = rows.Text(i, 6);
  r.key_usage = rows.Text(i, 7);
  r.key_spec = rows.Text(i, 8);
  r.origin = rows.Text(i, 9);
  r.policy = rows.Text(i, 10);
  r.rotation_enabled = rows.Bool(i, 11);
  r.rotation_period_days = rows.Int(i, 12);
  r.created_ms = rows.Int(i, 13);
  r.deletion_ms = rows.OptInt(i, 14);
  r.pending_window_days = rows.OptInt(i, 15);
  r.current_material = static_cast<int32_t>(rows.Int(i, 16));
  r.next_rotation_ms = rows.OptInt(i, 17);
  std::vector<std::string> keys = rows.TextArray(i, 18);
  std::vector<std::string> values = rows.TextArray(i, 19);
  for (size_t t = 0; t < keys.size() && t < values.size(); ++t) {
    r.tags.push_back(Tag{std::move(keys[t]), std::move(values[t])});
  }
  return r;
}

constexpr std::string_view kSelectAlias =
    "SELECT account_id, region, alias_name, target_key_id, created_ms, updated_ms "
    "FROM kms_aliases ";

KmsAliasRecord ReadAlias(const pg::Rows& rows, int i) {
  return KmsAliasRecord{rows.Text(i, 0), rows.Text(i, 1), rows.Text(i, 2),
                        rows.Text(i, 3), rows.Int(i, 4),  rows.Int(i, 5)};
}

}  // namespace

// The keys with their tags, in one statement.
Result<std::vector<KmsKeyRecord>> PgTxn::QueryKmsKeys(std::string_view sql,
                                                      const pg::Params& params, const char* op) {
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(sql, params, op));
  std::vector<KmsKeyRecord> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadKmsKey(rows, i));
  return out;
}

Result<Row<KmsKeyRecord>> PgTxn::GetKmsKey(std::string_view key_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectKmsKey) + "WHERE key_id = $1";
  pg::Params p;
  p.Text(key_id);
  COFFER_ASSIGN_OR_RETURN(std::vector<KmsKeyRecord> keys, QueryKmsKeys(kSql, p, "GetKmsKey"));
  if (keys.empty()) return Row<KmsKeyRecord>();
  return Row<KmsKeyRecord>::Of(std::move(keys.front()));
}

Status PgTxn::PutKmsKey(const KmsKeyRecord& r) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(r.key_id).Text(r.account_id).Text(r.region).Text(r.arn).Text(r.description);
    p.Text(r.key_manager).Text(r.key_state).Text(r.key_usage).Text(r.key_spec).Text(r.origin);
    p.Text(r.policy).Bool(r.rotation_enabled).Int(r.rotation_period_days).Int(r.created_ms);
    p.OptInt(r.deletion_ms).OptInt(r.pending_window_days).Int(r.current_material);
    p.OptInt(r.next_rotation_ms);
    COFFER_RETURN_IF_ERROR(
        Run("INSERT INTO kms_keys (key_id, account_id, region, arn, description, key_manager, "
            "key_state, key_usage, key_spec, origin, policy, rotation_enabled, "
            "rotation_period_days, created_ms, deletion_ms, pending_window_days, "
            "current_material, next_rotation_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            "$10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT (key_id) DO UPDATE SET "
            "account_id = excluded.account_id, region = excluded.region, arn = excluded.arn, "
            "description = excluded.description, key_manager = excluded.key_manager, "
            "key_state = excluded.key_state, key_usage = excluded.key_usage, "
            "key_spec = excluded.key_spec, origin = excluded.origin, policy = excluded.policy, "
            "rotation_enabled = excluded.rotation_enabled, "
            "rotation_period_days = excluded.rotation_period_days, "
            "created_ms = excluded.created_ms, deletion_ms = excluded.deletion_ms, "
            "pending_window_days = excluded.pending_window_days, "
            "current_material = excluded.current_material, "
            "next_rotation_ms = excluded.next_rotation_ms",
            p, "PutKmsKey")
            .status());
    pg::Params clear;
    clear.Text(r.key_id);
    COFFER_RETURN_IF_ERROR(
        Run("DELETE FROM kms_key_tags WHERE key_id = $1", clear, "PutKmsKey").status());
    if (r.tags.empty()) return Status::Ok();
    std::vector<std::string_view> keys, values;
    for (const Tag& t : r.tags) {
      keys.push_back(t.key);
      values.push_back(t.value);
    }
    pg::Params tags;
    tags.Text(r.key_id).TextArray(keys).TextArray(values);
    return Run("INSERT INTO kms_key_tags (key_id, position, tag_key, tag_value) "
               "SELECT $1, t.ord - 1, t.k, t.v FROM unnest($2::text[], $3::text[]) "
               "WITH ORDINALITY AS t(k, v, ord)",
               tags, "PutKmsKey")
        .status();
  });
}

Result<std::vector<KmsKeyRecord>> PgTxn::ListKmsKeys(std::string_view account_id,
                                                     std::string_view region) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectKmsKey) + "WHERE account_id = $1 AND region = $2 ORDER BY key_id";
  pg::Params p;
  p.Text(account_id).Text(region);
  return QueryKmsKeys(kSql, p, "ListKmsKeys");
}

Result<std::vector<KmsKeyRecord>> PgTxn::ListAllKmsKeys() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectKmsKey) + "ORDER BY key_id";
  pg::Params p;
  return QueryKmsKeys(kSql, p, "ListAllKmsKeys");
}

Status PgTxn::DeleteKmsKey(std::string_view key_id) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(key_id);
    // One statement; the tags go by ON DELETE CASCADE.
    return Run("WITH aliases AS (DELETE FROM kms_aliases WHERE target_key_id = $1), "
               "materials AS (DELETE FROM kms_key_materials WHERE key_id = $1) "
               "DELETE FROM kms_keys WHERE key_id = $1",
               p, "DeleteKmsKey")
        .status();
  });
}

Result<std::vector<KmsKeyRecord>> PgTxn::KmsKeysDueForDeletion(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectKmsKey) +
                                  "WHERE key_state = 'PendingDeletion' AND deletion_ms <= $1 "
                                  "ORDER BY deletion_ms, key_id LIMIT $2";
  pg::Params p;
  p.Int(now_ms).Int(ClampLimit(limit));
  return QueryKmsKeys(kSql, p, "KmsKeysDueForDeletion");
}

Result<std::vector<KmsKeyRecord>> PgTxn::KmsKeysDueForRotation(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectKmsKey) +
      "WHERE next_rotation_ms IS NOT NULL AND next_rotation_ms <= $1 AND rotation_enabled "
      "AND key_state = 'Enabled' ORDER BY next_rotation_ms, key_id LIMIT $2";
  pg::Params p;
  p.Int(now_ms).Int(ClampLimit(limit));
  return QueryKmsKeys(kSql, p, "KmsKeysDueForRotation");
}

Result<Row<KmsKeyMaterialRecord>> PgTxn::GetKmsKeyMaterial(std::string_view key_id,
                                                           int32_t version) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  pg::Params p;
  p.Text(key_id).Int(version);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run("SELECT key_id, version, sealed_material, created_ms, "
                                             "rotation_type FROM kms_key_materials "
                                             "WHERE key_id = $1 AND version = $2",
                                             p, "GetKmsKeyMaterial"));
  if (rows.empty()) return Row<KmsKeyMaterialRecord>();
  return Row<KmsKeyMaterialRecord>::Of(
      KmsKeyMaterialRecord{rows.Text(0, 0), static_cast<int32_t>(rows.Int(0, 1)), rows.Text(0, 2),
                           rows.Int(0, 3), rows.Text(0, 4)});
}

Status PgTxn::PutKmsKeyMaterial(const KmsKeyMaterialRecord& r) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(r.key_id).Int(r.version).Bytes(r.sealed_material).Int(r.created_ms);
    p.Text(r.rotation_type);
    return Run("INSERT INTO kms_key_materials (key_id, version, sealed_material, created_ms, "
               "rotation_type) VALUES ($1, $2, $3, $4, $5)",
               p, "PutKmsKeyMaterial")
        .status();
  });
}

Status PgTxn::DeleteKmsKeyMaterial(std::string_view key_id) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(key_id);
    return Run("DELETE FROM kms_key_materials WHERE key_id = $1", p, "DeleteKmsKeyMaterial")
        .status();
  });
}

Result<std::optional<KmsAliasRecord>> PgTxn::GetKmsAlias(std::string_view account_id,
                                                         std::string_view region,
                                                         std::string_view alias_name) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAlias) + "WHERE account_id = $1 AND region = $2 AND alias_name = $3";
  pg::Params p;
  p.Text(account_id).Text(region).Text(alias_name);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, p, "GetKmsAlias"));
  if (rows.empty()) return std::optional<KmsAliasRecord>();
  return std::optional<KmsAliasRecord>(ReadAlias(rows, 0));
}

Status PgTxn::PutKmsAlias(const KmsAliasRecord& r) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(r.account_id).Text(r.region).Text(r.alias_name).Text(r.target_key_id);
    p.Int(r.created_ms).Int(r.updated_ms);
    return Run("INSERT INTO kms_aliases (account_id, region, alias_name, target_key_id, "
               "created_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6) "
               "ON CONFLICT (account_id, region, alias_name) DO UPDATE SET "
               "target_key_id = excluded.target_key_id, created_ms = excluded.created_ms, "
               "updated_ms = excluded.updated_ms",
               p, "PutKmsAlias")
        .status();
  });
}

Status PgTxn::DeleteKmsAlias(std::string_view account_id, std::string_view region,
                             std::string_view alias_name) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Text(account_id).Text(region).Text(alias_name);
    return Run("DELETE FROM kms_aliases WHERE account_id = $1 AND region = $2 AND "
               "alias_name = $3",
               p, "DeleteKmsAlias")
        .status();
  });
}

Result<std::vector<KmsAliasRecord>> PgTxn::ListKmsAliases(std::string_view account_id,
                                                          std::string_view region) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAlias) + "WHERE account_id = $1 AND region = $2 ORDER BY alias_name";
  pg::Params p;
  p.Text(account_id).Text(region);
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kSql, p, "ListKmsAliases"));
  std::vector<KmsAliasRecord> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadAlias(rows, i));
  return out;
}

}  // namespace coffer::storage::postgres
