// Keyring: envelope encryption of secret values under KMS keys.
//
//   root key ──seals──► KMS key material (per key, per material version)
//   KMS key material ──wraps──► a fresh 256-bit data key per secret version
//   data key ──AES-256-GCM──► the secret value
//
// The encryption context ({SecretARN, SecretVersionId} for Secrets Manager) is
// bound as associated data at both layers. An envelope names its KMS key ARN
// and material version, so it decrypts after the key's material rotates.
// The envelope byte layout is in docs/storage_format.md.
//
// The account's default key `alias/aws/secretsmanager` (KeyManager AWS) is
// created per (account, region) on first use, inside the caller's write
// transaction.
//
// Errors carry KMS reasons, which the caller maps to its service's errors:
//   kNotFound         "NotFoundException"          key or alias does not exist
//   kFailedPrecondition "DisabledException"        key is disabled
//   kFailedPrecondition "KMSInvalidStateException" key pending deletion
//   kInvalidArgument  "InvalidCiphertextException" envelope damaged / context differs
//
// Thread-safety: safe from any thread. Unsealed key material is cached in
// memory (never written anywhere) and wiped on destruction.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"
#include "common/clock.h"
#include "common/secure_string.h"
#include "crypto/barrier.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::crypto {

// Key/value pairs; order does not matter (they are canonicalised by key).
using EncryptionContext = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kDefaultSecretsKeyAlias = "alias/aws/secretsmanager";

class Keyring {
 public:
  Keyring(const Barrier& barrier, const Clock& clock);
  ~Keyring();

  // Resolves `key_spec` in (account, region): a key id, key ARN, alias name
  // ("alias/x") or alias ARN. An empty spec means the default Secrets Manager
  // key, created on first use when `txn` is a write transaction.
  // Does not check the key's state (see UsableForEncrypt).
  Result<storage::KmsKeyRecord> ResolveKey(storage::Txn& txn, std::string_view account_id,
                                           std::string_view region, std::string_view key_spec);

  // Seals `plaintext` under a fresh data key wrapped by `key`'s current
  // material. Fails when the key is not Enabled.
  Result<std::string> SealValue(storage::Txn& txn, const storage::KmsKeyRecord& key,
                                std::string_view plaintext, const EncryptionContext& context);

  // Opens an envelope made by SealValue. Fails when its key is not Enabled,
  // its material is gone, or the context differs.
  Result<SecureString> OpenValue(storage::Txn& txn, std::string_view envelope,
                                 const EncryptionContext& context);

  // The key ARN named inside an envelope (without decrypting anything).
  static Result<std::string> EnvelopeKeyArn(std::string_view envelope);

  // Creates a KMS key with fresh material (used for the default key and, later,
  // CreateKey). Writes the key and its material in `txn`.
  Result<storage::KmsKeyRecord> CreateKey(storage::Txn& txn, storage::KmsKeyRecord key);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coffer::crypto
