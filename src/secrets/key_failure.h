// The KMS key under a secret's values: the key a write seals under
// (ResolveKeyForWrite), the encryption context a version is bound to, and
// KeyFailure, which turns the key layer's typed reasons (crypto/key_errors.h)
// into Secrets Manager's EncryptionFailure / DecryptionFailure.
//
// Part of the secrets module's internals (namespace internal): for its
// operation files only, not for use outside src/secrets.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <array>
#include <string_view>

#include "coffer/result.h"
#include "common/request_context.h"
#include "crypto/keyring.h"
#include "secrets/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::secrets::internal {

// The encryption context bound to a version's value: views of s.arn and
// `version_id`, which must outlive it.
std::array<crypto::ContextPair, 2> VersionContext(const storage::SecretRecord& s,
                                                  std::string_view version_id);

// Maps a Keyring failure to Secrets Manager's error: EncryptionFailure on
// writes (encrypt=true), DecryptionFailure on reads. `key_arn` names the key
// in the message (KMS's own wording: "<arn> is disabled." and so on); it may
// be empty when unknown. Internal failures pass through unchanged.
Status KeyFailure(const Status& keyring_status, std::string_view key_arn, bool encrypt);

// Resolves a request's KmsKeyId (empty = the default key, created on first
// use) for sealing values in `owner`'s account and region (null: `ctx`'s; a
// secret written cross-account seals under its owner's keys). Missing,
// disabled or pending-deletion keys -> EncryptionFailure naming the key.
Result<storage::KmsKeyRecord> ResolveKeyForWrite(Service& svc, storage::Txn& txn,
                                                 const RequestContext& ctx,
                                                 std::string_view key_spec,
                                                 const storage::SecretRecord* owner = nullptr);

}  // namespace coffer::secrets::internal
