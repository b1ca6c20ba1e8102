// Key-state rules of the KMS operations: what a key must be for an operation
// to proceed (Enabled, not PendingDeletion, customer managed), with KMS's
// errors. (The Keyring's own check before it uses a key is in
// crypto/keyring.cc.)
//
// Part of the kms module's internals (namespace internal): for its operation
// files only, not for use outside src/kms.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <string>
#include <string_view>

#include "coffer/result.h"
#include "common/request_context.h"
#include "storage/records.h"

namespace coffer::kms::internal {

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

// Records an AWS managed key's refusal text (see messages.h).
std::string AccessDeniedMessage(const RequestContext& ctx, std::string_view key_arn,
                                std::string_view action);

}  // namespace coffer::kms::internal
