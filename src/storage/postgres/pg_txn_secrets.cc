// PgTxn: the secrets table, one secret at a time, with its children
// (secret_tags, secret_replicas) and its dates (TouchChanged, TouchAccessed).
// A secret's columns are bound and read by secret_columns.h; pages of many
// secrets are read in pg_txn_scan.cc.
#include <string>
#include <utility>

#include "storage/postgres/pg_txn.h"
#include "storage/postgres/secret_columns.h"

namespace coffer::storage::postgres {

Result<std::vector<SecretRecord>> PgTxn::QuerySecrets(std::string_view sql,
                                                      const pg::Params& params, const char* op) {
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(sql, params, op));
  std::vector<SecretRecord> out;
  out.reserve(rows.size());
  std::vector<SecretRecord*> with_replicas;
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadSecret(rows, i));
  for (int i = 0; i < rows.size(); ++i) {
    if (HasReplicas(rows, i)) with_replicas.push_back(&out[static_cast<size_t>(i)]);
  }
  if (!with_replicas.empty()) COFFER_RETURN_IF_ERROR(LoadReplicas(with_replicas));
  return out;
}

Result<Row<SecretRecord>> PgTxn::QueryOneSecret(std::string_view sql, const pg::Params& params,
                                                const char* op) {
  COFFER_ASSIGN_OR_RETURN(std::vector<SecretRecord> rows, QuerySecrets(sql, params, op));
  if (rows.empty()) return Row<SecretRecord>();
  return Row<SecretRecord>::Of(std::move(rows.front()));
}

// The replicas of `rows` (those that have some), in one statement.
Status PgTxn::LoadReplicas(const std::vector<SecretRecord*>& rows) {
  std::vector<int64_t> ids;
  for (const SecretRecord* r : rows) ids.push_back(r->id);
  pg::Params p;
  p.IntArray(ids);
  COFFER_ASSIGN_OR_RETURN(pg::Rows reps,
                          Run("SELECT secret_id, region, kms_key_id, status, status_message, "
                              "last_accessed_ms FROM secret_replicas "
                              "WHERE secret_id = ANY($1) ORDER BY secret_id, position",
                              p, "LoadSecretReplicas"));
  for (int i = 0; i < reps.size(); ++i) {
    const int64_t id = reps.Int(i, 0);
    for (SecretRecord* r : rows) {
      if (r->id != id) continue;
      r->replicas.push_back(ReplicaRecord{reps.Text(i, 1), reps.Text(i, 2), reps.Text(i, 3),
                                          reps.Text(i, 4), reps.OptInt(i, 5)});
      break;
    }
  }
  return Status::Ok();
}

Status PgTxn::WriteSecretChildren(int64_t id, const SecretRecord& r) {
  pg::Params by_id;
  by_id.Int(id);
  COFFER_RETURN_IF_ERROR(Run("WITH t AS (DELETE FROM secret_tags WHERE secret_id = $1) "
                             "DELETE FROM secret_replicas WHERE secret_id = $1",
                             by_id, "WriteSecretChildren")
                             .status());
  if (!r.tags.empty()) {
    std::vector<std::string_view> keys, values;
    for (const Tag& t : r.tags) {
      keys.push_back(t.key);
      values.push_back(t.value);
    }
    pg::Params p;
    p.Int(id).TextArray(keys).TextArray(values);
    COFFER_RETURN_IF_ERROR(Run("INSERT INTO secret_tags (secret_id, position, tag_key, tag_value) "
                               "SELECT $1, t.ord - 1, t.k, t.v FROM unnest($2::text[], "
                               "$3::text[]) WITH ORDINALITY AS t(k, v, ord)",
                               p, "WriteSecretTags")
                               .status());
  }
  for (size_t i = 0; i < r.replicas.size(); ++i) {
    const ReplicaRecord& rep = r.replicas[i];
    pg::Params p;
    p.Int(id).Int(static_cast<int64_t>(i)).Text(rep.region).Text(rep.kms_key_id);
    p.Text(rep.status).Text(rep.status_message).OptInt(rep.last_accessed_ms);
    COFFER_RETURN_IF_ERROR(
        Run("INSERT INTO secret_replicas (secret_id, position, region, kms_key_id, status, "
            "status_message, last_accessed_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            p, "WriteSecretReplicas")
            .status());
  }
  return Status::Ok();
}

Result<Row<SecretRecord>> PgTxn::GetSecretById(int64_t id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectSecret) + "WHERE id = $1";
  pg::Params p;
  p.Int(id);
  return QueryOneSecret(kSql, p, "GetSecretById");
}

Result<Row<SecretRecord>> PgTxn::GetSecretByName(std::string_view account_id,
                                                 std::string_view region, std::string_view name) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectSecret) + "WHERE account_id = $1 AND region = $2 AND name = $3";
  pg::Params p;
  p.Text(account_id).Text(region).Text(name);
  return QueryOneSecret(kSql, p, "GetSecretByName");
}

Result<Row<SecretRecord>> PgTxn::GetSecretByArn(std::string_view arn) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectSecret) + "WHERE arn = $1 ORDER BY id LIMIT 1";
  pg::Params p;
  p.Text(arn);
  return QueryOneSecret(kSql, p, "GetSecretByArn");
}

Result<int64_t> PgTxn::InsertSecret(const SecretRecord& r) {
  int64_t id = 0;
  COFFER_RETURN_IF_ERROR(Atomically([&]() -> Status {
    pg::Params p;
    BindSecret(p, r);
    COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kInsertSecretSql, p, "InsertSecret"));
    if (rows.empty()) return Status::Internal("postgres InsertSecret: no id returned");
    id = rows.Int(0, 0);
    return WriteSecretChildren(id, r);
  }));
  return id;
}

Status PgTxn::UpdateSecret(const SecretRecord& r) {
  return Atomically([&]() -> Status {
    pg::Params p;
    BindSecret(p, r);
    p.Int(r.id);
    COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(kUpdateSecretSql, p, "UpdateSecret"));
    if (rows.affected() == 0) return Status::NotFound("", "secret not found");
    return WriteSecretChildren(r.id, r);
  });
}

Status PgTxn::DeleteSecret(int64_t id) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Int(id);
    // Tags, replicas, versions and stages cascade.
    return Run("DELETE FROM secrets WHERE id = $1", p, "DeleteSecret").status();
  });
}

Status PgTxn::TouchChanged(int64_t secret_id, int64_t changed_ms) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Int(changed_ms).Int(secret_id);
    COFFER_ASSIGN_OR_RETURN(
        pg::Rows rows,
        Run("UPDATE secrets SET last_changed_ms = $1 WHERE id = $2", p, "TouchChanged"));
    if (rows.affected() == 0) return Status::NotFound("", "secret not found");
    return Status::Ok();
  });
}

Status PgTxn::TouchAccessed(int64_t secret_id, std::string_view version_id, int64_t day_ms) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Int(day_ms).Int(secret_id).Text(version_id);
    // "IS DISTINCT FROM" skips the row write when the day is already recorded.
    return Run("WITH s AS (UPDATE secrets SET last_accessed_ms = $1 WHERE id = $2 "
               "AND last_accessed_ms IS DISTINCT FROM $1) "
               "UPDATE secret_versions SET last_accessed_ms = $1 WHERE secret_id = $2 "
               "AND version_id = $3 AND last_accessed_ms IS DISTINCT FROM $1",
               p, "TouchAccessed")
        .status();
  });
}

}  // namespace coffer::storage::postgres
