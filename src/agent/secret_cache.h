// SecretCache: the agent's cache of GetSecretValue answers, keyed as AWS's
// agent keys it (aws_secretsmanager_caching memory_store): (secretId,
// versionId, versionStage), each of the last two present or absent (absent
// and empty are different keys, as there). An entry is fresh for `ttl` after
// it was stored; after that it may still be served *stale* (Find) for
// `max_stale` more, when the upstream fails transiently (serve-stale,
// docs/agent.md); beyond that it is dropped. At most `capacity` entries, the
// least recently used evicted first. A ttl of 0 disables caching (Put stores
// nothing). Invalidate drops every entry of a secret (push invalidation).
//
// Values are the upstream's JSON bodies and hold secrets: they live in
// SecureStrings (wiped when the last reader lets go) and are never logged.
//
// Thread-safety: every method may be called from any thread; one Mutex
// guards the LRU list and its index. Get and Find hand out a shared_ptr to
// the immutable value, so the copy into a response is made outside the lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/secure_string.h"
#include "common/thread_annotations.h"

namespace coffer::agent {

// One GET of a secret, as the agent's two request forms give it. A value type.
struct SecretQuery {
  std::string secret_id;
  std::optional<std::string> version_id;
  std::optional<std::string> version_stage;
  bool refresh_now = false;
  // The cache key: the three identifying parts, unambiguously joined.
  std::string CacheKey() const;
};

// The secret id part of a key made by SecretQuery::CacheKey ("" if malformed).
std::string_view SecretIdOfKey(std::string_view key);

class SecretCache {
 public:
  using Clock = std::chrono::steady_clock;
  SecretCache(size_t capacity, std::chrono::seconds ttl,
              std::function<Clock::time_point()> now = nullptr,
              std::chrono::seconds max_stale = std::chrono::seconds(0));

  // What Find saw: a value (or none), whether it is within the ttl, its age.
  struct Lookup {
    std::shared_ptr<const SecureString> value;
    bool fresh = false;
    std::chrono::seconds age{0};
  };
  // Counters since construction (for /metrics).
  struct Stats {
    size_t entries = 0;
    uint64_t evictions = 0;      // dropped for room (LRU)
    uint64_t expirations = 0;    // dropped past ttl + max_stale
    uint64_t invalidations = 0;  // dropped by Erase, Invalidate, Clear
  };

  bool enabled() const { return ttl_.count() > 0; }
  // The value stored for `key` if it is younger than the ttl (and marks it
  // most recently used); nullptr otherwise.
  std::shared_ptr<const SecureString> Get(const std::string& key) EXCLUDES(mu_);
  // The value for `key` fresh (marked most recently used, fresh = true) or
  // stale within max_stale (fresh = false); an older one is dropped.
  Lookup Find(const std::string& key) EXCLUDES(mu_);
  // Stores `value` for `key` (replacing any), evicting the least recently
  // used entry when full. Nothing when caching is disabled.
  void Put(const std::string& key, SecureString value) EXCLUDES(mu_);
  // As Put, but only when no Invalidate or Clear ran since `epoch()` returned
  // `epoch`: a fetch that started before a change notice must not store the
  // value the notice just made old. False when it did not store.
  bool PutIfUnchanged(const std::string& key, SecureString value, uint64_t epoch) EXCLUDES(mu_);
  // Counts Invalidate and Clear calls (for PutIfUnchanged).
  uint64_t epoch() EXCLUDES(mu_);
  // Drops `key`'s entry, if any.
  void Erase(const std::string& key) EXCLUDES(mu_);
  // Drops every entry whose secret id `matches`; returns how many.
  size_t Invalidate(const std::function<bool(std::string_view secret_id)>& matches) EXCLUDES(mu_);
  // Drops everything; returns how many.
  size_t Clear() EXCLUDES(mu_);
  size_t size() EXCLUDES(mu_);
  Stats stats() EXCLUDES(mu_);

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const SecureString> value;
    Clock::time_point stored;
  };
  using Iterator = std::list<Entry>::iterator;
  void DropLocked(Iterator it) REQUIRES(mu_);
  void PutLocked(const std::string& key, std::shared_ptr<const SecureString> value,
                 Clock::time_point now) REQUIRES(mu_);

  const size_t capacity_;
  const std::chrono::seconds ttl_;
  const std::chrono::seconds max_stale_;
  const std::function<Clock::time_point()> now_;
  Mutex mu_;
  std::list<Entry> lru_ GUARDED_BY(mu_);  // most recently used first
  std::unordered_map<std::string, Iterator> index_ GUARDED_BY(mu_);
  Stats stats_ GUARDED_BY(mu_);
  uint64_t epoch_ GUARDED_BY(mu_) = 0;
};

}  // namespace coffer::agent
