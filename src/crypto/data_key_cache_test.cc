// DataKeyCache: a key is served only for the exact prefix, context and
// sealed material it was stored with; filling a shard or Clear forgets keys
// without ever serving a wrong one.
#include "crypto/data_key_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace coffer::crypto::internal {
namespace {

std::string Key(int i) {
  std::string k(DataKeyCache::kKeySize, '\0');
  for (size_t j = 0; j < k.size(); ++j) k[j] = static_cast<char>(i * 31 + static_cast<int>(j));
  return k;
}

TEST(DataKeyCache, ServesOnlyTheSameInputs) {
  DataKeyCache cache;
  char out[DataKeyCache::kKeySize];
  EXPECT_FALSE(cache.Find("prefix", "ctx", "material", out));
  cache.Put("prefix", "ctx", "material", Key(1).data());
  ASSERT_TRUE(cache.Find("prefix", "ctx", "material", out));
  EXPECT_EQ(std::string(out, sizeof(out)), Key(1));
  EXPECT_FALSE(cache.Find("prefix", "other ctx", "material", out));
  EXPECT_FALSE(cache.Find("prefix", "ctx", "replaced material", out));
  EXPECT_FALSE(cache.Find("prefix2", "ctx", "material", out));
  // A second Put under the same prefix keeps the first key (same envelope).
  cache.Put("prefix", "ctx", "material", Key(2).data());
  ASSERT_TRUE(cache.Find("prefix", "ctx", "material", out));
  EXPECT_EQ(std::string(out, sizeof(out)), Key(1));
  cache.Clear();
  EXPECT_FALSE(cache.Find("prefix", "ctx", "material", out));
}

TEST(DataKeyCache, FullShardsAreEmptiedNeverMixed) {
  DataKeyCache cache;
  constexpr int kCount = DataKeyCache::kShards * DataKeyCache::kSlotsPerShard * 3;
  for (int i = 0; i < kCount; ++i) cache.Put("p" + std::to_string(i), "c", "m", Key(i).data());
  int hits = 0;
  char out[DataKeyCache::kKeySize];
  for (int i = 0; i < kCount; ++i) {
    if (!cache.Find("p" + std::to_string(i), "c", "m", out)) continue;
    ++hits;
    ASSERT_EQ(std::string(out, sizeof(out)), Key(i)) << i;
  }
  EXPECT_GT(hits, 0);
  EXPECT_LE(hits, static_cast<int>(DataKeyCache::kShards * DataKeyCache::kSlotsPerShard));
}

}  // namespace
}  // namespace coffer::crypto::internal
