// PgTxn: one storage::Txn over one PostgreSQL session.
//
//   kWrite      holds the store's WriteTurn and a pooled session, inside
//               BEGIN ISOLATION LEVEL READ COMMITTED, after
//               pg_advisory_xact_lock(kWriteLockKey): write transactions of
//               every node run one at a time, each statement seeing every
//               write committed before the lock was granted. No
//               serialization failure or deadlock can arise between Coffer
//               writers, so nothing is ever retried (docs/postgres.md).
//   kRead,      a pooled session inside BEGIN ISOLATION LEVEL REPEATABLE
//   kReadCached READ READ ONLY, its snapshot taken at Begin. (kReadCached has
//               no cache of its own yet: it behaves as kRead.)
//   in a batch  a SAVEPOINT of the PgBatch's transaction (pg_batch.h).
// Commit of a write Txn returns once COMMIT has returned with
// synchronous_commit = on: the write is in the server's flushed WAL. A COMMIT
// whose session is lost is kUnavailable "outcome unknown" and never retried.
//
// Each write method runs under SAVEPOINT txn_op, so a method that fails (a
// Conflict, say) leaves the transaction as before the call. A failure outside
// one (a read, or the session lost) leaves the transaction aborted: every
// later call, Commit included, fails.
//
// The method bodies are split by table as in the SQLite engine:
//   pg_txn.cc                transaction control
//   pg_txn_secrets.cc        secrets, secret_tags, secret_replicas
//   pg_txn_scan.cc           pages of secrets, secrets due for work
//   pg_txn_versions.cc       secret_versions, secret_stages
//   pg_txn_kms.cc            kms_keys, kms_key_tags, kms_key_materials, kms_aliases
//   pg_txn_accounts.cc       accounts, access_keys, auth_generation, iam_entities
//
// Thread-safety: none; a Txn belongs to the thread that began it.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg/connection.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace coffer::storage::postgres {

class PgBatch;

// A LIMIT parameter for `limit` rows (SIZE_MAX: no limit).
inline int64_t ClampLimit(size_t limit) {
  constexpr size_t kMax = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(limit > kMax ? kMax : limit);
}

class PgTxn final : public Txn {
 public:
  // A Txn on `conn`, taken from ctx.pool; a kWrite one holds ctx.turn,
  // which it releases when it ends.
  PgTxn(const PgTxnContext& ctx, TxnMode mode, std::unique_ptr<pg::Connection> conn);
  // A Txn of `batch`, on the batch's session.
  PgTxn(const PgTxnContext& ctx, TxnMode mode, pg::Connection& conn, PgBatch* batch);
  ~PgTxn() override;

  // BEGIN (or SAVEPOINT in a batch). A session found dead is replaced once.
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
  Status Ready(bool write);
  // Runs a statement of this Txn.
  Result<pg::Rows> Run(std::string_view sql, const pg::Params& params, const char* op) {
    return conn_->Run(sql, params, op);
  }
  Status Finish(bool commit);
  Status FinishStandalone(bool commit);

  // Runs `body` under SAVEPOINT txn_op; on failure rolls back to it.
  template <typename Body>
  Status Atomically(Body&& body) {
    COFFER_RETURN_IF_ERROR(Ready(true));
    COFFER_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT txn_op", "savepoint"));
    Status s = body();
    if (!s.ok()) {
      if (!conn_->broken()) {
        (void)conn_->Exec("ROLLBACK TO SAVEPOINT txn_op; RELEASE SAVEPOINT txn_op", "savepoint");
      }
      return s;
    }
    return conn_->Exec("RELEASE SAVEPOINT txn_op", "savepoint");
  }

  // Row helpers.
  Result<std::vector<SecretRecord>> QuerySecrets(std::string_view sql, const pg::Params& params,
                                                 const char* op);
  Result<Row<SecretRecord>> QueryOneSecret(std::string_view sql, const pg::Params& params,
                                           const char* op);
  Status LoadReplicas(const std::vector<SecretRecord*>& rows);
  Status WriteSecretChildren(int64_t id, const SecretRecord& r);
  Result<std::vector<VersionRecord>> QueryVersions(std::string_view sql, const pg::Params& params,
                                                   const char* op);
  Result<std::vector<KmsKeyRecord>> QueryKmsKeys(std::string_view sql, const pg::Params& params,
                                                 const char* op);

  const TxnMode mode_;
  const PgTxnContext* const ctx_;
  std::unique_ptr<pg::Connection> owned_;  // a standalone Txn's session (from ctx_->pool)
  pg::Connection* conn_;                   // the session in use
  PgBatch* const batch_ = nullptr;         // a batch's Txn: the batch
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace coffer::storage::postgres
