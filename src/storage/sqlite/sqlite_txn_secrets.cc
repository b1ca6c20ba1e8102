// SqliteTxn: the secrets table, one secret at a time, with its children
// (secret_tags, secret_replicas) and its dates (TouchChanged, TouchAccessed).
// A secret's columns are bound and read by secret_columns.h; pages of many
// secrets are read in sqlite_txn_scan.cc.
#include <string>
#include <utility>

#include "storage/sqlite/schema.h"
#include "storage/sqlite/secret_columns.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {

Result<std::vector<SecretRecord>> SqliteTxn::QuerySecrets(Stmt& st) {
  std::vector<SecretRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ReadSecret(st, out.emplace_back());
  }
  COFFER_RETURN_IF_ERROR(LoadChildren(out));
  return out;
}

Result<std::optional<SecretRecord>> SqliteTxn::QueryOneSecret(Stmt& st) {
  COFFER_ASSIGN_OR_RETURN(std::vector<SecretRecord> rows, QuerySecrets(st));
  if (rows.empty()) return std::optional<SecretRecord>();
  return std::optional<SecretRecord>(std::move(rows.front()));
}

Status SqliteTxn::LoadSecretChildren(SecretRecord& r) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * ts,
                          conn_->Prepare("SELECT tag_key, tag_value FROM secret_tags "
                                         "WHERE secret_id = ?1 ORDER BY position"));
  Stmt tags(*conn_, ts, "LoadSecretTags");
  tags.Int(r.id);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, tags.Step());
    if (!row) break;
    r.tags.push_back(Tag{tags.ColText(0), tags.ColText(1)});
  }
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * rs,
                          conn_->Prepare("SELECT region, kms_key_id, status, status_message, "
                                         "last_accessed_ms FROM secret_replicas "
                                         "WHERE secret_id = ?1 ORDER BY position"));
  Stmt reps(*conn_, rs, "LoadSecretReplicas");
  reps.Int(r.id);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, reps.Step());
    if (!row) return Status::Ok();
    r.replicas.push_back(ReplicaRecord{reps.ColText(0), reps.ColText(1), reps.ColText(2),
                                       reps.ColText(3), reps.ColOptInt(4)});
  }
}

Status SqliteTxn::WriteSecretChildren(int64_t id, const SecretRecord& r) {
  for (std::string_view sql :
       {std::string_view("DELETE FROM secret_tags WHERE secret_id = ?1"),
        std::string_view("DELETE FROM secret_replicas WHERE secret_id = ?1")}) {
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
    Stmt st(*conn_, s, "WriteSecretChildren");
    st.Int(id);
    COFFER_RETURN_IF_ERROR(st.Run());
  }
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * ts,
                          conn_->Prepare("INSERT INTO secret_tags (secret_id, position, tag_key, "
                                         "tag_value) VALUES (?1, ?2, ?3, ?4)"));
  for (size_t i = 0; i < r.tags.size(); ++i) {
    Stmt st(*conn_, ts, "WriteSecretTags");
    st.Int(id).Int(static_cast<int64_t>(i)).Text(r.tags[i].key).Text(r.tags[i].value);
    COFFER_RETURN_IF_ERROR(st.Run());
  }
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * rs,
      conn_->Prepare("INSERT INTO secret_replicas (secret_id, position, region, kms_key_id, "
                     "status, status_message, last_accessed_ms) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  for (size_t i = 0; i < r.replicas.size(); ++i) {
    const ReplicaRecord& rep = r.replicas[i];
    Stmt st(*conn_, rs, "WriteSecretReplicas");
    st.Int(id).Int(static_cast<int64_t>(i)).Text(rep.region).Text(rep.kms_key_id);
    st.Text(rep.status).Text(rep.status_message).OptInt(rep.last_accessed_ms);
    COFFER_RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Result<Row<SecretRecord>> SqliteTxn::GetSecretById(int64_t id) {
  return CachedLookup<SecretRecord>(
      [&](std::string& k) { k.append("si\x1f").append(std::to_string(id)); },
      [&]() -> Result<std::optional<SecretRecord>> {
        static const std::string kSql = std::string(kSelectSecret) + "WHERE id = ?1";
        COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
        Stmt st(*conn_, s, "GetSecretById");
        st.Int(id);
        return QueryOneSecret(st);
      });
}

Result<Row<SecretRecord>> SqliteTxn::GetSecretByName(std::string_view account_id,
                                                     std::string_view region,
                                                     std::string_view name) {
  return CachedLookup<SecretRecord>(
      [&](std::string& k) {
        k.append("sn\x1f").append(account_id).append("\x1f").append(region).append("\x1f");
        k.append(name);
      },
      [&]() -> Result<std::optional<SecretRecord>> {
        static const std::string kSql =
            std::string(kSelectSecret) + "WHERE account_id = ?1 AND region = ?2 AND name = ?3";
        COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
        Stmt st(*conn_, s, "GetSecretByName");
        st.Text(account_id).Text(region).Text(name);
        return QueryOneSecret(st);
      });
}

Result<Row<SecretRecord>> SqliteTxn::GetSecretByArn(std::string_view arn) {
  return CachedLookup<SecretRecord>(
      [&](std::string& k) { k.append("sa\x1f").append(arn); },
      [&]() -> Result<std::optional<SecretRecord>> {
        static const std::string kSql =
            std::string(kSelectSecret) + "WHERE arn = ?1 ORDER BY id LIMIT 1";
        COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
        Stmt st(*conn_, s, "GetSecretByArn");
        st.Text(arn);
        return QueryOneSecret(st);
      });
}

Result<int64_t> SqliteTxn::InsertSecret(const SecretRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  int64_t id = 0;
  COFFER_RETURN_IF_ERROR(Atomically([&]() -> Status {
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kInsertSecretSql));
    {
      Stmt st(*conn_, s, "InsertSecret");
      BindSecret(st, r);
      COFFER_RETURN_IF_ERROR(st.Run());
    }
    id = sqlite3_last_insert_rowid(conn_->db());
    return WriteSecretChildren(id, r);
  }));
  return id;
}

Status SqliteTxn::UpdateSecret(const SecretRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  return Atomically([&]() -> Status {
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kUpdateSecretSql));
    {
      Stmt st(*conn_, s, "UpdateSecret");
      BindSecret(st, r);
      st.Int(r.id);
      COFFER_RETURN_IF_ERROR(st.Run());
    }
    if (sqlite3_changes(conn_->db()) == 0) return Status::NotFound("", "secret not found");
    return WriteSecretChildren(r.id, r);
  });
}

Status SqliteTxn::DeleteSecret(int64_t id) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  // Tags, replicas, versions and (through versions) stages cascade.
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare("DELETE FROM secrets WHERE id = ?1"));
  Stmt st(*conn_, s, "DeleteSecret");
  st.Int(id);
  return st.Run();
}

Result<std::vector<SecretRecord>> SqliteTxn::SecretsDueForPurge(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectSecret) +
                                  "WHERE deletion_date_ms IS NOT NULL AND deletion_date_ms <= ?1 "
                                  "ORDER BY deletion_date_ms, id LIMIT ?2";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "SecretsDueForPurge");
  st.Int(now_ms).Int(ClampLimit(limit));
  return QuerySecrets(st);
}

Result<std::vector<SecretRecord>> SqliteTxn::SecretsDueForRotation(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  // The WHERE clause repeats secrets_by_rotation's (migration 10) so that
  // SQLite uses the partial index.
  static const std::string kSql =
      std::string(kSelectSecret) +
      "WHERE rotation_enabled <> 0 AND next_rotation_ms IS NOT NULL "
      "AND next_rotation_ms <= ?1 ORDER BY next_rotation_ms, id LIMIT ?2";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "SecretsDueForRotation");
  st.Int(now_ms).Int(ClampLimit(limit));
  return QuerySecrets(st);
}

Result<std::vector<SecretRecord>> SqliteTxn::SecretsWithPendingRotation(int64_t after_id,
                                                                        size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectSecret) +
      "WHERE rotation_enabled <> 0 AND id > ?1 AND EXISTS (SELECT 1 FROM secret_stages AS p "
      "WHERE p.secret_id = secrets.id AND p.label = 'AWSPENDING' AND NOT EXISTS (SELECT 1 "
      "FROM secret_stages AS c WHERE c.secret_id = secrets.id AND c.label = 'AWSCURRENT' "
      "AND c.version_id = p.version_id)) ORDER BY id LIMIT ?2";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "SecretsWithPendingRotation");
  st.Int(after_id).Int(ClampLimit(limit));
  return QuerySecrets(st);
}

Result<std::vector<SecretRecord>> SqliteTxn::ListReplicas(int64_t primary_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectSecret) + "WHERE replica_of = ?1 ORDER BY id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListReplicas");
  st.Int(primary_id);
  return QuerySecrets(st);
}

Status SqliteTxn::TouchChanged(int64_t secret_id, int64_t changed_ms) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("UPDATE secrets SET last_changed_ms = ?1 WHERE id = ?2"));
  Stmt st(*conn_, s, "TouchChanged");
  st.Int(changed_ms).Int(secret_id);
  COFFER_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(conn_->db()) == 0) return Status::NotFound("", "secret not found");
  return Status::Ok();
}

Status SqliteTxn::TouchAccessed(int64_t secret_id, std::string_view version_id, int64_t day_ms) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  return Atomically([&]() -> Status {
    // "IS NOT" skips the page write when the day is already recorded.
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                            conn_->Prepare("UPDATE secrets SET last_accessed_ms = ?1 WHERE "
                                           "id = ?2 AND last_accessed_ms IS NOT ?1"));
    {
      Stmt st(*conn_, s, "TouchAccessed");
      st.Int(day_ms).Int(secret_id);
      COFFER_RETURN_IF_ERROR(st.Run());
    }
    COFFER_ASSIGN_OR_RETURN(
        sqlite3_stmt * v,
        conn_->Prepare("UPDATE secret_versions SET last_accessed_ms = ?1 WHERE secret_id = ?2 "
                       "AND version_id = ?3 AND last_accessed_ms IS NOT ?1"));
    Stmt st(*conn_, v, "TouchAccessed");
    st.Int(day_ms).Int(secret_id).Text(version_id);
    return st.Run();
  });
}

}  // namespace coffer::storage::sqlite
