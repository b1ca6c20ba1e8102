// Internals shared by the operation files of the kms module (one file per
// small group of AWS operations, e.g. keys.cc, aliases.cc). Not for use
// outside src/kms.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "common/request_context.h"
#include "crypto/keyring.h"
#include "kms/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::kms::internal {

// --- the operations ---
using OpFn = Status (*)(Service&, const RequestContext&, const JsonValue&, JsonWriter&);
#define COFFER_KMS_OP(name) \
  Status name(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out);
// keys.cc
COFFER_KMS_OP(CreateKey)
COFFER_KMS_OP(DescribeKey)
COFFER_KMS_OP(ListKeys)
COFFER_KMS_OP(EnableKey)
COFFER_KMS_OP(DisableKey)
COFFER_KMS_OP(ScheduleKeyDeletion)
COFFER_KMS_OP(CancelKeyDeletion)
COFFER_KMS_OP(UpdateKeyDescription)
// aliases.cc
COFFER_KMS_OP(CreateAlias)
COFFER_KMS_OP(UpdateAlias)
COFFER_KMS_OP(DeleteAlias)
COFFER_KMS_OP(ListAliases)
// cryptography.cc
COFFER_KMS_OP(Encrypt)
COFFER_KMS_OP(Decrypt)
COFFER_KMS_OP(ReEncrypt)
COFFER_KMS_OP(GenerateDataKey)
COFFER_KMS_OP(GenerateDataKeyWithoutPlaintext)
COFFER_KMS_OP(GenerateRandom)
// policies.cc
COFFER_KMS_OP(GetKeyPolicy)
COFFER_KMS_OP(PutKeyPolicy)
COFFER_KMS_OP(ListKeyPolicies)
// tags.cc
COFFER_KMS_OP(TagResource)
COFFER_KMS_OP(UntagResource)
COFFER_KMS_OP(ListResourceTags)
// rotation.cc
COFFER_KMS_OP(EnableKeyRotation)
COFFER_KMS_OP(DisableKeyRotation)
COFFER_KMS_OP(GetKeyRotationStatus)
COFFER_KMS_OP(RotateKeyOnDemand)
COFFER_KMS_OP(ListKeyRotations)
#undef COFFER_KMS_OP

// --- helpers (internal.cc) ---

// True when `spec` names the AWS managed alias alias/aws/secretsmanager (by
// name or alias ARN): resolving it may create the key, so it needs a write
// transaction.
bool NamesDefaultAlias(std::string_view spec);
storage::TxnMode ModeFor(std::string_view spec);

// Resolves a KeyId that may be a key id, key ARN, alias name or alias ARN.
Result<storage::KmsKeyRecord> ResolveAnyKey(Service& svc, storage::Txn& txn,
                                            const RequestContext& ctx, std::string_view spec);
// Resolves a KeyId that must be a key id or key ARN (aliases ->
// NotFoundException "Invalid keyId '<spec>'").
Result<storage::KmsKeyRecord> ResolveKeyIdOrArn(Service& svc, storage::Txn& txn,
                                                const RequestContext& ctx, std::string_view spec);

// AccessDeniedException when `key` is AWS managed: its fixed policy allows a
// caller only kms:Describe*, kms:Get*, kms:List* (and use through Secrets
// Manager). `action` is e.g. "DisableKey".
Status RequireCustomerManaged(const RequestContext& ctx, const storage::KmsKeyRecord& key,
                              std::string_view action);

// DisabledException "<arn> is disabled." / KMSInvalidStateException
// "<arn> is pending deletion." unless the key is Enabled.
Status RequireEnabled(const storage::KmsKeyRecord& key);
// KMSInvalidStateException "<arn> is pending deletion." when it is.
Status RequireNotPendingDeletion(const storage::KmsKeyRecord& key);

// A stable public identifier of (key, material version): 64 lowercase hex
// digits (the model's KeyMaterialId); reveals nothing about the material.
std::string KeyMaterialId(const storage::KmsKeyRecord& key, int32_t version);

// Writes the KeyMetadata object member.
void WriteKeyMetadata(JsonWriter& w, const storage::KmsKeyRecord& key);

// The EncryptionContext member `name` (a string map) as a context.
crypto::EncryptionContext ReadContext(const JsonValue& in, const char* name);

// A blob member (base64 on the wire); nullopt when absent. Bad base64 ->
// ValidationException is left to the caller via the returned status.
Result<std::optional<std::string>> ReadBlob(const JsonValue& in, const char* name);

// The Tags member of CreateKey/TagResource ([{TagKey, TagValue}]), checked:
// aws: prefix, duplicate keys, more than 50 -> TagException (tags.cc).
Result<std::vector<storage::Tag>> ReadKmsTags(const JsonValue& in);

// Writes the standard KMS error for a missing/unsupported algorithm etc.
Status Unsupported(std::string_view what);

// Limit/Marker pagination over `n` items sorted by `key_of(i)` (strictly
// increasing). Returns [begin, end) and writes NextMarker/Truncated through
// Finish(). A marker is the opaque (base64) key of the last item returned.
struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::string next_marker;  // empty when not truncated
};
Result<Page> Paginate(const JsonValue& in, size_t n,
                      const std::function<std::string(size_t)>& key_of, int64_t default_limit);
void WritePageEnd(JsonWriter& w, const Page& page);

// Records an AWS managed key's refusal text (see messages.h).
std::string AccessDeniedMessage(const RequestContext& ctx, std::string_view key_arn,
                                std::string_view action);

}  // namespace coffer::kms::internal
