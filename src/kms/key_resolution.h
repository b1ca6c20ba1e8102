// Key resolution: which key a request's KeyId names (key id, key ARN, alias
// name or alias ARN; the Keyring does the lookup, crypto/keyring.h), and the
// transaction mode that lookup needs.
//
// Part of the kms module's internals (namespace internal): for its operation
// files only, not for use outside src/kms.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <string_view>

#include "coffer/result.h"
#include "common/json.h"
#include "common/request_context.h"
#include "kms/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::kms::internal {

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
// ResolveKeyIdOrArn of the request's KeyId member ("" when absent), as the
// key operations that take no alias open.
Result<storage::KmsKeyRecord> ResolveRequestKey(Service& svc, storage::Txn& txn,
                                                const RequestContext& ctx, const JsonValue& in);

}  // namespace coffer::kms::internal
