// Store: the one interface every storage engine implements (SQLite now,
// PostgreSQL next). Callers open a transaction per request, read and write
// records through it, and commit; a transaction destroyed without Commit()
// rolls back. Invariants the engine enforces inside a transaction, so a bug
// above cannot break them:
//   * a secret name is unique per (account, region) among rows (including
//     rows pending deletion);
//   * a staging label sits on at most one version of a secret;
//   * a version id is unique per secret.
// Violations surface as Status kAlreadyExists with reason "Conflict".
//
// Absence is a value here: Get* return std::optional, or for the point
// lookups of secrets, versions, KMS keys and key material a Row (row.h),
// which may share the engine's cached record; the service layer turns
// absence into AWS's ResourceNotFoundException.
//
// Engines must be durable: when Commit() returns OK the write survives
// kill -9 and power loss (SQLite: WAL + synchronous=FULL).
//
// Thread-safety: a Store is shared by all worker threads; Begin() may be
// called concurrently. A Txn belongs to the thread that began it. Write
// transactions are serialised by the engine; read transactions run in
// parallel and see a consistent snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "storage/records.h"
#include "storage/row.h"

namespace coffer::storage {

// kReadCached: a read transaction whose point lookups (GetSecretByName/Arn/Id,
// GetVersion, GetVersionByStage, ListStagedVersions of one secret, GetKmsKey,
// GetKmsKeyMaterial) may be served from the engine's ReadCache
// (read_cache.h), as of the last write committed before the lookup; its
// snapshot is taken at its first uncached statement rather than at Begin, so
// rows from a write that commits meanwhile may appear beside cached ones. For
// the hot read paths (GetSecretValue, DescribeSecret); engines without a
// cache treat it as kRead.
enum class TxnMode { kRead, kWrite, kReadCached };

// Sort keys for ListSecrets (aws-compat §1.4); ties broken by secret id.
enum class SecretSort { kCreatedDate, kLastAccessedDate, kLastChangedDate, kName };

// Ordered scan over one (account, region)'s secrets for ListSecrets and
// BatchGetSecretValue. The service applies filters; the engine gives order
// and a resumable position.
struct SecretScan {
  std::string account_id;
  std::string region;
  bool include_deleted = false;
  SecretSort sort = SecretSort::kCreatedDate;
  bool descending = false;
  // Resume strictly after this (sort key, id) position; empty = from start.
  // For kName the key is the name; for dates the decimal epoch ms, where an
  // absent date sorts as 0 ("" means no position).
  std::string after_key;
  int64_t after_id = 0;
  bool has_position = false;
  size_t limit = 100;
};

class Txn {
 public:
  virtual ~Txn() = default;

  // Makes the writes durable. After Commit (OK or not) the Txn is finished.
  virtual Status Commit() = 0;

  // --- accounts and access keys ---
  virtual Result<std::optional<AccountRecord>> GetAccount(std::string_view account_id) = 0;
  // Insert or replace. kAlreadyExists when another account has r.name (a
  // non-empty name is unique).
  virtual Status PutAccount(const AccountRecord& r) = 0;
  // All accounts, oldest first (created_ms, then account_id).
  virtual Result<std::vector<AccountRecord>> ListAccounts() = 0;
  // A change of an account's status (active) also increases the auth
  // generation below, as does any change to the access keys (PutAccessKey, DeleteAccessKey, and in
  // the SQLite engine any write to the table, by any process) increases the
  // auth generation in the same transaction, so a reader that cached
  // credentials learns from one cheap read that they may have changed
  // (server::CredentialCache polls it).
  virtual Result<std::optional<AccessKeyRecord>> GetAccessKey(std::string_view access_key_id) = 0;
  virtual Status PutAccessKey(const AccessKeyRecord& r) = 0;  // insert or replace
  virtual Result<std::vector<AccessKeyRecord>> ListAccessKeys(std::string_view account_id) = 0;
  // Every access key of every account, by access_key_id.
  virtual Result<std::vector<AccessKeyRecord>> ListAllAccessKeys() = 0;
  // A missing key is OK.
  virtual Status DeleteAccessKey(std::string_view access_key_id) = 0;
  // The auth generation: > 0, and it only grows.
  virtual Result<int64_t> GetAuthGeneration() = 0;

  // --- IAM entities (users, groups, roles, managed policies) ---
  // Any change to an entity increases the auth generation in the same
  // transaction (as access-key changes do), so that caches of compiled
  // identity policies learn of it from the same cheap read.
  // Lookup by (account, kind, name), the name compared case-insensitively
  // (ASCII).
  virtual Result<std::optional<IamEntityRecord>> GetIamEntity(std::string_view account_id,
                                                              std::string_view kind,
                                                              std::string_view name) = 0;
  // Insert or replace by (account, kind, case-folded name); the name's case
  // is replaced too.
  virtual Status PutIamEntity(const IamEntityRecord& r) = 0;
  // A missing entity is OK.
  virtual Status DeleteIamEntity(std::string_view account_id, std::string_view kind,
                                 std::string_view name) = 0;
  // The account's entities of one kind, by case-folded name.
  virtual Result<std::vector<IamEntityRecord>> ListIamEntities(std::string_view account_id,
                                                               std::string_view kind) = 0;

  // --- KMS ---
  virtual Result<Row<KmsKeyRecord>> GetKmsKey(std::string_view key_id) = 0;
  virtual Status PutKmsKey(const KmsKeyRecord& r) = 0;  // insert or replace
  virtual Result<std::vector<KmsKeyRecord>> ListKmsKeys(std::string_view account_id,
                                                        std::string_view region) = 0;
  // Every account's and region's keys, by key id (coffer rekey).
  virtual Result<std::vector<KmsKeyRecord>> ListAllKmsKeys() = 0;
  virtual Result<Row<KmsKeyMaterialRecord>> GetKmsKeyMaterial(std::string_view key_id,
                                                              int32_t version) = 0;
  virtual Status PutKmsKeyMaterial(const KmsKeyMaterialRecord& r) = 0;  // insert only
  virtual Status DeleteKmsKeyMaterial(std::string_view key_id) = 0;     // all versions
  virtual Result<std::optional<KmsAliasRecord>> GetKmsAlias(std::string_view account_id,
                                                            std::string_view region,
                                                            std::string_view alias_name) = 0;
  virtual Status PutKmsAlias(const KmsAliasRecord& r) = 0;  // insert or replace
  virtual Status DeleteKmsAlias(std::string_view account_id, std::string_view region,
                                std::string_view alias_name) = 0;
  virtual Result<std::vector<KmsAliasRecord>> ListKmsAliases(std::string_view account_id,
                                                             std::string_view region) = 0;
  // Removes the key, its tags, all its material versions and every alias that
  // targets it. A missing key is OK.
  virtual Status DeleteKmsKey(std::string_view key_id) = 0;
  // Keys in state "PendingDeletion" whose deletion_ms <= now_ms (any account),
  // ordered by (deletion_ms, key_id), at most `limit`.
  virtual Result<std::vector<KmsKeyRecord>> KmsKeysDueForDeletion(int64_t now_ms, size_t limit) = 0;
  // Keys in state "Enabled" with rotation_enabled whose next_rotation_ms <=
  // now_ms (any account), ordered by (next_rotation_ms, key_id), at most `limit`.
  virtual Result<std::vector<KmsKeyRecord>> KmsKeysDueForRotation(int64_t now_ms, size_t limit) = 0;

  // --- secrets ---
  virtual Result<Row<SecretRecord>> GetSecretById(int64_t id) = 0;
  virtual Result<Row<SecretRecord>> GetSecretByName(std::string_view account_id,
                                                    std::string_view region,
                                                    std::string_view name) = 0;
  virtual Result<Row<SecretRecord>> GetSecretByArn(std::string_view arn) = 0;
  // Inserts a new secret and returns its id. Name taken -> kAlreadyExists/"Conflict".
  virtual Result<int64_t> InsertSecret(const SecretRecord& r) = 0;
  // Replaces the row with id r.id (name, tags, dates, replicas, everything).
  virtual Status UpdateSecret(const SecretRecord& r) = 0;
  // Removes the secret and all its versions.
  virtual Status DeleteSecret(int64_t id) = 0;
  virtual Result<std::vector<SecretRecord>> ScanSecrets(const SecretScan& scan) = 0;
  // Secrets whose deletion_date_ms <= now_ms (any account), at most `limit`.
  virtual Result<std::vector<SecretRecord>> SecretsDueForPurge(int64_t now_ms, size_t limit) = 0;
  // Secrets due for rotation: rotation_enabled and next_rotation_ms <= now_ms
  // (any account), earliest first, at most `limit`.
  virtual Result<std::vector<SecretRecord>> SecretsDueForRotation(int64_t now_ms,
                                                                  size_t limit) = 0;
  // Secrets with rotation enabled whose AWSPENDING label sits on a version
  // that does not hold AWSCURRENT (a rotation started and not finished), with
  // id > after_id, by id, at most `limit`: what a restarted server resumes.
  virtual Result<std::vector<SecretRecord>> SecretsWithPendingRotation(int64_t after_id,
                                                                       size_t limit) = 0;
  // Replicas of the given primary (rows with replica_of == primary_id).
  virtual Result<std::vector<SecretRecord>> ListReplicas(int64_t primary_id) = 0;

  // --- versions ---
  virtual Result<Row<VersionRecord>> GetVersion(int64_t secret_id, std::string_view version_id) = 0;
  virtual Result<Row<VersionRecord>> GetVersionByStage(int64_t secret_id,
                                                       std::string_view stage) = 0;
  // All versions of a secret, oldest first (created_ms, then insertion order).
  virtual Result<std::vector<VersionRecord>> ListVersions(int64_t secret_id) = 0;
  // The secret's versions that carry a staging label, plus `also` when it
  // exists, oldest first with their labels: every version that a new
  // version's labels can touch (PutSecretValue), without the deprecated ones.
  virtual Result<std::vector<VersionRecord>> ListLabeledVersions(int64_t secret_id,
                                                                 std::string_view also) = 0;
  // How many versions the secret has (0 for an unknown id).
  virtual Result<int64_t> CountVersions(int64_t secret_id) = 0;
  // The versions that carry a staging label, of several secrets at once, for
  // answers that show labels but no values (ListSecrets, DescribeSecret): only
  // secret_id, version_id, created_ms and stages are filled, the other members
  // keep their defaults. Ordered by secret id, then oldest first as
  // ListVersions; ids without such versions (or unknown) contribute nothing.
  virtual Result<std::vector<VersionRecord>> ListStagedVersions(
      const std::vector<int64_t>& secret_ids) = 0;
  // Insert or replace by (secret_id, version_id), including its staging
  // labels (a label held by another version of the secret is
  // kAlreadyExists/"Conflict": move it first, or give it with MoveStage).
  virtual Status PutVersion(const VersionRecord& r) = 0;
  virtual Status DeleteVersion(int64_t secret_id, std::string_view version_id) = 0;
  // Label-level updates, for when only labels move (cheaper than PutVersion,
  // which rewrites the row). RemoveStage takes `label` off whichever version of
  // the secret holds it (none: OK). MoveStage puts it on `version_id`, which
  // must exist (else kNotFound), taking it from whichever version of the
  // secret holds it: one statement where a remove and an add were two.
  virtual Status RemoveStage(int64_t secret_id, std::string_view label) = 0;
  virtual Status MoveStage(int64_t secret_id, std::string_view version_id,
                           std::string_view label) = 0;
  // Cheap update of LastChangedDate alone (a new version: PutSecretValue),
  // where UpdateSecret would rewrite the whole row, its index entries, tags
  // and replicas. Unknown id -> kNotFound.
  virtual Status TouchChanged(int64_t secret_id, int64_t changed_ms) = 0;
  // Cheap update of LastAccessedDate (day resolution) for a secret and version.
  virtual Status TouchAccessed(int64_t secret_id, std::string_view version_id, int64_t day_ms) = 0;
};

// A write batch: lets one thread run many write transactions back to back
// and learn once, at the end, whether they are durable (group commit without
// a wait per transaction: the caller holds each answer until Commit returns).
//
// While a Batch is open, Store::Begin on the thread that opened it joins the
// batch: a write Txn's Commit() returns OK once its changes are in the batch,
// and they become durable, and visible to other threads, only when the
// Batch's Commit returns OK. A read Txn begun there (while no other Txn of
// the batch is open) reads the batch's changes so far. Only one Txn of a
// batch may be open at a time; a write Begin while one is open fails.
//
// Thread-safety: none; a Batch belongs to the thread that opened it.
class Batch {
 public:
  // Without Commit: every Txn of the batch is rolled back.
  virtual ~Batch() = default;
  // OK: every Txn committed in the batch is durable. An error: none of them
  // is, and whatever the batch's Txns read may not have been durable either
  // (their results must not be reported as success).
  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Result<std::unique_ptr<Txn>> Begin(TxnMode mode) = 0;
  // Opens a Batch on the calling thread (at most one per thread).
  virtual Result<std::unique_ptr<Batch>> BeginBatch() = 0;
  // Flushes and closes; further Begin() calls fail. Idempotent.
  virtual void Close() = 0;
};

}  // namespace coffer::storage
