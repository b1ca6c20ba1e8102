// ReadCache: the rows a TxnMode::kReadCached transaction looked up by key
// (secret by name/ARN/id, version by id/stage, KMS key, key material), kept
// in memory and tagged with the store's write generation when they were read.
// An entry serves only while the generation is unchanged: every committed
// write transaction advances it before its Commit() returns, so a read that
// begins after a write was acknowledged never sees what that write replaced.
//
// Holds what the database holds (values stay sealed; no plaintext, no key
// material in the clear). Bounded: a shard that fills up is emptied.
//
// Why: GetSecretValue spends ~14 of ~50 µs in SQLite statements (BEGIN, 4-6
// lookups, COMMIT); docs/performance.md §6 has the before/after numbers.
//
// Thread-safety: thread-safe (16 mutex-guarded shards).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "storage/records.h"

namespace coffer::storage {

class ReadCache {
 public:
  using Row = std::variant<SecretRecord, VersionRecord, KmsKeyRecord, KmsKeyMaterialRecord>;

  // The row cached under `key` at `generation`, if any and of type T.
  template <typename T>
  std::optional<T> Get(const std::string& key, uint64_t generation) {
    Shard& s = ShardFor(key);
    std::lock_guard<std::mutex> l(s.mu);
    auto it = s.rows.find(key);
    if (it == s.rows.end() || it->second.generation != generation) return std::nullopt;
    if (const T* row = std::get_if<T>(&it->second.row)) return *row;
    return std::nullopt;
  }

  void Put(std::string key, uint64_t generation, Row row) {
    Shard& s = ShardFor(key);
    std::lock_guard<std::mutex> l(s.mu);
    if (s.rows.size() >= kMaxPerShard) s.rows.clear();
    s.rows.insert_or_assign(std::move(key), Entry{generation, std::move(row)});
  }

 private:
  static constexpr size_t kShards = 16;
  static constexpr size_t kMaxPerShard = 4096;
  struct Entry {
    uint64_t generation;
    Row row;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> rows;
  };
  Shard& ShardFor(const std::string& key) {
    return shards_[std::hash<std::string>{}(key) % kShards];
  }
  std::array<Shard, kShards> shards_;
};

}  // namespace coffer::storage
