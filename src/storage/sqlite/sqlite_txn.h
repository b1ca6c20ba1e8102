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
// The method bodies live in sqlite_txn.cc (transaction control, accounts,
// KMS) and sqlite_txn_secrets.cc (secrets and versions).
//
// Thread-safety: none; a Txn belongs to the thread that began it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sqlite/connection.h"
#include "storage/store.h"

namespace coffer::storage::sqlite {

class SqliteBatch;
class SqliteStore;

class SqliteTxn final : public Txn {
 public:
  // A write transaction on the writer connection; `lock` holds writer_mu_.
  // A write Txn; `must_begin`: open the batch transaction first.
  SqliteTxn(SqliteStore& store, Connection& writer, bool must_begin);
  // A read transaction on a reader borrowed from `store`.
  SqliteTxn(SqliteStore& store, std::unique_ptr<Connection> reader);
  // A kReadCached Txn begun at write generation `generation`.
  SqliteTxn(SqliteStore& store, uint64_t generation);
  // A Txn of `batch` on the writer connection, whose turn the batch holds:
  // a write Txn (`write`) or a read of the batch's changes so far.
  SqliteTxn(SqliteStore& store, Connection& writer, SqliteBatch* batch, bool write);
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

  Result<Row<KmsKeyRecord>> GetKmsKey(std::string_view key_id) override;
  Status PutKmsKey(const KmsKeyRecord& r) override;
  Result<std::vector<KmsKeyRecord>> ListKmsKeys(std::string_view account_id,
                                                std::string_view region) override;
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
  Result<Row<SecretRecord>> GetSecretByName(std::string_view account_id,
                                                      std::string_view region,
                                                      std::string_view name) override;
  Result<Row<SecretRecord>> GetSecretByArn(std::string_view arn) override;
  Result<int64_t> InsertSecret(const SecretRecord& r) override;
  Status UpdateSecret(const SecretRecord& r) override;
  Status DeleteSecret(int64_t id) override;
  Result<std::vector<SecretRecord>> ScanSecrets(const SecretScan& scan) override;
  Result<std::vector<SecretRecord>> SecretsDueForPurge(int64_t now_ms, size_t limit) override;
  Result<std::vector<SecretRecord>> ListReplicas(int64_t primary_id) override;

  Result<Row<VersionRecord>> GetVersion(int64_t secret_id,
                                                  std::string_view version_id) override;
  Result<Row<VersionRecord>> GetVersionByStage(int64_t secret_id,
                                                         std::string_view stage) override;
  Result<std::vector<VersionRecord>> ListVersions(int64_t secret_id) override;
  Result<std::vector<VersionRecord>> ListLabeledVersions(int64_t secret_id,
                                                         std::string_view also) override;
  Result<int64_t> CountVersions(int64_t secret_id) override;
  Result<std::vector<VersionRecord>> ListStagedVersions(
      const std::vector<int64_t>& secret_ids) override;
  Status PutVersion(const VersionRecord& r) override;
  Status DeleteVersion(int64_t secret_id, std::string_view version_id) override;
  Status RemoveStage(int64_t secret_id, std::string_view label) override;
  Status MoveStage(int64_t secret_id, std::string_view version_id,
                   std::string_view label) override;
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

  // Row helpers (sqlite_txn_secrets.cc, sqlite_txn_scan.cc).
  Result<std::vector<SecretRecord>> QuerySecrets(Stmt& st);  // rows of kSelectSecret
  Result<std::optional<SecretRecord>> QueryOneSecret(Stmt& st);
  Status LoadSecretChildren(SecretRecord& r);
  Status LoadChildren(std::vector<SecretRecord>& rows);  // tags, replicas
  // The extra columns of rows[i] for each i in `which`.
  Status LoadExtrasOfMany(std::vector<SecretRecord>& rows, const std::vector<size_t>& which);
  Status WriteSecretChildren(int64_t id, const SecretRecord& r);  // tags, replicas
  Status LoadStages(VersionRecord& v);
  Status LoadStagesOfSecret(std::vector<VersionRecord>& versions);  // all of one secret
  // The rowid of a version that exists (NotFound otherwise).
  Result<int64_t> VersionRowid(int64_t secret_id, std::string_view version_id);
  Status ClearStages(int64_t secret_id, std::string_view version_id);  // one version's
  Result<std::vector<VersionRecord>> QueryVersions(Stmt& st);
  Result<std::vector<VersionRecord>> QueryStagedVersions(const std::vector<int64_t>& secret_ids);
  // KMS helpers (sqlite_txn.cc).
  Result<std::vector<KmsKeyRecord>> QueryKmsKeys(Stmt& st);

  const TxnMode mode_;
  SqliteStore* store_ = nullptr;              // the store (read: where the reader goes back)
  bool must_begin_ = false;                   // write Txn: opens the batch transaction
  SqliteBatch* batch_ = nullptr;              // a SqliteBatch's Txn: the batch
  uint64_t generation_ = 0;                   // kReadCached: write generation at Begin
  bool cacheable_ = false;                    // kReadCached: our snapshot is at generation_
  std::unique_ptr<Connection> reader_;        // read Txn: the borrowed connection
  Connection* conn_ = nullptr;                // the connection in use
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace coffer::storage::sqlite
