// SqliteTxn: the kms_keys table with its tags (kms_key_tags), and a key's
// deletion with its materials and aliases (the purger).
#include <utility>

#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {
namespace {

constexpr std::string_view kSelectKmsKey =
    "SELECT key_id, account_id, region, arn, description, key_manager, key_state, key_usage, "
    "key_spec, origin, policy, rotation_enabled, rotation_period_days, created_ms, "
    "deletion_ms, pending_window_days, current_material, next_rotation_ms FROM kms_keys ";

KmsKeyRecord ReadKmsKey(const Stmt& st) {
  KmsKeyRecord r;
  r.key_id = st.ColText(0);
  r.account_id = st.ColText(1);
  r.region = st.ColText(2);
  r.arn = st.ColText(3);
  r.description = st.ColText(4);
  r.key_manager = st.ColText(5);
  r.key_state = st.ColText(6);
  r.key_usage = st.ColText(7);
  r.key_spec = st.ColText(8);
  r.origin = st.ColText(9);
  r.policy = st.ColText(10);
  r.rotation_enabled = st.ColBool(11);
  r.rotation_period_days = st.ColInt(12);
  r.created_ms = st.ColInt(13);
  r.deletion_ms = st.ColOptInt(14);
  r.pending_window_days = st.ColOptInt(15);
  r.current_material = static_cast<int32_t>(st.ColInt(16));
  r.next_rotation_ms = st.ColOptInt(17);
  return r;
}

}  // namespace

Result<std::vector<KmsKeyRecord>> SqliteTxn::QueryKmsKeys(Stmt& st) {
  std::vector<KmsKeyRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadKmsKey(st));
  }
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT tag_key, tag_value FROM kms_key_tags "
                                         "WHERE key_id = ?1 ORDER BY position"));
  for (KmsKeyRecord& k : out) {
    Stmt tags(*conn_, s, "LoadKmsKeyTags");
    tags.Text(k.key_id);
    while (true) {
      COFFER_ASSIGN_OR_RETURN(bool row, tags.Step());
      if (!row) break;
      k.tags.push_back(Tag{tags.ColText(0), tags.ColText(1)});
    }
  }
  return out;
}

Result<Row<KmsKeyRecord>> SqliteTxn::GetKmsKey(std::string_view key_id) {
  return CachedLookup<KmsKeyRecord>(
      [&](std::string& k) { k.append("k\x1f").append(key_id); },
      [&]() -> Result<std::optional<KmsKeyRecord>> {
        static const std::string kSql = std::string(kSelectKmsKey) + "WHERE key_id = ?1";
        COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
        Stmt st(*conn_, s, "GetKmsKey");
        st.Text(key_id);
        COFFER_ASSIGN_OR_RETURN(std::vector<KmsKeyRecord> keys, QueryKmsKeys(st));
        if (keys.empty()) return std::optional<KmsKeyRecord>();
        return std::optional<KmsKeyRecord>(std::move(keys.front()));
      });
}

Status SqliteTxn::PutKmsKey(const KmsKeyRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  return Atomically([&]() -> Status {
    COFFER_ASSIGN_OR_RETURN(
        sqlite3_stmt * s,
        conn_->Prepare(
            "INSERT INTO kms_keys (key_id, account_id, region, arn, description, key_manager, "
            "key_state, key_usage, key_spec, origin, policy, rotation_enabled, "
            "rotation_period_days, created_ms, deletion_ms, pending_window_days, "
            "current_material, next_rotation_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
            "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) ON CONFLICT (key_id) DO UPDATE SET "
            "account_id = excluded.account_id, region = excluded.region, arn = excluded.arn, "
            "description = excluded.description, key_manager = excluded.key_manager, "
            "key_state = excluded.key_state, key_usage = excluded.key_usage, "
            "key_spec = excluded.key_spec, origin = excluded.origin, policy = excluded.policy, "
            "rotation_enabled = excluded.rotation_enabled, "
            "rotation_period_days = excluded.rotation_period_days, "
            "created_ms = excluded.created_ms, deletion_ms = excluded.deletion_ms, "
            "pending_window_days = excluded.pending_window_days, "
            "current_material = excluded.current_material, "
            "next_rotation_ms = excluded.next_rotation_ms"));
    Stmt st(*conn_, s, "PutKmsKey");
    st.Text(r.key_id).Text(r.account_id).Text(r.region).Text(r.arn).Text(r.description);
    st.Text(r.key_manager).Text(r.key_state).Text(r.key_usage).Text(r.key_spec).Text(r.origin);
    st.Text(r.policy).Bool(r.rotation_enabled).Int(r.rotation_period_days).Int(r.created_ms);
    st.OptInt(r.deletion_ms).OptInt(r.pending_window_days).Int(r.current_material);
    st.OptInt(r.next_rotation_ms);
    COFFER_RETURN_IF_ERROR(st.Run());
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * del,
                            conn_->Prepare("DELETE FROM kms_key_tags WHERE key_id = ?1"));
    Stmt clear(*conn_, del, "PutKmsKey");
    clear.Text(r.key_id);
    COFFER_RETURN_IF_ERROR(clear.Run());
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * ins,
                            conn_->Prepare("INSERT INTO kms_key_tags (key_id, position, tag_key, "
                                           "tag_value) VALUES (?1, ?2, ?3, ?4)"));
    for (size_t i = 0; i < r.tags.size(); ++i) {
      Stmt tag(*conn_, ins, "PutKmsKey");
      tag.Text(r.key_id).Int(static_cast<int64_t>(i)).Text(r.tags[i].key).Text(r.tags[i].value);
      COFFER_RETURN_IF_ERROR(tag.Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<KmsKeyRecord>> SqliteTxn::ListKmsKeys(std::string_view account_id,
                                                         std::string_view region) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectKmsKey) + "WHERE account_id = ?1 AND region = ?2 ORDER BY key_id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListKmsKeys");
  st.Text(account_id).Text(region);
  return QueryKmsKeys(st);
}

Result<std::vector<KmsKeyRecord>> SqliteTxn::ListAllKmsKeys() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectKmsKey) + "ORDER BY key_id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListAllKmsKeys");
  return QueryKmsKeys(st);
}

Status SqliteTxn::DeleteKmsKey(std::string_view key_id) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  return Atomically([&]() -> Status {
    static constexpr const char* kSql[] = {
        "DELETE FROM kms_aliases WHERE target_key_id = ?1",
        "DELETE FROM kms_key_materials WHERE key_id = ?1",
        "DELETE FROM kms_keys WHERE key_id = ?1",  // tags go by ON DELETE CASCADE
    };
    for (const char* sql : kSql) {
      COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(sql));
      Stmt st(*conn_, s, "DeleteKmsKey");
      st.Text(key_id);
      COFFER_RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  });
}

Result<std::vector<KmsKeyRecord>> SqliteTxn::KmsKeysDueForDeletion(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectKmsKey) +
                                  "WHERE key_state = 'PendingDeletion' AND deletion_ms <= ?1 "
                                  "ORDER BY deletion_ms, key_id LIMIT ?2";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "KmsKeysDueForDeletion");
  st.Int(now_ms).Int(static_cast<int64_t>(limit));
  return QueryKmsKeys(st);
}

Result<std::vector<KmsKeyRecord>> SqliteTxn::KmsKeysDueForRotation(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectKmsKey) +
      "WHERE next_rotation_ms IS NOT NULL AND next_rotation_ms <= ?1 AND rotation_enabled = 1 "
      "AND key_state = 'Enabled' ORDER BY next_rotation_ms, key_id LIMIT ?2";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "KmsKeysDueForRotation");
  st.Int(now_ms).Int(static_cast<int64_t>(limit));
  return QueryKmsKeys(st);
}

}  // namespace coffer::storage::sqlite
