// DataKeyCache: the data keys Keyring::OpenValue unwrapped, so that opening
// an envelope again costs one AES-GCM open (the value) instead of two (the
// wrapped data key under the KMS key material, then the value) and no
// material lookup.
//
// An entry is found by the envelope's prefix up to the wrap tag (format,
// key ARN, material version, wrap nonce, wrapped key and tag: unique per
// seal) and serves only for the encryption context and the sealed material
// row it was verified with, so a hit stands for the check the unwrap made.
// The caller still checks the KMS key's state and reads its material row on
// every open: disabling or deleting the key, or replacing its material,
// takes effect at once.
//
// The keys live in a fixed arena of 16 shards × 256 slots, locked in memory
// once (LockInMemory) and cleansed when a shard is emptied (it filled up),
// by Clear (Keyring::ForgetKey) and on destruction (then also unlocked and
// freed: WipeUnlockAndFree); the map holds only
// envelope prefixes, contexts and sealed material, none of them secret.
//
// Thread-safety: thread-safe (16 mutex-guarded shards).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/sharded_cache.h"  // StringHash

namespace coffer::crypto::internal {

class DataKeyCache {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kShards = 16;
  static constexpr size_t kSlotsPerShard = 256;

  DataKeyCache();
  ~DataKeyCache();
  DataKeyCache(const DataKeyCache&) = delete;
  DataKeyCache& operator=(const DataKeyCache&) = delete;

  // Copies the data key cached under `id` into `out` (kKeySize bytes) when
  // it was verified under exactly `context` and `sealed_material`.
  bool Find(std::string_view id, std::string_view context, std::string_view sealed_material,
            char* out);
  // Remembers `key` (kKeySize bytes) for Find with the same three inputs.
  void Put(std::string_view id, std::string_view context, std::string_view sealed_material,
           const char* key);
  // Forgets (and cleanses) every key.
  void Clear();

 private:
  struct Entry {
    std::string context;
    std::string sealed_material;
    size_t slot;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> map;
    char* keys = nullptr;  // kSlotsPerShard * kKeySize bytes of the arena
    size_t used = 0;
  };
  void EmptyLocked(Shard& s);

  std::unique_ptr<char, void (*)(char*)> arena_;
  std::array<Shard, kShards> shards_;
  std::atomic<bool> lock_warned_{false};
};

}  // namespace coffer::crypto::internal
