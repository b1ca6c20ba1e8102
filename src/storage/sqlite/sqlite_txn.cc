// SqliteTxn: transaction control, accounts, access keys and KMS records.
#include "storage/sqlite/sqlite_txn.h"

#include <utility>

#include "storage/sqlite/sqlite_batch.h"
#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/sqlite/sqlite_txn_cached.h"

namespace coffer::storage::sqlite {

SqliteTxn::SqliteTxn(SqliteStore& store, Connection& writer, bool must_begin)
    : mode_(TxnMode::kWrite), store_(&store), must_begin_(must_begin), conn_(&writer) {}

SqliteTxn::SqliteTxn(SqliteStore& store, std::unique_ptr<Connection> reader)
    : mode_(TxnMode::kRead), store_(&store), reader_(std::move(reader)), conn_(reader_.get()) {}

SqliteTxn::SqliteTxn(SqliteStore& store, uint64_t generation)
    : mode_(TxnMode::kReadCached), store_(&store), generation_(generation) {}

SqliteTxn::SqliteTxn(SqliteStore& store, Connection& writer, SqliteBatch* batch, bool write)
    : mode_(write ? TxnMode::kWrite : TxnMode::kRead), store_(&store), batch_(batch),
      conn_(&writer) {}

SqliteTxn::~SqliteTxn() {
  if (!finished_) (void)Finish(/*commit=*/false);
}

Status SqliteTxn::Start() {
  if (mode_ == TxnMode::kReadCached) return Status::Ok();  // at first use: Ready
  if (mode_ == TxnMode::kWrite || batch_ != nullptr) {
    if (must_begin_) COFFER_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE", "begin"));
    COFFER_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT txn_req", "begin"));
    started_ = true;
    return Status::Ok();
  }
  COFFER_RETURN_IF_ERROR(conn_->Exec("BEGIN", "begin"));
  started_ = true;
  // Reading the schema cookie opens the WAL read transaction now.
  return conn_->Exec("PRAGMA schema_version", "begin");
}

Status SqliteTxn::StartReader() {
  COFFER_ASSIGN_OR_RETURN(reader_, store_->AcquireReader());
  conn_ = reader_.get();
  COFFER_RETURN_IF_ERROR(conn_->Exec("BEGIN", "begin"));
  started_ = true;
  COFFER_RETURN_IF_ERROR(conn_->Exec("PRAGMA schema_version", "begin"));
  // Rows read in this snapshot may be cached at generation_ only if no write
  // was acknowledged since Begin (a commit whose generation step is still
  // pending is in the snapshot, and its step will retire these entries).
  cacheable_ = store_->group_commit().generation() == generation_;
  return Status::Ok();
}

Status SqliteTxn::Ready(bool write) {
  if (finished_) return Status::Internal("sqlite: transaction already finished");
  if (mode_ == TxnMode::kReadCached && conn_ == nullptr) COFFER_RETURN_IF_ERROR(StartReader());
  if (sqlite3_get_autocommit(conn_->db())) {
    return Status::Internal("sqlite: transaction was aborted by an earlier error");
  }
  if (write && mode_ != TxnMode::kWrite) {
    return Status::Internal("sqlite: write in a read transaction");
  }
  return Status::Ok();
}

bool SqliteTxn::EndSavepoint(bool commit, Status& s) {
  Connection& conn = *conn_;
  bool released = false;
  const bool open = started_ && !sqlite3_get_autocommit(conn.db());
  if (open && commit && mode_ == TxnMode::kWrite) {
    s = conn.Exec("RELEASE txn_req", "commit");
    released = s.ok();
  }
  if (open && !released) {
    (void)conn.Exec("ROLLBACK TO txn_req", "rollback");
    (void)conn.Exec("RELEASE txn_req", "rollback");
  }
  if (commit && !open) s = Status::Internal("sqlite: transaction was aborted by an earlier error");
  finished_ = true;
  conn_ = nullptr;
  return released;
}

// Ends the write Txn's savepoint: released into the batch (commit) or rolled
// back; then ends the turn, committing the batch when this Txn is its last.
Status SqliteTxn::FinishWrite(bool commit) {
  Connection& conn = *conn_;
  Status s;
  const bool joined = EndSavepoint(commit, s);
  const bool aborted = sqlite3_get_autocommit(conn.db()) != 0;
  Status batch = store_->group_commit().Release(joined, aborted, [this](bool do_commit) {
    return store_->EndBatchTransaction(do_commit);
  });
  return joined ? batch : s;
}

Status SqliteTxn::Finish(bool commit) {
  if (batch_ != nullptr) {
    // In a SqliteBatch: the batch ends the turn and the batch transaction.
    Status s;
    (void)EndSavepoint(commit, s);
    batch_->TxnEnded();
    return s;
  }
  if (mode_ == TxnMode::kWrite) return FinishWrite(commit);
  Status s;
  if (started_ && !sqlite3_get_autocommit(conn_->db())) {
    if (commit) s = conn_->Exec("COMMIT", "commit");
    if (!commit || (!s.ok() && !sqlite3_get_autocommit(conn_->db()))) {
      (void)conn_->Exec("ROLLBACK", "rollback");
    }
  } else if (commit && started_) {
    s = Status::Internal("sqlite: transaction was aborted by an earlier error");
  }
  finished_ = true;
  if (reader_ != nullptr) store_->ReleaseReader(std::move(reader_));
  conn_ = nullptr;
  return s;
}

Status SqliteTxn::Commit() {
  if (finished_) return Status::Internal("sqlite: transaction already finished");
  return Finish(/*commit=*/true);
}

// --- accounts and access keys ---

Result<std::optional<AccountRecord>> SqliteTxn::GetAccount(std::string_view account_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT account_id, created_ms FROM accounts "
                                         "WHERE account_id = ?1"));
  Stmt st(*conn_, s, "GetAccount");
  st.Text(account_id);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AccountRecord>();
  return std::optional<AccountRecord>(AccountRecord{st.ColText(0), st.ColInt(1)});
}

Status SqliteTxn::PutAccount(const AccountRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO accounts (account_id, created_ms) VALUES (?1, ?2) "
                     "ON CONFLICT (account_id) DO UPDATE SET created_ms = excluded.created_ms"));
  Stmt st(*conn_, s, "PutAccount");
  st.Text(r.account_id).Int(r.created_ms);
  return st.Run();
}

Result<std::vector<AccountRecord>> SqliteTxn::ListAccounts() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("SELECT account_id, created_ms FROM accounts "
                                         "ORDER BY created_ms, account_id"));
  Stmt st(*conn_, s, "ListAccounts");
  std::vector<AccountRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(AccountRecord{st.ColText(0), st.ColInt(1)});
  }
}

namespace {

constexpr std::string_view kSelectAccessKey =
    "SELECT access_key_id, account_id, principal_arn, sealed_secret, active, created_ms, "
    "seal_version FROM access_keys ";

AccessKeyRecord ReadAccessKey(const Stmt& st) {
  return AccessKeyRecord{st.ColText(0), st.ColText(1), st.ColText(2),
                         st.ColText(3), st.ColBool(4), st.ColInt(5),
                         static_cast<int32_t>(st.ColInt(6))};
}

Result<std::vector<AccessKeyRecord>> ReadAccessKeys(Stmt& st) {
  std::vector<AccessKeyRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadAccessKey(st));
  }
}

}  // namespace

Result<std::optional<AccessKeyRecord>> SqliteTxn::GetAccessKey(std::string_view access_key_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccessKey) + "WHERE access_key_id = ?1";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "GetAccessKey");
  st.Text(access_key_id);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AccessKeyRecord>();
  return std::optional<AccessKeyRecord>(ReadAccessKey(st));
}

// The triggers of schema 7 (schema.cc) bump auth_generation.generation.
Status SqliteTxn::PutAccessKey(const AccessKeyRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO access_keys (access_key_id, account_id, principal_arn, "
                     "sealed_secret, active, created_ms, seal_version) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                     "ON CONFLICT (access_key_id) DO UPDATE SET account_id = excluded.account_id, "
                     "principal_arn = excluded.principal_arn, "
                     "sealed_secret = excluded.sealed_secret, active = excluded.active, "
                     "created_ms = excluded.created_ms, seal_version = excluded.seal_version"));
  Stmt st(*conn_, s, "PutAccessKey");
  st.Text(r.access_key_id).Text(r.account_id).Text(r.principal_arn).Blob(r.sealed_secret);
  st.Bool(r.active).Int(r.created_ms).Int(r.seal_version);
  return st.Run();
}

Result<std::vector<AccessKeyRecord>> SqliteTxn::ListAccessKeys(std::string_view account_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAccessKey) + "WHERE account_id = ?1 ORDER BY access_key_id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListAccessKeys");
  st.Text(account_id);
  return ReadAccessKeys(st);
}

Result<std::vector<AccessKeyRecord>> SqliteTxn::ListAllAccessKeys() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectAccessKey) + "ORDER BY access_key_id";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListAllAccessKeys");
  return ReadAccessKeys(st);
}

Status SqliteTxn::DeleteAccessKey(std::string_view access_key_id) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM access_keys WHERE access_key_id = ?1"));
  Stmt st(*conn_, s, "DeleteAccessKey");
  st.Text(access_key_id);
  return st.Run();
}

Result<int64_t> SqliteTxn::GetAuthGeneration() {
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s, conn_->Prepare("SELECT generation FROM auth_generation WHERE id = 1"));
  Stmt st(*conn_, s, "GetAuthGeneration");
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("sqlite GetAuthGeneration: no row");
  return st.ColInt(0);
}

// --- KMS keys ---

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

// --- KMS key material ---

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

// --- KMS aliases ---

namespace {

constexpr std::string_view kSelectAlias =
    "SELECT account_id, region, alias_name, target_key_id, created_ms, updated_ms "
    "FROM kms_aliases ";

KmsAliasRecord ReadAlias(const Stmt& st) {
  return KmsAliasRecord{st.ColText(0), st.ColText(1), st.ColText(2),
                        st.ColText(3), st.ColInt(4),  st.ColInt(5)};
}

}  // namespace

Result<std::optional<KmsAliasRecord>> SqliteTxn::GetKmsAlias(std::string_view account_id,
                                                             std::string_view region,
                                                             std::string_view alias_name) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAlias) + "WHERE account_id = ?1 AND region = ?2 AND alias_name = ?3";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "GetKmsAlias");
  st.Text(account_id).Text(region).Text(alias_name);
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<KmsAliasRecord>();
  return std::optional<KmsAliasRecord>(ReadAlias(st));
}

Status SqliteTxn::PutKmsAlias(const KmsAliasRecord& r) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(
      sqlite3_stmt * s,
      conn_->Prepare("INSERT INTO kms_aliases (account_id, region, alias_name, target_key_id, "
                     "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                     "ON CONFLICT (account_id, region, alias_name) DO UPDATE SET "
                     "target_key_id = excluded.target_key_id, created_ms = excluded.created_ms, "
                     "updated_ms = excluded.updated_ms"));
  Stmt st(*conn_, s, "PutKmsAlias");
  st.Text(r.account_id).Text(r.region).Text(r.alias_name).Text(r.target_key_id);
  st.Int(r.created_ms).Int(r.updated_ms);
  return st.Run();
}

Status SqliteTxn::DeleteKmsAlias(std::string_view account_id, std::string_view region,
                                 std::string_view alias_name) {
  COFFER_RETURN_IF_ERROR(Ready(true));
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare("DELETE FROM kms_aliases WHERE account_id = ?1 AND "
                                         "region = ?2 AND alias_name = ?3"));
  Stmt st(*conn_, s, "DeleteKmsAlias");
  st.Text(account_id).Text(region).Text(alias_name);
  return st.Run();
}

Result<std::vector<KmsAliasRecord>> SqliteTxn::ListKmsAliases(std::string_view account_id,
                                                              std::string_view region) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectAlias) + "WHERE account_id = ?1 AND region = ?2 ORDER BY alias_name";
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(kSql));
  Stmt st(*conn_, s, "ListKmsAliases");
  st.Text(account_id).Text(region);
  std::vector<KmsAliasRecord> out;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadAlias(st));
  }
}

}  // namespace coffer::storage::sqlite

// --- KMS key deletion (the purger) ---

namespace coffer::storage::sqlite {

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
