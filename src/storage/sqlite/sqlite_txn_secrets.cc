// SqliteTxn: secrets (with their tags and replicas) and versions (with their
// staging labels). A secret's columns are bound and read by secret_columns.h;
// kSelectVersion's order matches ReadVersion below; scans of many secrets are
// in sqlite_txn_scan.cc.
#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "storage/sqlite/id_selection.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/secret_columns.h"
#include "storage/sqlite/sqlite_txn.h"
#include "storage/sqlite/sqlite_txn_cached.h"

namespace coffer::storage::sqlite {
namespace {

VersionRecord ReadVersion(const Stmt& st) {
  VersionRecord v;
  v.secret_id = st.ColInt(0);
  v.version_id = st.ColText(1);
  v.created_ms = st.ColInt(2);
  v.last_accessed_ms = st.ColOptInt(3);
  v.kms_key_arn = st.ColText(4);
  v.has_value = st.ColBool(5);
  v.is_binary = st.ColBool(6);
  v.sealed_value = st.ColText(7);
  return v;
}

}  // namespace

// --- row helpers ---

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

// --- secrets ---

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

Result<std::vector<SecretRecord>> SqliteTxn::ListReplicas(int64_t primary_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectSecret) + "WHERE replica_of = ?1 ORDER BY id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListReplicas");
  st.Int(primary_id);
  return QuerySecrets(st);
}

// --- versions ---

Status SqliteTxn::LoadStages(VersionRecord& v) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT label FROM secret_stages WHERE secret_id = ?1 "
                                         "AND version_id = ?2 ORDER BY label"));
  Stmt st(*conn_, s, "LoadStages");
  st.Int(v.secret_id).Text(v.version_id);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    v.stages.push_back(st.ColText(0));
  }
}

Result<std::vector<VersionRecord>> SqliteTxn::QueryVersions(Stmt& st) {
  std::vector<VersionRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadVersion(st));
  }
  const bool one_secret =
      std::all_of(out.begin(), out.end(),
                  [&](const VersionRecord& v) { return v.secret_id == out.front().secret_id; });
  if (out.size() > 1 && one_secret) {
    COFFER_RETURN_IF_ERROR(LoadStagesOfSecret(out));
  } else {
    for (VersionRecord& v : out) COFFER_RETURN_IF_ERROR(LoadStages(v));
  }
  return out;
}

// All the labels of one secret in one statement, for a version list of that
// secret (ListVersions: PutSecretValue, UpdateSecret, UpdateSecretVersionStage,
// ListSecretVersionIds): 2 statements instead of 1 + one per version.
Status SqliteTxn::LoadStagesOfSecret(std::vector<VersionRecord>& versions) {
  std::unordered_map<std::string_view, VersionRecord*> by_id;
  by_id.reserve(versions.size());
  for (VersionRecord& v : versions) by_id.emplace(v.version_id, &v);
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT version_id, label FROM secret_stages "
                                         "WHERE secret_id = ?1 ORDER BY version_id, label"));
  Stmt st(*conn_, s, "LoadStagesOfSecret");
  st.Int(versions.front().secret_id);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    auto it = by_id.find(st.ColView(0));
    if (it != by_id.end()) it->second->stages.push_back(st.ColText(1));
  }
}

Result<Row<VersionRecord>> SqliteTxn::GetVersion(int64_t secret_id,
                                                           std::string_view version_id) {
  return CachedLookup<VersionRecord>(
      [&](std::string& k) {
        k.append("vi\x1f").append(std::to_string(secret_id)).append("\x1f").append(version_id);
      },
      [&]() -> Result<std::optional<VersionRecord>> {
        static const std::string kSql =
            std::string(kSelectVersion) + "WHERE secret_id = ?1 AND version_id = ?2";
        COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
        Stmt st(*conn_, s, "GetVersion");
        st.Int(secret_id).Text(version_id);
        COFFER_ASSIGN_OR_RETURN(std::vector<VersionRecord> rows, QueryVersions(st));
        if (rows.empty()) return std::optional<VersionRecord>();
        return std::optional<VersionRecord>(std::move(rows.front()));
      });
}

Result<Row<VersionRecord>> SqliteTxn::GetVersionByStage(int64_t secret_id,
                                                                  std::string_view stage) {
  return CachedLookup<VersionRecord>(
      [&](std::string& k) {
        k.append("vs\x1f").append(std::to_string(secret_id)).append("\x1f").append(stage);
      },
      [&]() -> Result<std::optional<VersionRecord>> {
        static const std::string kSql =
            std::string(kSelectVersion) +
            "WHERE secret_id = ?1 AND version_id = (SELECT version_id FROM secret_stages "
            "WHERE secret_id = ?1 AND label = ?2)";
        COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
        Stmt st(*conn_, s, "GetVersionByStage");
        st.Int(secret_id).Text(stage);
        COFFER_ASSIGN_OR_RETURN(std::vector<VersionRecord> rows, QueryVersions(st));
        if (rows.empty()) return std::optional<VersionRecord>();
        return std::optional<VersionRecord>(std::move(rows.front()));
      });
}

Result<std::vector<VersionRecord>> SqliteTxn::ListLabeledVersions(int64_t secret_id,
                                                                  std::string_view also) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(LabeledVersionsSql()));
  Stmt st(*conn_, s, "ListLabeledVersions");
  st.Int(secret_id).Text(also);
  return QueryVersions(st);
}

Result<int64_t> SqliteTxn::CountVersions(int64_t secret_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("SELECT count(*) FROM secret_versions WHERE secret_id = ?1"));
  Stmt st(*conn_, s, "CountVersions");
  st.Int(secret_id);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColInt(0) : int64_t{0};
}

// Several secrets' labels (a ListSecrets page) are read each time; one
// secret's (DescribeSecret) go through the read cache in a kReadCached Txn.
Result<std::vector<VersionRecord>> SqliteTxn::ListStagedVersions(
    const std::vector<int64_t>& secret_ids) {
  if (secret_ids.size() != 1 || mode_ != TxnMode::kReadCached) {
    COFFER_RETURN_IF_ERROR(Ready(false));
    return QueryStagedVersions(secret_ids);
  }
  const int64_t id = secret_ids.front();
  COFFER_ASSIGN_OR_RETURN(
      Row<std::vector<VersionRecord>> row,
      CachedLookup<std::vector<VersionRecord>>(
          [&](std::string& k) { k.append("sv\x1f").append(std::to_string(id)); },
          [&]() -> Result<std::optional<std::vector<VersionRecord>>> {
            COFFER_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions,
                                    QueryStagedVersions(secret_ids));
            return std::optional(std::move(versions));
          }));
  return *row;
}

// The rows come in primary-key order, (secret, label); each secret's few
// versions are put in version order here. An ORDER BY on the version order
// made SQLite sort every secret's rows apart (a sorter per secret: ~10 µs of
// a ListSecrets page of 100).
Result<std::vector<VersionRecord>> SqliteTxn::QueryStagedVersions(
    const std::vector<int64_t>& secret_ids) {
  std::vector<VersionRecord> out;
  if (secret_ids.empty()) return out;
  static const IdSelection::Forms kSql = IdSelection::Build(
      "SELECT secret_id, version_id, version_created_ms, version_rowid, label "
      "FROM secret_stages WHERE {ids} ORDER BY secret_id, label",
      "secret_id");
  const IdSelection selection(secret_ids);
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(selection.Sql(kSql)));
  Stmt st(*conn_, s, "ListStagedVersions");
  selection.Bind(st);
  std::vector<int64_t> wanted(secret_ids);
  std::sort(wanted.begin(), wanted.end());
  out.reserve(2 * wanted.size());  // AWSCURRENT's version, often AWSPREVIOUS's
  // The current secret's versions, each with its rowid (the order's tie-break).
  std::vector<std::pair<int64_t, VersionRecord>> versions;
  auto flush = [&] {
    std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second.created_ms, a.first) < std::tie(b.second.created_ms, b.first);
    });
    for (auto& v : versions) out.push_back(std::move(v.second));
    versions.clear();
  };
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    const int64_t secret_id = st.ColInt(0);
    if (!std::binary_search(wanted.begin(), wanted.end(), secret_id)) continue;
    if (!versions.empty() && versions.front().second.secret_id != secret_id) flush();
    const std::string_view version_id = st.ColView(1);
    auto it = std::find_if(versions.begin(), versions.end(),
                           [&](const auto& v) { return v.second.version_id == version_id; });
    if (it == versions.end()) {
      VersionRecord v;
      v.secret_id = secret_id;
      v.version_id = std::string(version_id);
      v.created_ms = st.ColInt(2);
      versions.emplace_back(st.ColInt(3), std::move(v));
      it = versions.end() - 1;
    }
    it->second.stages.push_back(st.ColText(4));
  }
  flush();
  return out;
}

Result<std::vector<VersionRecord>> SqliteTxn::ListVersions(int64_t secret_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectVersion) + "WHERE secret_id = ?1 ORDER BY created_ms, rowid";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListVersions");
  st.Int(secret_id);
  return QueryVersions(st);
}

Status SqliteTxn::PutVersion(const VersionRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  return Atomically([&]() -> Status {
    COFFER_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        conn_->Prepare("INSERT INTO secret_versions (secret_id, version_id, seq, created_ms, "
                       "last_accessed_ms, kms_key_arn, has_value, is_binary, sealed_value) "
                       "VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8) "
                       "ON CONFLICT (secret_id, version_id) DO UPDATE SET "
                       "created_ms = excluded.created_ms, "
                       "last_accessed_ms = excluded.last_accessed_ms, "
                       "kms_key_arn = excluded.kms_key_arn, has_value = excluded.has_value, "
                       "is_binary = excluded.is_binary, sealed_value = excluded.sealed_value"));
    const sqlite3_int64 last_rowid = sqlite3_last_insert_rowid(conn_->db());
    {
      Stmt st(*conn_, s, "PutVersion");
      st.Int(r.secret_id).Text(r.version_id).Int(r.created_ms).OptInt(r.last_accessed_ms);
      st.Text(r.kms_key_arn).Bool(r.has_value).Bool(r.is_binary).Blob(r.sealed_value);
      COFFER_RETURN_IF_ERROR(st.Run());
    }
    // The version's rowid, for its labels' place in the version order. A row
    // the upsert inserted has a new one (DO UPDATE leaves last_insert_rowid
    // alone) and no labels yet, since labels only go onto versions that exist
    // and leave with them; one it updated may have labels to replace.
    int64_t rowid = sqlite3_last_insert_rowid(conn_->db());
    if (rowid == last_rowid) {
      COFFER_ASSIGN_OR_RETURN(rowid, VersionRowid(r.secret_id, r.version_id));
      COFFER_RETURN_IF_ERROR(ClearStages(r.secret_id, r.version_id));
    }
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * ins,
                            conn_->Prepare("INSERT INTO secret_stages (secret_id, label, "
                                           "version_id, version_created_ms, version_rowid) "
                                           "VALUES (?1, ?2, ?3, ?4, ?5)"));
    for (const std::string& label : r.stages) {
      Stmt st(*conn_, ins, "PutVersion");
      st.Int(r.secret_id).Text(label).Text(r.version_id).Int(r.created_ms).Int(rowid);
      COFFER_RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  });
}

Status SqliteTxn::DeleteVersion(int64_t secret_id, std::string_view version_id) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  return Atomically([&]() -> Status {
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                            conn_->Prepare("DELETE FROM secret_versions WHERE secret_id = ?1 "
                                           "AND version_id = ?2"));
    Stmt st(*conn_, s, "DeleteVersion");
    st.Int(secret_id).Text(version_id);
    COFFER_RETURN_IF_ERROR(st.Run());
    return ClearStages(secret_id, version_id);
  });
}

Result<int64_t> SqliteTxn::VersionRowid(int64_t secret_id, std::string_view version_id) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT rowid FROM secret_versions WHERE secret_id = ?1 "
                                         "AND version_id = ?2"));
  Stmt st(*conn_, s, "VersionRowid");
  st.Int(secret_id).Text(version_id);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("", "version not found");
  return st.ColInt(0);
}

// The labels of one version. The foreign key of secret_stages is to the
// secret (schema.cc, migration 4), so a version's rows go here, not by cascade.
Status SqliteTxn::ClearStages(int64_t secret_id, std::string_view version_id) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM secret_stages WHERE secret_id = ?1 AND "
                                         "version_id = ?2"));
  Stmt st(*conn_, s, "ClearStages");
  st.Int(secret_id).Text(version_id);
  return st.Run();
}

Status SqliteTxn::RemoveStage(int64_t secret_id, std::string_view label) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM secret_stages WHERE secret_id = ?1 AND "
                                         "label = ?2"));
  Stmt st(*conn_, s, "RemoveStage");
  st.Int(secret_id).Text(label);
  return st.Run();
}

Status SqliteTxn::MoveStage(int64_t secret_id, std::string_view version_id,
                            std::string_view label) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  // With the version's place in the version order (schema.cc, migration 5);
  // no row if the version does not exist.
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO secret_stages (secret_id, label, version_id, "
                     "version_created_ms, version_rowid) "
                     "SELECT ?1, ?2, ?3, created_ms, rowid FROM secret_versions "
                     "WHERE secret_id = ?1 AND version_id = ?3 "
                     "ON CONFLICT (secret_id, label) DO UPDATE SET "
                     "version_id = excluded.version_id, "
                     "version_created_ms = excluded.version_created_ms, "
                     "version_rowid = excluded.version_rowid"));
  Stmt st(*conn_, s, "MoveStage");
  st.Int(secret_id).Text(label).Text(version_id);
  COFFER_RETURN_IF_ERROR(st.Run());
  if (sqlite3_changes(conn_->db()) == 0) return Status::NotFound("", "version not found");
  return Status::Ok();
}

Status SqliteTxn::TouchChanged(int64_t secret_id, int64_t changed_ms) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s, conn_->Prepare("UPDATE secrets SET last_changed_ms = ?1 WHERE id = ?2"));
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
