#include "agent/secret_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace coffer::agent {
namespace {

using Clock = SecretCache::Clock;

struct FakeClock {
  Clock::time_point now = Clock::time_point() + std::chrono::hours(1);
  std::function<Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

SecureString Value(const char* s) { return SecureString(std::string_view(s)); }

std::string Read(SecretCache& c, const std::string& key) {
  auto v = c.Get(key);
  return v ? std::string(v->view()) : "<miss>";
}

TEST(SecretQueryTest, KeysTellAbsentFromEmpty) {
  SecretQuery a{"db", std::nullopt, std::nullopt};
  SecretQuery b{"db", std::string(), std::nullopt};
  SecretQuery c{"db", std::nullopt, std::string()};
  SecretQuery d{"db", std::nullopt, std::string("AWSCURRENT")};
  SecretQuery e{"db|-", std::nullopt, std::nullopt};
  std::set<std::string> keys = {a.CacheKey(), b.CacheKey(), c.CacheKey(), d.CacheKey(),
                                e.CacheKey()};
  EXPECT_EQ(keys.size(), 5u);
  SecretQuery refreshed = d;
  refreshed.refresh_now = true;
  EXPECT_EQ(refreshed.CacheKey(), d.CacheKey());
}

TEST(SecretCacheTest, ServesUntilTheTtl) {
  FakeClock clock;
  SecretCache cache(10, std::chrono::seconds(300), clock.fn());
  EXPECT_EQ(Read(cache, "k"), "<miss>");
  cache.Put("k", Value("v1"));
  EXPECT_EQ(Read(cache, "k"), "v1");
  clock.now += std::chrono::seconds(299);
  EXPECT_EQ(Read(cache, "k"), "v1");
  clock.now += std::chrono::seconds(1);
  EXPECT_EQ(Read(cache, "k"), "<miss>");
  cache.Put("k", Value("v2"));  // a refresh restarts the clock
  EXPECT_EQ(Read(cache, "k"), "v2");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SecretCacheTest, EvictsTheLeastRecentlyUsed) {
  FakeClock clock;
  SecretCache cache(2, std::chrono::seconds(300), clock.fn());
  cache.Put("a", Value("A"));
  cache.Put("b", Value("B"));
  EXPECT_EQ(Read(cache, "a"), "A");  // a is now more recent than b
  cache.Put("c", Value("C"));
  EXPECT_EQ(Read(cache, "b"), "<miss>");
  EXPECT_EQ(Read(cache, "a"), "A");
  EXPECT_EQ(Read(cache, "c"), "C");
  cache.Put("a", Value("A2"));  // replacing is no insertion
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(Read(cache, "c"), "C");
}

TEST(SecretCacheTest, TtlZeroCachesNothing) {
  SecretCache cache(10, std::chrono::seconds(0));
  EXPECT_FALSE(cache.enabled());
  cache.Put("k", Value("v"));
  EXPECT_EQ(Read(cache, "k"), "<miss>");
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SecretCacheTest, FindServesStaleWithinMaxStale) {
  FakeClock clock;
  SecretCache cache(10, std::chrono::seconds(60), clock.fn(), std::chrono::seconds(100));
  cache.Put("k", Value("v1"));
  clock.now += std::chrono::seconds(30);
  SecretCache::Lookup l = cache.Find("k");
  ASSERT_TRUE(l.value);
  EXPECT_TRUE(l.fresh);
  EXPECT_EQ(l.age.count(), 30);
  clock.now += std::chrono::seconds(100);  // 130 s: past the ttl, within ttl + max_stale
  l = cache.Find("k");
  ASSERT_TRUE(l.value);
  EXPECT_FALSE(l.fresh);
  EXPECT_EQ(l.age.count(), 130);
  EXPECT_EQ(Read(cache, "k"), "<miss>");  // Get serves fresh values only
  clock.now += std::chrono::seconds(30);  // 160 s: gone
  EXPECT_FALSE(cache.Find("k").value);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.stats().expirations, 1u);
  SecretCache never_stale(10, std::chrono::seconds(60), clock.fn());
  never_stale.Put("k", Value("v"));
  clock.now += std::chrono::seconds(60);
  EXPECT_FALSE(never_stale.Find("k").value);
}

TEST(SecretCacheTest, EraseInvalidateClearAndStats) {
  SecretCache cache(2, std::chrono::seconds(300));
  SecretQuery a{"db", std::nullopt, std::nullopt};
  SecretQuery a_stage{"db", std::nullopt, std::string("AWSPREVIOUS")};
  SecretQuery b{"other", std::nullopt, std::nullopt};
  EXPECT_EQ(SecretIdOfKey(a_stage.CacheKey()), "db");
  EXPECT_EQ(SecretIdOfKey(SecretQuery{"a:b|c", std::nullopt, std::nullopt}.CacheKey()), "a:b|c");
  EXPECT_EQ(SecretIdOfKey("junk"), "");
  cache.Put(a.CacheKey(), Value("1"));
  cache.Put(a_stage.CacheKey(), Value("2"));
  cache.Put(b.CacheKey(), Value("3"));  // evicts a
  EXPECT_EQ(cache.stats().evictions, 1u);
  cache.Put(a.CacheKey(), Value("1"));  // evicts a_stage
  EXPECT_EQ(cache.Invalidate([](std::string_view id) { return id == "db"; }), 1u);
  EXPECT_EQ(Read(cache, b.CacheKey()), "3");
  cache.Erase(b.CacheKey());
  cache.Erase(b.CacheKey());
  EXPECT_EQ(cache.size(), 0u);
  cache.Put(a.CacheKey(), Value("1"));
  EXPECT_EQ(cache.Clear(), 1u);
  SecretCache::Stats s = cache.stats();
  EXPECT_EQ(s.entries, 0u);
  EXPECT_EQ(s.evictions, 2u);
  EXPECT_EQ(s.invalidations, 3u);
}

TEST(SecretCacheTest, PutIfUnchangedSkipsAfterAnInvalidation) {
  SecretCache cache(10, std::chrono::seconds(300));
  uint64_t epoch = cache.epoch();
  EXPECT_TRUE(cache.PutIfUnchanged("k", Value("v1"), epoch));
  cache.Invalidate([](std::string_view) { return false; });  // a notice, whatever it dropped
  EXPECT_FALSE(cache.PutIfUnchanged("k", Value("old"), epoch));
  EXPECT_EQ(Read(cache, "k"), "v1");
  EXPECT_TRUE(cache.PutIfUnchanged("k", Value("v2"), cache.epoch()));
  EXPECT_EQ(Read(cache, "k"), "v2");
}

TEST(SecretCacheTest, ManyThreads) {
  SecretCache cache(50, std::chrono::seconds(300));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, &wrong, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = std::string("k").append(std::to_string((i * 7 + t) % 80));
        cache.Put(key, SecureString(std::string_view(key)));
        auto v = cache.Get(key);
        if (v && v->view() != key) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.size(), 50u);
}

}  // namespace
}  // namespace coffer::agent
