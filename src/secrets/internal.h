// Internals shared by the operation files of the secrets module (one file per
// AWS operation, e.g. create_secret.cc). Not for use outside src/secrets.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "common/request_context.h"
#include "crypto/keyring.h"
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
// Pending-deletion secrets are returned (callers decide).
Result<storage::SecretRecord> ResolveSecret(storage::Txn& txn, const RequestContext& ctx,
                                            std::string_view secret_id);

// InvalidRequestException "You can't perform this operation on the secret
// because it was marked for deletion." when `s` is pending deletion.
Status RequireNotDeleted(const storage::SecretRecord& s);

// The encryption context bound to a version's value.
crypto::EncryptionContext VersionContext(const storage::SecretRecord& s,
                                         std::string_view version_id);

// Writes the members of DescribeSecret (list_entry=false) or of a ListSecrets
// SecretListEntry (list_entry=true: SecretVersionsToStages, no
// ReplicationStatus) into an already-open JSON object, omitting absent ones.
// `versions` are the secret's versions (deprecated ones are skipped).
void WriteSecretMetadata(JsonWriter& w, const storage::SecretRecord& s,
                         const std::vector<storage::VersionRecord>& versions, bool list_entry);

// Decrypts `v` and writes the members of a GetSecretValue response / a
// SecretValueEntry (ARN, Name, VersionId, SecretString|SecretBinary,
// VersionStages, CreatedDate) into an already-open JSON object. Key failures
// become DecryptionFailure.
Status WriteSecretValue(Service& svc, storage::Txn& txn, const storage::SecretRecord& s,
                        const storage::VersionRecord& v, JsonWriter& w);

// Day resolution for LastAccessedDate: `ms` truncated to midnight UTC.
int64_t DayStart(int64_t ms);

}  // namespace coffer::secrets::internal
