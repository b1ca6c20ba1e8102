#include "crypto/data_key_cache.h"

#include <openssl/crypto.h>

#include <cstdlib>
#include <cstring>

#include "crypto/lock_memory.h"

namespace coffer::crypto::internal {
namespace {

constexpr size_t kArenaSize =
    DataKeyCache::kShards * DataKeyCache::kSlotsPerShard * DataKeyCache::kKeySize;
constexpr size_t kPage = 4096;
static_assert(kArenaSize % kPage == 0);

// Wiped, unlocked and freed: no locked page goes back to the heap.
void FreeArena(char* p) { WipeUnlockAndFree(p, kArenaSize); }

}  // namespace

DataKeyCache::DataKeyCache()
    : arena_(static_cast<char*>(std::aligned_alloc(kPage, kArenaSize)), &FreeArena) {
  if (arena_ == nullptr) return;  // Find misses and Put does nothing
  std::memset(arena_.get(), 0, kArenaSize);
  LockInMemory(arena_.get(), kArenaSize, "cached data keys", lock_warned_);
  for (size_t i = 0; i < kShards; ++i)
    shards_[i].keys = arena_.get() + i * kSlotsPerShard * kKeySize;
}

DataKeyCache::~DataKeyCache() = default;

bool DataKeyCache::Find(std::string_view id, std::string_view context,
                        std::string_view sealed_material, char* out) {
  Shard& s = shards_[StringHash{}(id) % kShards];
  std::lock_guard<std::mutex> l(s.mu);
  auto it = s.map.find(id);
  if (it == s.map.end() || it->second.context != context ||
      it->second.sealed_material != sealed_material)
    return false;
  std::memcpy(out, s.keys + it->second.slot * kKeySize, kKeySize);
  return true;
}

void DataKeyCache::Put(std::string_view id, std::string_view context,
                       std::string_view sealed_material, const char* key) {
  Shard& s = shards_[StringHash{}(id) % kShards];
  std::lock_guard<std::mutex> l(s.mu);
  if (s.keys == nullptr || s.map.find(id) != s.map.end()) return;
  if (s.used == kSlotsPerShard) EmptyLocked(s);
  const size_t slot = s.used++;
  std::memcpy(s.keys + slot * kKeySize, key, kKeySize);
  s.map.emplace(std::string(id), Entry{std::string(context), std::string(sealed_material), slot});
}

void DataKeyCache::Clear() {
  for (Shard& s : shards_) {
    std::lock_guard<std::mutex> l(s.mu);
    EmptyLocked(s);
  }
}

void DataKeyCache::EmptyLocked(Shard& s) {
  s.map.clear();
  if (s.keys != nullptr) OPENSSL_cleanse(s.keys, kSlotsPerShard * kKeySize);
  s.used = 0;
}

}  // namespace coffer::crypto::internal
