// ReadCache: the rows a TxnMode::kReadCached transaction looked up by key
// (secret by name/ARN/id, version by id/stage, a secret's labelled versions,
// KMS key, key material), kept in memory and tagged with the store's write
// generation when they were read.
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
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/sharded_cache.h"
#include "storage/records.h"
#include "storage/row.h"

namespace coffer::storage {

class ReadCache {
 public:
  using Cached =
      std::variant<std::shared_ptr<const SecretRecord>, std::shared_ptr<const VersionRecord>,
                   std::shared_ptr<const std::vector<VersionRecord>>,
                   std::shared_ptr<const KmsKeyRecord>,
                   std::shared_ptr<const KmsKeyMaterialRecord>>;

  // The row cached under `key` at `generation`, if any and of type T: the
  // cached record itself, shared (no copy).
  template <typename T>
  Row<T> Get(std::string_view key, uint64_t generation) {
    Row<T> out;
    rows_.Find(key, [&](const Entry& e) {
      if (e.generation != generation) return;
      if (const auto* row = std::get_if<std::shared_ptr<const T>>(&e.row)) out = Row<T>(*row);
    });
    return out;
  }

  void Put(std::string key, uint64_t generation, Cached row) {
    rows_.Put(std::move(key), Entry{generation, std::move(row)});
  }

 private:
  static constexpr size_t kMaxPerShard = 4096;
  struct Entry {
    uint64_t generation;
    Cached row;
  };
  ShardedCache<Entry> rows_{kMaxPerShard};
};

}  // namespace coffer::storage
