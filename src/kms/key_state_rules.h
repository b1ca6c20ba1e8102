// Key-state rules of the KMS operations: what a key must be for an operation
// to proceed (Enabled, not PendingDeletion), with KMS's errors. (What an AWS
// managed key's fixed policy allows is authorization.h's.) (The Keyring's own check before it uses
// a key is in crypto/keyring.cc.)
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

// DisabledException "<arn> is disabled." / KMSInvalidStateException
// "<arn> is pending deletion." unless the key is Enabled.
Status RequireEnabled(const storage::KmsKeyRecord& key);
// KMSInvalidStateException "<arn> is pending deletion." when it is.
Status RequireNotPendingDeletion(const storage::KmsKeyRecord& key);

}  // namespace coffer::kms::internal
