#include "crypto/keyring.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <unordered_map>
#include <utility>

#include "common/random.h"
#include "common/thread_annotations.h"
#include "crypto/aes_gcm.h"
#include "crypto/data_key_cache.h"
#include "crypto/envelope.h"
#include "crypto/key_errors.h"
#include "crypto/kms_key_rules.h"
#include "crypto/lock_memory.h"

namespace coffer::crypto {
namespace {

// Unsealed material kept in memory; the cache is emptied when it grows past this.
constexpr size_t kMaxCachedMaterials = 1024;

// AWS returns an empty message for InvalidCiphertextException (aws-compat §5.2).
Status InvalidCiphertext() { return KeyErrorStatus(KeyError::kBadCiphertext, ""); }

// Associated data binding sealed material to its key and version.
std::string MaterialAad(std::string_view arn, int32_t version) {
  return std::string(arn) + "|" + std::to_string(version);
}

}  // namespace

class Keyring::Impl {
 public:
  Impl(const Barrier& barrier, const Clock& clock) : barrier_(barrier), clock_(clock) {}

  const Barrier& barrier() const { return barrier_; }
  const Clock& clock() const { return clock_; }

  // The unsealed material of (key, version), read from `txn` every time so a
  // destroyed or replaced row is noticed; the barrier is skipped when the
  // sealed bytes match the cached ones.
  Result<SecureString> Material(storage::Txn& txn, const storage::KmsKeyRecord& key,
                                int32_t version) {
    COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyMaterialRecord> row,
                            MaterialRow(txn, key, version));
    return Unseal(key, *row);
  }

  // The data key of an envelope (parts of `envelope`) into `out`: from the
  // DataKeyCache when this prefix was unwrapped before under the same
  // context and material row, else unwrapped with the material. The material
  // row is read either way. InvalidCiphertextException when the wrap does
  // not authenticate.
  Status DataKey(storage::Txn& txn, const storage::KmsKeyRecord& key, std::string_view envelope,
                 const internal::EnvelopeParts& parts, std::string_view aad_context, char* out) {
    COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyMaterialRecord> row,
                            MaterialRow(txn, key, parts.material_version));
    const std::string_view id = envelope.substr(
        0, static_cast<size_t>(parts.wrap_tag.data() + parts.wrap_tag.size() - envelope.data()));
    if (data_keys_.Find(id, aad_context, row->sealed_material, out)) return Status::Ok();
    COFFER_ASSIGN_OR_RETURN(SecureString material, Unseal(key, *row));
    Status s = internal::AesGcmOpen(material.view(), parts.wrap_nonce, {parts.header, aad_context},
                                    parts.wrapped_key, parts.wrap_tag, out);
    if (s.code() == StatusCode::kDataLoss) return InvalidCiphertext();
    COFFER_RETURN_IF_ERROR(s);
    data_keys_.Put(id, aad_context, row->sealed_material, out);
    return Status::Ok();
  }

  Result<storage::Row<storage::KmsKeyMaterialRecord>> MaterialRow(storage::Txn& txn,
                                                                  const storage::KmsKeyRecord& key,
                                                                  int32_t version) {
    COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyMaterialRecord> row,
                            txn.GetKmsKeyMaterial(key.key_id, version));
    if (!row) {
      return KeyErrorStatus(KeyError::kKeyNotFound, "Key material version " +
                                                        std::to_string(version) + " of key '" +
                                                        key.arn + "' does not exist");
    }
    return row;
  }

  Result<SecureString> Unseal(const storage::KmsKeyRecord& key,
                              const storage::KmsKeyMaterialRecord& row) {
    const int32_t version = row.version;
    const std::string cache_key = CacheKey(key.key_id, version);
    {
      ReaderMutexLock lock(mu_);
      auto it = cache_.find(cache_key);
      if (it != cache_.end() && it->second.sealed == row.sealed_material) {
        return SecureString(std::string_view(slots_.slot(it->second.slot), internal::kAesKeySize));
      }
    }
    Result<SecureString> material =
        barrier_.Open(row.sealed_material, MaterialAad(key.arn, version));
    if (!material.ok() && material.status().code() != StatusCode::kDataLoss) {
      return material.take_status();
    }
    if (!material.ok() || material->size() != internal::kAesKeySize) {
      return Status::DataLoss("key material version " + std::to_string(version) + " of " + key.arn +
                              " cannot be unsealed (wrong root key or damaged row)");
    }
    Remember(cache_key, row.sealed_material, *material);
    return material;
  }

  // Caches `material` (kAesKeySize bytes) in a slot of the locked arena.
  void Remember(const std::string& cache_key, const std::string& sealed,
                const SecureString& material) {
    if (material.size() != internal::kAesKeySize) return;
    WriterMutexLock lock(mu_);
    auto it = cache_.find(cache_key);
    if (it == cache_.end()) {
      if (cache_.size() >= kMaxCachedMaterials) {
        cache_.clear();
        slots_.ReleaseAll();  // wipes every slot; the arena stays locked for reuse
      }
      std::optional<size_t> slot = slots_.Acquire();
      if (!slot) return;  // no arena: serve uncached
      it = cache_.emplace(cache_key, Cached{sealed, *slot}).first;
    } else {
      it->second.sealed = sealed;
    }
    std::memcpy(slots_.slot(it->second.slot), material.data(), internal::kAesKeySize);
  }

  void Forget(std::string_view key_id) {
    const std::string prefix = std::string(key_id) + "|";
    {
      WriterMutexLock lock(mu_);
      for (auto it = cache_.begin(); it != cache_.end();) {
        if (!it->first.starts_with(prefix)) {
          ++it;
          continue;
        }
        slots_.Release(it->second.slot);  // wiped
        it = cache_.erase(it);
      }
    }
    data_keys_.Clear();  // rare (key deletion): all of them, not only this key's
  }

  static std::string CacheKey(std::string_view key_id, int32_t version) {
    return std::string(key_id) + "|" + std::to_string(version);
  }

  // Fresh material for (arn, version), sealed; the unsealed copy is cached.
  Result<storage::KmsKeyMaterialRecord> NewMaterial(const storage::KmsKeyRecord& key,
                                                    int32_t version) {
    SecureString material(RandomBytes(internal::kAesKeySize));
    COFFER_ASSIGN_OR_RETURN(std::string sealed,
                            barrier_.Seal(material.view(), MaterialAad(key.arn, version)));
    Remember(CacheKey(key.key_id, version), sealed, material);
    return storage::KmsKeyMaterialRecord{key.key_id, version, std::move(sealed),
                                         clock_.NowMillis()};
  }

 private:
  // The material itself lives in slots_ (locked pages, wiped when the entry
  // goes and wiped, unlocked and freed with the Keyring); the map holds only
  // the sealed row, which is not secret.
  struct Cached {
    std::string sealed;
    size_t slot;
  };
  const Barrier& barrier_;
  const Clock& clock_;
  SharedMutex mu_;
  std::unordered_map<std::string, Cached> cache_ GUARDED_BY(mu_);
  internal::LockedSlots slots_ GUARDED_BY(mu_){internal::kAesKeySize, kMaxCachedMaterials,
                                               "KMS key material"};
  internal::DataKeyCache data_keys_;
};

Keyring::Keyring(const Barrier& barrier, const Clock& clock)
    : impl_(std::make_unique<Impl>(barrier, clock)) {}

Keyring::~Keyring() = default;

Result<storage::KmsKeyRecord> Keyring::ResolveKey(storage::Txn& txn, std::string_view account_id,
                                                  std::string_view region,
                                                  std::string_view key_spec) {
  std::string_view alias_name;
  if (key_spec.empty()) {
    alias_name = kDefaultSecretsKeyAlias;
  } else if (key_spec.starts_with("arn:")) {
    std::optional<kms_rules::KmsArn> arn = kms_rules::ParseKmsArn(key_spec);
    if (!arn) return KeyErrorStatus(KeyError::kKeyNotFound, "Invalid arn " + std::string(key_spec));
    const bool is_alias = arn->resource.starts_with("alias/");
    if (arn->partition != "aws" || arn->region != region || arn->account != account_id) {
      return is_alias ? kms_rules::AliasNotFound(key_spec) : kms_rules::KeyNotFound(key_spec);
    }
    if (is_alias) {
      alias_name = arn->resource;
    } else if (arn->resource.starts_with("key/")) {
      return kms_rules::KeyInScope(txn, account_id, region, arn->resource.substr(4), key_spec);
    } else {
      return KeyErrorStatus(KeyError::kKeyNotFound, "Invalid arn " + std::string(key_spec));
    }
  } else if (key_spec.starts_with("alias/")) {
    alias_name = key_spec;
  } else {
    if (!kms_rules::IsUuid(key_spec)) {
      return KeyErrorStatus(KeyError::kKeyNotFound,
                            "Invalid keyId '" + std::string(key_spec) + "'");
    }
    return kms_rules::KeyInScope(txn, account_id, region, key_spec,
                                 KmsKeyArn(region, account_id, key_spec));
  }

  if (alias_name != kDefaultSecretsKeyAlias) {
    return kms_rules::KeyByAlias(txn, account_id, region, alias_name);
  }
  // The default key: created on first use, inside the caller's transaction.
  COFFER_ASSIGN_OR_RETURN(std::optional<storage::KmsAliasRecord> alias,
                          txn.GetKmsAlias(account_id, region, kDefaultSecretsKeyAlias));
  if (alias) {
    Result<storage::KmsKeyRecord> key =
        kms_rules::KeyInScope(txn, account_id, region, alias->target_key_id,
                              KmsKeyArn(region, account_id, alias->target_key_id));
    if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
      return Status::DataLoss("the default key alias of " + std::string(account_id) + "/" +
                              std::string(region) + " names a key that does not exist");
    }
    return key;
  }
  storage::KmsKeyRecord record =
      kms_rules::DefaultSecretsKeyRecord(account_id, region, impl_->clock().NowMillis());
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, CreateKey(txn, std::move(record)));
  storage::KmsAliasRecord new_alias;
  new_alias.account_id = key.account_id;
  new_alias.region = key.region;
  new_alias.alias_name = std::string(kDefaultSecretsKeyAlias);
  new_alias.target_key_id = key.key_id;
  new_alias.created_ms = key.created_ms;
  new_alias.updated_ms = key.created_ms;
  COFFER_RETURN_IF_ERROR(txn.PutKmsAlias(new_alias));
  return key;
}

Result<storage::KmsKeyRecord> Keyring::CreateKey(storage::Txn& txn, storage::KmsKeyRecord key) {
  if (key.account_id.empty() || key.region.empty()) {
    return KeyErrorStatus(KeyError::kInvalidInput, "A KMS key needs an account and region.");
  }
  if (key.key_id.empty()) key.key_id = RandomUuid();
  const std::string arn = KmsKeyArn(key.region, key.account_id, key.key_id);
  if (key.arn.empty()) key.arn = arn;
  if (key.arn != arn) {
    return KeyErrorStatus(KeyError::kInvalidInput,
                          "The key ARN does not match its account, region and id.");
  }
  if (key.arn.size() > internal::kMaxEnvelopeKeyArnSize) {
    return KeyErrorStatus(KeyError::kInvalidInput, "The key ARN is too long.");
  }
  if (key.created_ms == 0) key.created_ms = impl_->clock().NowMillis();
  if (key.key_state.empty()) key.key_state = "Enabled";
  if (key.key_manager.empty()) key.key_manager = "CUSTOMER";
  key.current_material = 1;
  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyRecord> existing, txn.GetKmsKey(key.key_id));
  if (existing) return KeyErrorStatus(KeyError::kKeyExists, "The key already exists.");
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyMaterialRecord material, impl_->NewMaterial(key, 1));
  COFFER_RETURN_IF_ERROR(txn.PutKmsKey(key));
  COFFER_RETURN_IF_ERROR(txn.PutKmsKeyMaterial(material));
  return key;
}

Result<storage::KmsKeyRecord> Keyring::RotateKeyMaterial(storage::Txn& txn, std::string_view key_id,
                                                         std::string_view rotation_type) {
  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyRecord> key, txn.GetKmsKey(key_id));
  if (!key)
    return KeyErrorStatus(KeyError::kKeyNotFound, "Invalid keyId '" + std::string(key_id) + "'");
  int32_t version = key->current_material;
  while (true) {
    if (version == std::numeric_limits<int32_t>::max()) {
      return KeyErrorStatus(KeyError::kTooManyMaterials, "Too many key material versions.");
    }
    ++version;
    COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyMaterialRecord> taken,
                            txn.GetKmsKeyMaterial(key->key_id, version));
    if (!taken) break;
  }
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyMaterialRecord material,
                          impl_->NewMaterial(*key, version));
  material.rotation_type = std::string(rotation_type);
  COFFER_RETURN_IF_ERROR(txn.PutKmsKeyMaterial(material));
  storage::KmsKeyRecord rotated = *key;
  rotated.current_material = version;
  COFFER_RETURN_IF_ERROR(txn.PutKmsKey(rotated));
  return rotated;
}

Result<std::string> Keyring::SealValue(storage::Txn& txn, const storage::KmsKeyRecord& key,
                                       std::string_view plaintext, EncryptionContextView context) {
  COFFER_RETURN_IF_ERROR(kms_rules::CheckKeyUsable(key));
  if (key.key_usage != "ENCRYPT_DECRYPT" || key.key_spec != "SYMMETRIC_DEFAULT") {
    return KeyErrorStatus(KeyError::kWrongKeyUsage,
                          key.arn + " key usage is not valid for Encrypt.");
  }
  if (key.arn.empty() || key.arn.size() > internal::kMaxEnvelopeKeyArnSize ||
      key.current_material < 1) {
    return Status::Internal("keyring: malformed key record " + key.key_id);
  }
  if (plaintext.size() > internal::kGcmMaxInput) {
    return KeyErrorStatus(KeyError::kInvalidInput, "Value too large to encrypt.");
  }
  COFFER_ASSIGN_OR_RETURN(std::string aad_context, CanonicalEncryptionContext(context));
  COFFER_ASSIGN_OR_RETURN(SecureString material, impl_->Material(txn, key, key.current_material));

  const std::string header = internal::EnvelopeHeader(key.arn, key.current_material);
  std::string envelope(internal::EnvelopeSize(header.size(), plaintext.size()), '\0');
  envelope.replace(0, header.size(), header);
  char* pos = envelope.data() + header.size();
  // The data key and both nonces from one DRBG call (~1.3 µs each here).
  const SecureString fresh(RandomBytes(internal::kDataKeySize + 2 * internal::kGcmNonceSize));
  const std::string_view data_key = fresh.view().substr(0, internal::kDataKeySize);
  const std::string_view wrap_nonce =
      fresh.view().substr(internal::kDataKeySize, internal::kGcmNonceSize);
  const std::string_view value_nonce =
      fresh.view().substr(internal::kDataKeySize + internal::kGcmNonceSize);

  std::copy(wrap_nonce.begin(), wrap_nonce.end(), pos);
  pos += wrap_nonce.size();
  COFFER_RETURN_IF_ERROR(internal::AesGcmSeal(material.view(), wrap_nonce, {header, aad_context},
                                              data_key, pos, pos + internal::kDataKeySize));
  pos += internal::kDataKeySize + internal::kGcmTagSize;

  std::copy(value_nonce.begin(), value_nonce.end(), pos);
  pos += value_nonce.size();
  COFFER_RETURN_IF_ERROR(internal::AesGcmSeal(data_key, value_nonce, {header, aad_context},
                                              plaintext, pos, pos + plaintext.size()));
  return envelope;
}

Result<SecureString> Keyring::OpenValue(storage::Txn& txn, std::string_view envelope,
                                        EncryptionContextView context) {
  std::optional<internal::EnvelopeParts> parts = internal::ParseEnvelope(envelope);
  if (!parts) return InvalidCiphertext();
  std::optional<kms_rules::KmsArn> arn = kms_rules::ParseKmsArn(parts->key_arn);
  if (!arn || !arn->resource.starts_with("key/")) return InvalidCiphertext();
  COFFER_ASSIGN_OR_RETURN(std::string aad_context, CanonicalEncryptionContext(context));

  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyRecord> key,
                          txn.GetKmsKey(arn->resource.substr(4)));
  if (!key || key->arn != parts->key_arn) return kms_rules::KeyNotFound(parts->key_arn);
  COFFER_RETURN_IF_ERROR(kms_rules::CheckKeyUsable(*key));

  SecureString data_key;
  data_key.resize(internal::kDataKeySize);
  COFFER_RETURN_IF_ERROR(
      impl_->DataKey(txn, *key, envelope, *parts, aad_context, data_key.mutable_data()));

  SecureString plaintext;
  plaintext.resize(parts->ciphertext.size());
  Status s = internal::AesGcmOpen(data_key.view(), parts->value_nonce, {parts->header, aad_context},
                                  parts->ciphertext, parts->value_tag, plaintext.mutable_data());
  if (s.code() == StatusCode::kDataLoss) return InvalidCiphertext();
  COFFER_RETURN_IF_ERROR(s);
  return plaintext;
}

Result<std::string> Keyring::EnvelopeKeyArn(std::string_view envelope) {
  std::optional<internal::EnvelopeParts> parts = internal::ParseEnvelope(envelope);
  if (!parts) return InvalidCiphertext();
  return std::string(parts->key_arn);
}

void Keyring::ForgetKey(std::string_view key_id) { impl_->Forget(key_id); }

Result<int32_t> Keyring::EnvelopeMaterialVersion(std::string_view envelope) {
  std::optional<internal::EnvelopeParts> parts = internal::ParseEnvelope(envelope);
  if (!parts) return InvalidCiphertext();
  return parts->material_version;
}

Status ResealKeyMaterial(storage::Txn& txn, const storage::KmsKeyRecord& key, const Barrier& from,
                         const Barrier& to) {
  std::vector<storage::KmsKeyMaterialRecord> versions;
  for (int32_t v = 1; v <= key.current_material; ++v) {
    COFFER_ASSIGN_OR_RETURN(auto row, txn.GetKmsKeyMaterial(key.key_id, v));
    if (!row) continue;  // a version deleted with its key, or never made
    storage::KmsKeyMaterialRecord copy = *row;
    COFFER_ASSIGN_OR_RETURN(SecureString material,
                            from.Open(copy.sealed_material, MaterialAad(key.arn, v)));
    COFFER_ASSIGN_OR_RETURN(copy.sealed_material,
                            to.Seal(material.view(), MaterialAad(key.arn, v)));
    versions.push_back(std::move(copy));
  }
  // Material rows are insert-only: replaced as a whole, in the caller's txn.
  COFFER_RETURN_IF_ERROR(txn.DeleteKmsKeyMaterial(key.key_id));
  for (const auto& m : versions) COFFER_RETURN_IF_ERROR(txn.PutKmsKeyMaterial(m));
  return Status::Ok();
}

}  // namespace coffer::crypto
