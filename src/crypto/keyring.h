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
// The KMS rules applied here (key specs, aliases, key states, the default
// key) are in crypto/kms_key_rules.h.
//
// Errors carry the typed reasons of crypto/key_errors.h (KeyErrorOf), whose
// tokens are KMS's error names; the caller maps them to its service's errors:
//   kKeyNotFound      "NotFoundException"          key or alias does not exist
//   kKeyDisabled      "DisabledException"          key is disabled
//   kKeyInvalidState  "KMSInvalidStateException"   key pending deletion
//   kBadCiphertext    "InvalidCiphertextException" envelope damaged / context differs
//                                                  (empty message, as AWS)
//   kDataLoss         (no reason)  key material cannot be unsealed: another
//                                  root key, or a damaged material row
//
// Thread-safety: safe from any thread. Unsealed key material is cached in
// locked memory (never written anywhere; internal::LockedSlots): a slot is
// wiped when its entry is dropped, and the whole arena wiped and unlocked on
// destruction.
#pragma once

#include <memory>
#include <span>
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
// The same pairs, viewed: what sealing and opening take, so that a caller
// whose strings already exist (a secret version's ARN and id) copies none.
using ContextPair = std::pair<std::string_view, std::string_view>;
using EncryptionContextView = std::span<const ContextPair>;
// Views of `context`'s pairs, valid while `context` is.
std::vector<ContextPair> ViewOf(const EncryptionContext& context);

inline constexpr std::string_view kDefaultSecretsKeyAlias = "alias/aws/secretsmanager";
inline constexpr std::string_view kDefaultSecretsKeyDescription =
    "Default key that protects my Secrets Manager data when no other key is defined";

// "arn:aws:kms:REGION:ACCOUNT:key/KEY_ID" and "arn:aws:kms:REGION:ACCOUNT:NAME"
// for an alias name "alias/…".
std::string KmsKeyArn(std::string_view region, std::string_view account_id,
                      std::string_view key_id);
std::string KmsAliasArn(std::string_view region, std::string_view account_id,
                        std::string_view alias_name);

// The key policy AWS gives `alias/aws/secretsmanager` (aws-compat §5.1), for
// (account, region).
std::string DefaultSecretsKeyPolicy(std::string_view account_id, std::string_view region);

// The canonical encoding bound as associated data: pairs sorted by key
// (bytewise), encoded as u32 count, then per pair u32 key length, key, u32
// value length, value (big-endian). Duplicate keys -> kInvalidArgument
// "ValidationException".
Result<std::string> CanonicalEncryptionContext(EncryptionContextView context);
inline Result<std::string> CanonicalEncryptionContext(const EncryptionContext& context) {
  return CanonicalEncryptionContext(ViewOf(context));
}

// Re-seals every version of `key`'s material, opened with the root key
// behind `from`, with the one behind `to`, in `txn` (a write): `coffer
// rekey`. kDataLoss when a version does not open with `from`.
Status ResealKeyMaterial(storage::Txn& txn, const storage::KmsKeyRecord& key, const Barrier& from,
                         const Barrier& to);

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
                                std::string_view plaintext, EncryptionContextView context);
  Result<std::string> SealValue(storage::Txn& txn, const storage::KmsKeyRecord& key,
                                std::string_view plaintext, const EncryptionContext& context) {
    return SealValue(txn, key, plaintext, ViewOf(context));
  }

  // Opens an envelope made by SealValue. Fails when its key is not Enabled,
  // its material is gone, or the context differs.
  Result<SecureString> OpenValue(storage::Txn& txn, std::string_view envelope,
                                 EncryptionContextView context);
  Result<SecureString> OpenValue(storage::Txn& txn, std::string_view envelope,
                                 const EncryptionContext& context) {
    return OpenValue(txn, envelope, ViewOf(context));
  }

  // The key ARN named inside an envelope (without decrypting anything).
  static Result<std::string> EnvelopeKeyArn(std::string_view envelope);
  // Drops every cached unsealed material version of `key_id` from memory
  // (after its material rows are destroyed).
  void ForgetKey(std::string_view key_id);

  // The key material version named inside an envelope (without decrypting
  // anything); kInvalidArgument "InvalidCiphertextException" when malformed.
  static Result<int32_t> EnvelopeMaterialVersion(std::string_view envelope);

  // Creates a KMS key with fresh material (used for the default key and by
  // kms::Service's CreateKey). Writes the key and its material in `txn`.
  // Fills key_id (random UUID), arn and created_ms when empty, key_state
  // ("Enabled") and key_manager ("CUSTOMER") when empty, and sets
  // current_material = 1. account_id and region are required; an arn that
  // does not match them -> kInvalidArgument; an existing key_id ->
  // kAlreadyExists.
  Result<storage::KmsKeyRecord> CreateKey(storage::Txn& txn, storage::KmsKeyRecord key);

  // Adds a new material version to the key `key_id` (the next unused version
  // after current_material), makes it current and writes the key. Envelopes
  // sealed under older versions still open. `rotation_type` ("ON_DEMAND" or
  // "AUTOMATIC") is recorded on the material. Returns the updated record.
  // kNotFound "NotFoundException" when the key does not exist.
  Result<storage::KmsKeyRecord> RotateKeyMaterial(storage::Txn& txn, std::string_view key_id,
                                                  std::string_view rotation_type = "ON_DEMAND");

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coffer::crypto
