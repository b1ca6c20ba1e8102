// The operations of the kms module (one file per small group of AWS
// operations, e.g. keys.cc, aliases.cc; dispatched by service.cc) and the
// helpers they share. Not for use outside src/kms.
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
#include "kms/authorization.h"
#include "kms/key_metadata.h"
#include "kms/key_resolution.h"
#include "kms/key_state_rules.h"
#include "kms/request_members.h"
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
// key_policy_ops.cc
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

// --- shared helpers, each in a file named for what it does ---
// key_resolution.h   which key a KeyId names; the transaction mode it needs
// authorization.h    who may do what: AuthorizeKey, AuthorizeWithoutKey
// key_state_rules.h  RequireEnabled, RequireNotPendingDeletion
// key_metadata.h     the KeyMetadata member, KeyMaterialId
// request_members.h  encryption context, blobs, Limit/Marker pages, Unsupported
// key_policy_document.h  the default key policy and the checks a policy passes

// The Tags member of CreateKey/TagResource ([{TagKey, TagValue}]), checked:
// aws: prefix, duplicate keys, more than 50 -> TagException (tags.cc).
Result<std::vector<storage::Tag>> ReadKmsTags(const JsonValue& in);

}  // namespace coffer::kms::internal
