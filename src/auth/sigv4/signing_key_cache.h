// SigningKeyCache: a bounded, thread-safe LRU cache of derived SigV4 signing
// keys, keyed by (access key id, date, region, service). Deriving a key costs
// four HMACs; a hit leaves one HMAC per request (performance-notes §3).
//
// Each entry also records a salted SHA-256 fingerprint of the secret it was
// derived from, so a rotated secret never reuses a stale key: a fingerprint
// mismatch re-derives and replaces the entry. A caller that names its secrets
// with serials (Credential::serial: a new one for every secret loaded) skips
// the fingerprint while the serial matches the entry's: one SHA-256 less per
// request (~1% of a GetSecretValue; docs/performance.md §6). The salt is random per cache,
// so fingerprints cannot be checked against guesses offline. Keys are wiped
// when evicted or replaced and are never logged.
//
// Thread-safety: all methods may be called concurrently; one mutex guards the
// map, and key derivation on a miss runs outside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/sigv4/digest.h"
#include "coffer/result.h"
#include "common/thread_annotations.h"

namespace coffer::auth::sigv4 {

// A serial never returned before in this process, for Credential::serial:
// every holder of credentials (the access-key cache, the opened session
// tokens) numbers the secrets it loads from this one sequence, so that two
// secrets never share a serial.
uint64_t NextCredentialSerial();

class SigningKeyCache {
 public:
  static constexpr size_t kDefaultCapacity = 4096;

  // REQUIRES: capacity >= 1.
  explicit SigningKeyCache(size_t capacity = kDefaultCapacity);
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  // The signing key for the scope under `secret_access_key`: cached when the
  // same scope was seen with the same secret, otherwise derived and cached
  // (evicting the least recently used entry when full). `serial`, when not
  // 0, must name `secret_access_key` and no other secret, ever, in this
  // process. Internal only if OpenSSL fails.
  Result<SigningKey> Get(std::string_view access_key_id, std::string_view date,
                         std::string_view region, std::string_view service,
                         std::string_view secret_access_key, uint64_t serial = 0);

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;  // includes re-derivations after a secret change
    size_t size = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::string key;           // "akid/date/region/service"
    Sha256Digest fingerprint;  // salted SHA-256 of the secret
    uint64_t serial = 0;       // the secret's serial, 0 = none known
    SigningKey signing_key;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Lru = std::list<Entry>;  // front = most recently used

  Result<Sha256Digest> Fingerprint(std::string_view secret) const;
  // The entry under `key` when it holds the key of this secret: the same
  // non-zero `serial`, or the same `fingerprint` (when given; it then records
  // `serial`). Counts the hit, or the miss when `fingerprint` is given.
  std::optional<SigningKey> Hit(std::string_view key, uint64_t serial,
                                const Sha256Digest* fingerprint);

  const size_t capacity_;
  std::string salt_;  // random, fixed at construction

  mutable Mutex mu_;
  Lru lru_ GUARDED_BY(mu_);
  // Views into the keys of lru_'s entries (list nodes never move).
  std::unordered_map<std::string_view, Lru::iterator, StringHash, std::equal_to<>> index_
      GUARDED_BY(mu_);
  uint64_t hits_ GUARDED_BY(mu_) = 0;
  uint64_t misses_ GUARDED_BY(mu_) = 0;
};

}  // namespace coffer::auth::sigv4
