// The operations of the secrets module (one file per AWS operation, e.g.
// create_secret.cc, dispatched by service.cc) and the helpers they share.
// Not for use outside src/secrets.
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
#include "common/request_context.h"
#include "common/secure_string.h"
#include "crypto/keyring.h"
#include "secrets/authorization.h"
#include "secrets/key_failure.h"
#include "secrets/messages.h"
#include "secrets/rendering.h"
#include "secrets/request_value.h"
#include "secrets/resolution.h"
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

// --- shared helpers, each in a file named for what it does ---
// authorization.h  who may do what: the IAM decision of each operation and its KMS use
// resolution.h     SecretId resolution, ARN and name rules, OpenWritableSecret
// rendering.h      metadata, replication status and values into responses
// key_failure.h    the key a write seals under, KeyFailure
// request_value.h  SecretString / SecretBinary of a request
// stages.h, list_filter.h, page_token.h, replication.h, rotation_rules.h,
// random_password.h, secret_scan.h: as their names say.

// --- value writes shared by PutSecretValue and UpdateSecret (put_secret_value.cc) ---

// The request's ClientRequestToken; absent -> `error_type` (default
// InvalidRequestException; RotateSecret passes InvalidParameterException)
// "You must provide a ClientRequestToken value…" (SDKs always fill it).
// Callers check it before looking the secret up.
Result<std::string> RequireClientRequestToken(
    const JsonValue& in, std::string_view error_type = messages::kInvalidRequest);

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

// rotation.cc: adds `version` (no labels yet) to its secret with the
// AWSPENDING label, the new version of a rotation (RotateSecret, the
// engine's BeginRotation). A version id already taken: ResourceExistsException.
Status AddPendingVersion(storage::Txn& txn, storage::VersionRecord version);

}  // namespace coffer::secrets::internal
