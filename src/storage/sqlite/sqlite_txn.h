// SqliteTxn: one storage::Txn over one SQLite connection.
//
// A kReadCached Txn takes no connection at Begin: its point lookups are
// served from the store's ReadCache when the write generation still matches,
// and the first lookup that misses borrows a reader and begins there (its
// rows are cached only if no write committed between Begin and that BEGIN).
//
// A write Txn holds the turn on the store's writer connection for its whole
// life and runs as SAVEPOINT txn_req inside a batch transaction (BEGIN
// IMMEDIATE) that it may share with the write Txns just before and after it;
// Commit returns once the batch is committed (group_commit.h). A read Txn borrows a pooled reader
// connection and runs inside BEGIN DEFERRED; Begin reads the schema cookie at
// once so the snapshot is fixed when Begin returns, not at the first query.
// A Txn of a SqliteBatch is only the SAVEPOINT: the batch holds the turn and
// ends the batch transaction (sqlite_batch.h).
// Destroying a Txn that was not committed rolls it back.
//
// Each multi-statement write runs under a SAVEPOINT, so a method that fails
// (for example with Conflict) leaves the transaction as it was before the
// call and the caller may carry on. If SQLite aborted the whole transaction
// (I/O error, disk full), every later call, Commit included, fails.
//
// What the Txn uses of its store is handed to it at Begin (TxnContext,
// txn_context.h); it never sees the store itself. The method bodies are split
// by table, each file holding the SQL of its tables:
//   sqlite_txn.cc                transaction control (Begin .. Commit/rollback)
//   sqlite_txn_secrets.cc        secrets, secret_tags, secret_replicas
//   sqlite_txn_scan.cc           pages of secrets (ScanSecrets)
//   sqlite_txn_versions.cc       secret_versions
//   sqlite_txn_stages.cc         secret_stages (staging labels)
//   sqlite_txn_kms_keys.cc       kms_keys, kms_key_tags, key deletion
//   sqlite_txn_kms_materials.cc  kms_key_materials
//   sqlite_txn_kms_aliases.cc    kms_aliases
//   sqlite_txn_accounts.cc       accounts, access_keys, auth_generation
// Every method is written out the same way (Ready, Prepare, Stmt, bind,
// Step/Run, Read<Row>), so the files look alike line by line: that is on
// purpose. The SQL text, its bind order and its row reader are what differ,
// and they must sit together where one can check them against each other; a
// generic "run this statement" layer would scatter them (and the PostgreSQL
// engine will write its own statements the same way).
//
// Thread-safety: none; a Txn belongs to the thread that began it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/read_cache.h"
#include "storage/sqlite/connection.h"
#include "storage/sqlite/txn_context.h"
#include "storage/store.h"

namespace coffer::storage::sqlite {

class SqliteBatch;

class SqliteTxn final : public Txn {
 public:
  // `ctx` is the store's (txn_context.h); it outlives the Txn.
  // A write Txn on `writer`, whose turn the caller took for it;
  // `must_begin`: open the batch transaction first.
  SqliteTxn(const TxnContext& ctx, Connection& writer, bool must_begin);
  // A read transaction on `reader`, borrowed from ctx.readers.
  SqliteTxn(const TxnContext& ctx, std::unique_ptr<Connection> reader);
  // A kReadCached Txn begun at write generation `generation`.
  SqliteTxn(const TxnContext& ctx, uint64_t generation);
  // A Txn of `batch` on the writer connection, whose turn the batch holds:
  // a write Txn (`write`) or a read of the batch's changes so far.
  SqliteTxn(const TxnContext& ctx, Connection& writer, SqliteBatch* batch, bool write);
  ~SqliteTxn() override;

  // Runs BEGIN (IMMEDIATE for writes) and pins the read snapshot.
  Status Start();

  Status Commit() override;

  Result<std::optional<AccountRecord>> GetAccount(std::string_view account_id) override;
  Status PutAccount(const AccountRecord& r) override;
  Result<std::vector<AccountRecord>> ListAccounts() override;
  Result<std::optional<AccessKeyRecord>> GetAccessKey(std::string_view access_key_id) override;
  Status PutAccessKey(const AccessKeyRecord& r) override;
  Result<std::vector<AccessKeyRecord>> ListAccessKeys(std::string_view account_id) override;
  Result<std::vector<AccessKeyRecord>> ListAllAccessKeys() override;
  Status DeleteAccessKey(std::string_view access_key_id) override;
  Result<int64_t> GetAuthGeneration() override;
  Result<std::optional<IamEntityRecord>> GetIamEntity(std::string_view account_id,
                                                      std::string_view kind,
                                                      std::string_view name) override;
  Status PutIamEntity(const IamEntityRecord& r) override;
  Status DeleteIamEntity(std::string_view account_id, std::string_view kind,
                         std::string_view name) override;
  Result<std::vector<IamEntityRecord>> ListIamEntities(std::string_view account_id,
                                                       std::string_view kind) override;

  Result<Row<KmsKeyRecord>> GetKmsKey(std::string_view key_id) override;
  Status PutKmsKey(const KmsKeyRecord& r) override;
  Result<std::vector<KmsKeyRecord>> ListKmsKeys(std::string_view account_id,
                                                std::string_view region) override;
  Result<std::vector<KmsKeyRecord>> ListAllKmsKeys() override;
  Result<Row<KmsKeyMaterialRecord>> GetKmsKeyMaterial(std::string_view key_id,
                                                      int32_t version) override;
  Status PutKmsKeyMaterial(const KmsKeyMaterialRecord& r) override;
  Status DeleteKmsKeyMaterial(std::string_view key_id) override;
  Result<std::optional<KmsAliasRecord>> GetKmsAlias(std::string_view account_id,
                                                    std::string_view region,
                                                    std::string_view alias_name) override;
  Status PutKmsAlias(const KmsAliasRecord& r) override;
  Status DeleteKmsAlias(std::string_view account_id, std::string_view region,
                        std::string_view alias_name) override;
  Result<std::vector<KmsAliasRecord>> ListKmsAliases(std::string_view account_id,
                                                     std::string_view region) override;
  Status DeleteKmsKey(std::string_view key_id) override;
  Result<std::vector<KmsKeyRecord>> KmsKeysDueForDeletion(int64_t now_ms, size_t limit) override;
  Result<std::vector<KmsKeyRecord>> KmsKeysDueForRotation(int64_t now_ms, size_t limit) override;

  Result<Row<SecretRecord>> GetSecretById(int64_t id) override;
  Result<Row<SecretRecord>> GetSecretByName(std::string_view account_id, std::string_view region,
                                            std::string_view name) override;
  Result<Row<SecretRecord>> GetSecretByArn(std::string_view arn) override;
  Result<int64_t> InsertSecret(const SecretRecord& r) override;
  Status UpdateSecret(const SecretRecord& r) override;
  Status DeleteSecret(int64_t id) override;
  Result<std::vector<SecretRecord>> ScanSecrets(const SecretScan& scan) override;
  Result<std::vector<SecretRecord>> SecretsDueForPurge(int64_t now_ms, size_t limit) override;
  Result<std::vector<SecretRecord>> SecretsDueForRotation(int64_t now_ms, size_t limit) override;
  Result<std::vector<SecretRecord>> SecretsWithPendingRotation(int64_t after_id,
                                                               size_t limit) override;
  Result<std::vector<SecretRecord>> ListReplicas(int64_t primary_id) override;

  Result<Row<VersionRecord>> GetVersion(int64_t secret_id, std::string_view version_id) override;
  Result<Row<VersionRecord>> GetVersionByStage(int64_t secret_id, std::string_view stage) override;
  Result<std::vector<VersionRecord>> ListVersions(int64_t secret_id) override;
  Result<std::vector<VersionRecord>> ListLabeledVersions(int64_t secret_id,
                                                         std::string_view also) override;
  Result<int64_t> CountVersions(int64_t secret_id) override;
  Result<std::vector<VersionRecord>> ListStagedVersions(
      const std::vector<int64_t>& secret_ids) override;
  Status PutVersion(const VersionRecord& r) override;
  Status DeleteVersion(int64_t secret_id, std::string_view version_id) override;
  Status RemoveStage(int64_t secret_id, std::string_view label) override;
  Status MoveStage(int64_t secret_id, std::string_view version_id, std::string_view label) override;
  Status TouchChanged(int64_t secret_id, int64_t changed_ms) override;
  Status TouchAccessed(int64_t secret_id, std::string_view version_id, int64_t day_ms) override;

 private:
  // OK when the Txn can run a statement (`write`: a mutating one).
  // A kReadCached Txn borrows its reader and begins here, at first use.
  Status Ready(bool write);
  Status StartReader();
  // A point lookup through the ReadCache (kReadCached) or straight to SQL.
  template <typename T, typename KeyFn, typename Fetch>
  Result<Row<T>> CachedLookup(KeyFn&& key, Fetch&& fetch);
  // Ends the SQLite transaction (COMMIT or ROLLBACK) and gives the connection
  // back (reader) or ends the write turn (FinishWrite).
  Status Finish(bool commit);
  Status FinishWrite(bool commit);
  // Ends SAVEPOINT txn_req: released when `commit` and this is a write Txn,
  // else rolled back. Returns whether it was released; `s` gets the error of
  // a failed commit.
  bool EndSavepoint(bool commit, Status& s);

  // Runs `body` under SAVEPOINT; on failure rolls back to it.
  template <typename Body>
  Status Atomically(Body&& body) {
    COFFER_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT txn_op", "savepoint"));
    Status s = body();
    if (!s.ok()) {
      (void)conn_->Exec("ROLLBACK TO txn_op", "savepoint");
      (void)conn_->Exec("RELEASE txn_op", "savepoint");
      return s;
    }
    return conn_->Exec("RELEASE txn_op", "savepoint");
  }

  // Secrets' row helpers (sqlite_txn_secrets.cc, sqlite_txn_scan.cc).
  Result<std::vector<SecretRecord>> QuerySecrets(Stmt& st);  // rows of kSelectSecret
  Result<std::optional<SecretRecord>> QueryOneSecret(Stmt& st);
  Status LoadSecretChildren(SecretRecord& r);
  Status LoadChildren(std::vector<SecretRecord>& rows);  // tags, replicas
  // The extra columns of rows[i] for each i in `which`.
  Status LoadExtrasOfMany(std::vector<SecretRecord>& rows, const std::vector<size_t>& which);
  Status WriteSecretChildren(int64_t id, const SecretRecord& r);  // tags, replicas
  // Versions' (sqlite_txn_versions.cc).
  // The rowid of a version that exists (NotFound otherwise).
  Result<int64_t> VersionRowid(int64_t secret_id, std::string_view version_id);
  Result<std::vector<VersionRecord>> QueryVersions(Stmt& st);
  // Staging labels' (sqlite_txn_stages.cc).
  Status LoadStages(VersionRecord& v);
  Status LoadStagesOfSecret(std::vector<VersionRecord>& versions);     // all of one secret
  Status ClearStages(int64_t secret_id, std::string_view version_id);  // one version's
  Result<std::vector<VersionRecord>> QueryStagedVersions(const std::vector<int64_t>& secret_ids);
  // KMS keys' (sqlite_txn_kms_keys.cc).
  Result<std::vector<KmsKeyRecord>> QueryKmsKeys(Stmt& st);

  const TxnMode mode_;
  const TxnContext* const ctx_;         // the store's parts (txn_context.h)
  bool must_begin_ = false;             // write Txn: opens the batch transaction
  SqliteBatch* batch_ = nullptr;        // a SqliteBatch's Txn: the batch
  uint64_t generation_ = 0;             // kReadCached: write generation at Begin
  bool cacheable_ = false;              // kReadCached: our snapshot is at generation_
  std::unique_ptr<Connection> reader_;  // read Txn: the borrowed connection (ctx_->readers')
  Connection* conn_ = nullptr;          // the connection in use
  bool started_ = false;
  bool finished_ = false;
};

// `key_fn(std::string&)` appends the name of the row in the cache (called
// only for kReadCached); `fetch()` reads the row with SQL. The name is built
// in a per-thread buffer, so a lookup the cache answers allocates nothing;
// a hit shares the cached record (Row).
template <typename T, typename KeyFn, typename Fetch>
Result<Row<T>> SqliteTxn::CachedLookup(KeyFn&& key_fn, Fetch&& fetch) {
  const bool cached = mode_ == TxnMode::kReadCached && !finished_;
  std::string key;
  if (cached) {
    thread_local std::string scratch;
    scratch.clear();
    key_fn(scratch);
    if (Row<T> hit = ctx_->read_cache->Get<T>(scratch, generation_)) return hit;
    key = scratch;  // fetch() may look up rows itself: keep this one's name
  }
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(std::optional<T> fetched, fetch());
  Row<T> row = Row<T>::Of(std::move(fetched));
  if (cached && cacheable_ && row) {
    ctx_->read_cache->Put(std::move(key), generation_, row.shared());
  }
  return row;
}

}  // namespace coffer::storage::sqlite
