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
// Thread-safety: thread-safe (a ShardedCache: 16 mutex-guarded shards).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "common/sharded_cache.h"
#include "storage/records.h"

namespace coffer::storage {

class ReadCache {
 public:
  using Row = std::variant<SecretRecord, VersionRecord, KmsKeyRecord, KmsKeyMaterialRecord>;

  // The row cached under `key` at `generation`, if any and of type T.
  template <typename T>
  std::optional<T> Get(const std::string& key, uint64_t generation) {
    std::optional<T> out;
    rows_.Find(key, [&](const Entry& e) {
      if (e.generation != generation) return;
      if (const T* row = std::get_if<T>(&e.row)) out = *row;
    });
    return out;
  }

  void Put(std::string key, uint64_t generation, Row row) {
    rows_.Put(std::move(key), Entry{generation, std::move(row)});
  }

 private:
  static constexpr size_t kMaxPerShard = 4096;
  struct Entry {
    uint64_t generation;
    Row row;
  };
  ShardedCache<Entry> rows_{kMaxPerShard};
};

}  // namespace coffer::storage
