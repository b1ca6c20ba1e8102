#include "auth/sigv4/signing_key_cache.h"

#include <openssl/crypto.h>

#include <atomic>
#include <utility>

#include "common/random.h"

namespace coffer::auth::sigv4 {

uint64_t NextCredentialSerial() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}
namespace {

constexpr size_t kSaltBytes = 16;

void BuildKey(std::string_view access_key_id, std::string_view date, std::string_view region,
              std::string_view service, std::string* out) {
  out->clear();
  out->append(access_key_id).push_back('/');
  out->append(date).push_back('/');
  out->append(region).push_back('/');
  out->append(service);
}

}  // namespace

SigningKeyCache::SigningKeyCache(size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), salt_(RandomBytes(kSaltBytes)) {}

Result<Sha256Digest> SigningKeyCache::Fingerprint(std::string_view secret) const {
  return Sha256(salt_, secret);
}

Result<SigningKey> SigningKeyCache::Get(std::string_view access_key_id, std::string_view date,
                                        std::string_view region, std::string_view service,
                                        std::string_view secret_access_key, uint64_t serial) {
  // Reused per thread so a hit allocates nothing for the lookup key.
  thread_local std::string lookup_key;
  BuildKey(access_key_id, date, region, service, &lookup_key);
  if (serial != 0) {
    if (std::optional<SigningKey> key = Hit(lookup_key, serial, nullptr)) return *key;
  }
  COFFER_ASSIGN_OR_RETURN(Sha256Digest fingerprint, Fingerprint(secret_access_key));
  if (std::optional<SigningKey> key = Hit(lookup_key, serial, &fingerprint)) return *key;
  COFFER_ASSIGN_OR_RETURN(SigningKey signing_key,
                          DeriveSigningKey(secret_access_key, date, region, service));
  MutexLock lock(mu_);
  auto it = index_.find(std::string_view(lookup_key));
  if (it != index_.end()) {
    // Present with another secret (rotated), or added by a racing thread:
    // either way the entry now reflects the secret just used.
    it->second->fingerprint = fingerprint;
    it->second->serial = serial;
    it->second->signing_key = signing_key;
    lru_.splice(lru_.begin(), lru_, it->second);
    return signing_key;
  }
  if (lru_.size() >= capacity_) {
    index_.erase(std::string_view(lru_.back().key));
    lru_.pop_back();  // SigningKey wipes itself
  }
  lru_.push_front(Entry{lookup_key, fingerprint, serial, signing_key});
  index_.emplace(std::string_view(lru_.front().key), lru_.begin());
  return signing_key;
}

std::optional<SigningKey> SigningKeyCache::Hit(std::string_view key, uint64_t serial,
                                               const Sha256Digest* fingerprint) {
  MutexLock lock(mu_);
  auto it = index_.find(key);
  Entry* e = it == index_.end() ? nullptr : &*it->second;
  // The entry's secret is this one when the serials match, or the fingerprints.
  const bool same_serial = e != nullptr && serial != 0 && e->serial == serial;
  const bool same_fingerprint =
      e != nullptr && fingerprint != nullptr &&
      CRYPTO_memcmp(e->fingerprint.data(), fingerprint->data(), fingerprint->size()) == 0;
  if (!same_serial && !same_fingerprint) {
    if (fingerprint != nullptr) ++misses_;  // the last look before deriving
    return std::nullopt;
  }
  if (serial != 0) e->serial = serial;
  lru_.splice(lru_.begin(), lru_, it->second);
  ++hits_;
  return e->signing_key;
}

SigningKeyCache::Stats SigningKeyCache::stats() const {
  MutexLock lock(mu_);
  return Stats{hits_, misses_, lru_.size()};
}

}  // namespace coffer::auth::sigv4
