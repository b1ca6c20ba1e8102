// Internals shared by the operation files of the secrets module (one file per
// AWS operation, e.g. create_secret.cc). Not for use outside src/secrets.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "common/secure_string.h"
#include "common/request_context.h"
#include "crypto/keyring.h"
#include "secrets/messages.h"
#include "secrets/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::secrets::internal {

// --- the operations (each defined in its own <snake_case_op>.cc) ---
using OpFn = Status (*)(Service&, const RequestContext&, const JsonValue&, JsonWriter&);
#define COFFER_SECRETS_OP(name) \
  Status name(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out);
COFFER_SECRETS_OP(BatchGetSecretValue)
COFFER_SECRETS_OP(CancelRotateSecret)
COFFER_SECRETS_OP(CreateSecret)
COFFER_SECRETS_OP(DeleteResourcePolicy)
COFFER_SECRETS_OP(DeleteSecret)
COFFER_SECRETS_OP(DescribeSecret)
COFFER_SECRETS_OP(GetRandomPassword)
COFFER_SECRETS_OP(GetResourcePolicy)
COFFER_SECRETS_OP(GetSecretValue)
COFFER_SECRETS_OP(ListSecretVersionIds)
COFFER_SECRETS_OP(ListSecrets)
COFFER_SECRETS_OP(PutResourcePolicy)
COFFER_SECRETS_OP(PutSecretValue)
COFFER_SECRETS_OP(RemoveRegionsFromReplication)
COFFER_SECRETS_OP(ReplicateSecretToRegions)
COFFER_SECRETS_OP(RestoreSecret)
COFFER_SECRETS_OP(RotateSecret)
COFFER_SECRETS_OP(StopReplicationToReplica)
COFFER_SECRETS_OP(TagResource)
COFFER_SECRETS_OP(UntagResource)
COFFER_SECRETS_OP(UpdateSecret)
COFFER_SECRETS_OP(UpdateSecretVersionStage)
COFFER_SECRETS_OP(ValidateResourcePolicy)
#undef COFFER_SECRETS_OP

// --- shared helpers (secrets/internal.cc unless noted) ---

// Finds the secret named by a SecretId (name, full ARN or partial ARN, in the
// caller's account and region; aws-compat §1.4). Checks the name characters
// first (ValidationException "Invalid name…"). Not found ->
// ResourceNotFoundException "Secrets Manager can't find the specified secret."
// Pending-deletion secrets are returned (callers decide). The record may be
// the store's cached one, shared: for handlers that only read it.
Result<storage::Row<storage::SecretRecord>> ResolveSecretRow(storage::Txn& txn,
                                                             const RequestContext& ctx,
                                                             std::string_view secret_id);
// The same, as a record of the caller's own (for handlers that change it).
Result<storage::SecretRecord> ResolveSecret(storage::Txn& txn, const RequestContext& ctx,
                                            std::string_view secret_id);

// InvalidRequestException "You can't perform this operation on the secret
// because it was marked for deletion." when `s` is pending deletion.
Status RequireNotDeleted(const storage::SecretRecord& s);

// The encryption context bound to a version's value: views of s.arn and
// `version_id`, which must outlive it.
std::array<crypto::ContextPair, 2> VersionContext(const storage::SecretRecord& s,
                                                  std::string_view version_id);

// True when `s` is a replica or a primary with replicas: only then do
// DescribeSecret and ListSecrets show PrimaryRegion.
bool IsReplicationInvolved(const storage::SecretRecord& s);

// Writes the members of DescribeSecret (list_entry=false) or of a ListSecrets
// SecretListEntry (list_entry=true: SecretVersionsToStages, no
// ReplicationStatus) into an already-open JSON object, omitting absent ones.
// `versions` are the secret's versions (deprecated ones are skipped).
void WriteSecretMetadata(JsonWriter& w, const storage::SecretRecord& s,
                         std::span<const storage::VersionRecord> versions, bool list_entry);

// Decrypts `v` and writes the members of a GetSecretValue response / a
// SecretValueEntry (ARN, Name, VersionId, SecretString|SecretBinary,
// VersionStages, CreatedDate) into an already-open JSON object. Key failures
// become DecryptionFailure.
Status WriteSecretValue(Service& svc, storage::Txn& txn, const storage::SecretRecord& s,
                        const storage::VersionRecord& v, JsonWriter& w);

// Day resolution for LastAccessedDate: `ms` truncated to midnight UTC.
int64_t DayStart(int64_t ms);


// --- helpers added for the operation files (secrets/internal.cc) ---

// True when `name` uses only the characters AWS allows in a secret name
// (ASCII letters, digits and /_+=.@-).
bool IsValidSecretName(std::string_view name);

// The ARN of a secret: arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX.
std::string SecretArn(std::string_view region, std::string_view account_id,
                      std::string_view name, std::string_view suffix);
// A fresh 6-character alphanumeric ARN suffix (one per create).
std::string NewArnSuffix();

// Maps a Keyring failure to Secrets Manager's error: EncryptionFailure on
// writes (encrypt=true), DecryptionFailure on reads. `key_arn` names the key
// in the message (KMS's own wording: "<arn> is disabled." and so on); it may
// be empty when unknown. Internal failures pass through unchanged.
Status KeyFailure(const Status& keyring_status, std::string_view key_arn, bool encrypt);

// Resolves a request's KmsKeyId (empty = the default key, created on first
// use) for sealing values in `ctx`'s account and region. Missing, disabled or
// pending-deletion keys -> EncryptionFailure naming the key.
Result<storage::KmsKeyRecord> ResolveKeyForWrite(Service& svc, storage::Txn& txn,
                                                 const RequestContext& ctx,
                                                 std::string_view key_spec);

// Writes a ReplicationStatus array member for `replicas` (CreateSecret,
// DescribeSecret and the replication operations).
void WriteReplicationStatus(JsonWriter& w, const std::vector<storage::ReplicaRecord>& replicas);

// The record whose versions hold a secret's values: `s` itself for a
// primary, its primary for a replica (replicas share the primary's values),
// loaded into `primary`, which must outlive the pointer. Not a copy: this is
// on GetSecretValue's path, where copying `s` cost two SecretRecord copies.
Result<const storage::SecretRecord*> ValueOwner(storage::Txn& txn, const storage::SecretRecord& s,
                                                storage::Row<storage::SecretRecord>& primary);

// Reads SecretString / SecretBinary (base64 on the wire) of a request into
// `value`; `present` tells whether either member was given, `binary` which.
// Both given -> InvalidParameterException; more than 65,536 bytes ->
// InvalidParameterException (AWS texts, messages.h).
struct RequestValue {
  bool present = false;
  bool binary = false;
  SecureString bytes;
};
Result<RequestValue> ReadRequestValue(const JsonValue& in);


// --- value writes shared by PutSecretValue and UpdateSecret (put_secret_value.cc) ---

// The request's ClientRequestToken; absent -> `error_type` (default
// InvalidRequestException; RotateSecret passes InvalidParameterException)
// "You must provide a ClientRequestToken value…" (SDKs always fill it).
// Callers check it before looking the secret up.
Result<std::string> RequireClientRequestToken(
    const JsonValue& in, std::string_view error_type = messages::kInvalidRequest);

// InvalidRequestException when `s` is a replica (writes go to the primary).
Status RequirePrimary(const storage::SecretRecord& s);

// Stores `value` as version `token` of `s` with `stages` (empty =
// AWSCURRENT), moving labels (stages.h), pruning old versions and sealing
// under s.kms_key_id. A version `token` that already exists with the same
// value is an idempotent success (created=false); with another value ->
// ResourceExistsException. Sets s.last_changed_ms when a version was created
// (the caller writes `s`).
struct StoredVersion {
  std::string version_id;
  std::vector<std::string> stages;  // sorted
  bool created = false;
};
Result<StoredVersion> StoreNewVersion(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                                      storage::SecretRecord& s, std::string_view token,
                                      const RequestValue& value, std::vector<std::string> stages);

// Reads and checks a Tags member (CreateSecret, TagResource): duplicate keys
// and the reserved aws: prefix -> InvalidParameterException (tag_resource.cc).
Result<std::vector<storage::Tag>> ReadTags(const JsonValue& in, const char* member);

}  // namespace coffer::secrets::internal
