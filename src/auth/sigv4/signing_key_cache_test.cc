#include "auth/sigv4/signing_key_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace coffer::auth::sigv4 {
namespace {

constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

SigningKey Derived(std::string_view secret, std::string_view date, std::string_view region,
                   std::string_view service) {
  return *DeriveSigningKey(secret, date, region, service);
}

TEST(SigningKeyCacheTest, MissThenHit) {
  SigningKeyCache cache(8);
  auto first = cache.Get("AKID", "20150830", "us-east-1", "service", kSecret);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first == Derived(kSecret, "20150830", "us-east-1", "service"));
  auto second = cache.Get("AKID", "20150830", "us-east-1", "service", kSecret);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*first == *second);
  auto stats = cache.stats();
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.size, 1u);
}

TEST(SigningKeyCacheTest, EveryScopePartIsInTheKey) {
  SigningKeyCache cache(16);
  ASSERT_TRUE(cache.Get("AKID", "20150830", "us-east-1", "service", kSecret).ok());
  struct Scope {
    const char *akid, *date, *region, *service;
  };
  const Scope others[] = {{"AKID2", "20150830", "us-east-1", "service"},
                          {"AKID", "20150831", "us-east-1", "service"},
                          {"AKID", "20150830", "us-west-2", "service"},
                          {"AKID", "20150830", "us-east-1", "kms"}};
  for (const auto& s : others) {
    auto key = cache.Get(s.akid, s.date, s.region, s.service, kSecret);
    ASSERT_TRUE(key.ok());
    EXPECT_TRUE(*key == Derived(kSecret, s.date, s.region, s.service)) << s.akid << s.date;
  }
  EXPECT_EQ(cache.stats().misses, 5u);
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_EQ(cache.stats().size, 5u);
}

TEST(SigningKeyCacheTest, ChangedSecretNeverUsesStaleKey) {
  SigningKeyCache cache(8);
  ASSERT_TRUE(cache.Get("AKID", "20150830", "us-east-1", "service", kSecret).ok());
  auto rotated = cache.Get("AKID", "20150830", "us-east-1", "service", "new-secret");
  ASSERT_TRUE(rotated.ok());
  EXPECT_TRUE(*rotated == Derived("new-secret", "20150830", "us-east-1", "service"));
  EXPECT_FALSE(*rotated == Derived(kSecret, "20150830", "us-east-1", "service"));
  EXPECT_EQ(cache.stats().misses, 2u);
  EXPECT_EQ(cache.stats().size, 1u);  // replaced in place
  // And back: the old secret is re-derived, not served from the new entry.
  auto back = cache.Get("AKID", "20150830", "us-east-1", "service", kSecret);
  EXPECT_TRUE(*back == Derived(kSecret, "20150830", "us-east-1", "service"));
  EXPECT_EQ(cache.stats().misses, 3u);
}

// Serials name secrets: a matching serial is a hit, a new serial (a rotated
// secret) re-derives, and a caller without serials still hits by fingerprint.
TEST(SigningKeyCacheTest, SerialsNameSecrets) {
  SigningKeyCache cache(8);
  ASSERT_TRUE(cache.Get("AKID", "20150830", "us-east-1", "service", kSecret, 7).ok());
  auto again = cache.Get("AKID", "20150830", "us-east-1", "service", kSecret, 7);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == Derived(kSecret, "20150830", "us-east-1", "service"));
  EXPECT_EQ(cache.stats().hits, 1u);
  auto rotated = cache.Get("AKID", "20150830", "us-east-1", "service", "new-secret", 8);
  ASSERT_TRUE(rotated.ok());
  EXPECT_TRUE(*rotated == Derived("new-secret", "20150830", "us-east-1", "service"));
  EXPECT_EQ(cache.stats().misses, 2u);
  // Serial 0 (none): the fingerprint decides, and it matches the new secret.
  auto unnamed = cache.Get("AKID", "20150830", "us-east-1", "service", "new-secret");
  ASSERT_TRUE(unnamed.ok());
  EXPECT_TRUE(*unnamed == Derived("new-secret", "20150830", "us-east-1", "service"));
  EXPECT_EQ(cache.stats().hits, 2u);
  // The old secret under its old serial is re-derived, not served the new key.
  auto old = cache.Get("AKID", "20150830", "us-east-1", "service", kSecret, 7);
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(*old == Derived(kSecret, "20150830", "us-east-1", "service"));
  EXPECT_EQ(cache.stats().misses, 3u);
}

TEST(SigningKeyCacheTest, BoundedWithLeastRecentlyUsedEviction) {
  SigningKeyCache cache(2);
  ASSERT_TRUE(cache.Get("A", "20150830", "us-east-1", "s", kSecret).ok());
  ASSERT_TRUE(cache.Get("B", "20150830", "us-east-1", "s", kSecret).ok());
  ASSERT_TRUE(cache.Get("A", "20150830", "us-east-1", "s", kSecret).ok());  // A most recent
  ASSERT_TRUE(cache.Get("C", "20150830", "us-east-1", "s", kSecret).ok());  // evicts B
  EXPECT_EQ(cache.stats().size, 2u);
  EXPECT_EQ(cache.stats().hits, 1u);
  ASSERT_TRUE(cache.Get("A", "20150830", "us-east-1", "s", kSecret).ok());
  EXPECT_EQ(cache.stats().hits, 2u);
  ASSERT_TRUE(cache.Get("B", "20150830", "us-east-1", "s", kSecret).ok());
  EXPECT_EQ(cache.stats().hits, 2u);  // B had been evicted
  EXPECT_EQ(cache.stats().misses, 4u);
  EXPECT_EQ(cache.stats().size, 2u);
}

TEST(SigningKeyCacheTest, ConcurrentGetsAgree) {
  SigningKeyCache cache(4);
  const SigningKey want = Derived(kSecret, "20150830", "us-east-1", "service");
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string akid = "AKID" + std::to_string(i % 6);
        auto key = cache.Get(akid, "20150830", "us-east-1", "service", kSecret);
        good[t] += key.ok() && *key == want;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(good[t], 200);
  EXPECT_LE(cache.stats().size, 4u);
  EXPECT_EQ(cache.stats().hits + cache.stats().misses, 800u);
}

}  // namespace
}  // namespace coffer::auth::sigv4
