// SqliteTxn: the secret_versions table. kSelectVersion's order (schema.h)
// matches ReadVersion below; each version's staging labels are read by
// sqlite_txn_stages.cc.
#include <algorithm>
#include <string>
#include <utility>

#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_txn.h"

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

Result<std::vector<VersionRecord>> SqliteTxn::QueryVersions(Stmt& st) {
  std::vector<VersionRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadVersion(st));
  }
  const bool one_secret = std::all_of(out.begin(), out.end(), [&](const VersionRecord& v) {
    return v.secret_id == out.front().secret_id;
  });
  if (out.size() > 1 && one_secret) {
    COFFER_RETURN_IF_ERROR(LoadStagesOfSecret(out));
  } else {
    for (VersionRecord& v : out) COFFER_RETURN_IF_ERROR(LoadStages(v));
  }
  return out;
}

Result<Row<VersionRecord>> SqliteTxn::GetVersion(int64_t secret_id, std::string_view version_id) {
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

Result<Row<VersionRecord>> SqliteTxn::GetVersionByStage(int64_t secret_id, std::string_view stage) {
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

}  // namespace coffer::storage::sqlite
