// ShardedCache: a bounded map from string keys to values, split into 16
// mutex-guarded shards so that threads looking up different keys rarely
// meet. A shard that fills up is emptied (no LRU bookkeeping on the hit
// path). Values are only reached under their shard's lock, through a
// visitor, so a caller copies out exactly what it needs.
//
// Used by storage::ReadCache (records) and crypto's data-key cache.
//
// Thread-safety: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/thread_annotations.h"

namespace coffer {

// Hashes std::string and std::string_view alike, for maps keyed by
// std::string that are searched with a view (no temporary string).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
};

template <typename Value>
class ShardedCache {
 public:
  explicit ShardedCache(size_t max_per_shard) : max_per_shard_(max_per_shard) {}
  ShardedCache(const ShardedCache&) = delete;
  ShardedCache& operator=(const ShardedCache&) = delete;

  // Calls visit(const Value&) under the shard's lock when `key` is cached.
  // Returns whether it was.
  template <typename Visit>
  bool Find(std::string_view key, Visit&& visit) {
    Shard& s = ShardFor(key);
    MutexLock l(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    visit(it->second);
    return true;
  }

  void Put(std::string key, Value value) {
    Shard& s = ShardFor(key);
    MutexLock l(s.mu);
    if (s.map.size() >= max_per_shard_) s.map.clear();
    s.map.insert_or_assign(std::move(key), std::move(value));
  }

  void Clear() {
    for (Shard& s : shards_) {
      MutexLock l(s.mu);
      s.map.clear();
    }
  }

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    Mutex mu;
    std::unordered_map<std::string, Value, StringHash, std::equal_to<>> map GUARDED_BY(mu);
  };
  Shard& ShardFor(std::string_view key) { return shards_[StringHash{}(key) % kShards]; }

  const size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace coffer
