#include "server/rate_limiter.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace coffer::server {
namespace {

TEST(RateLimiter, DisabledAllowsEverything) {
  RateLimiter rl(0, 0);
  EXPECT_FALSE(rl.enabled());
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(rl.Allow("111111111111", 0));
}

TEST(RateLimiter, BurstThenSteadyRate) {
  RateLimiter rl(10, 5);  // 10 per second, bursts of 5
  EXPECT_TRUE(rl.enabled());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.Allow("a", 1000)) << i;
  EXPECT_FALSE(rl.Allow("a", 1000));
  EXPECT_FALSE(rl.Allow("a", 1050));  // half a token
  EXPECT_TRUE(rl.Allow("a", 1100));   // one token refilled after 100 ms
  EXPECT_FALSE(rl.Allow("a", 1100));
  // a long pause refills only up to the burst
  int allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += rl.Allow("a", 100000);
  EXPECT_EQ(allowed, 5);
}

TEST(RateLimiter, AccountsAreIndependent) {
  RateLimiter rl(1, 2);
  EXPECT_TRUE(rl.Allow("noisy", 0));
  EXPECT_TRUE(rl.Allow("noisy", 0));
  EXPECT_FALSE(rl.Allow("noisy", 0));
  EXPECT_TRUE(rl.Allow("quiet", 0));  // another account's bucket is untouched
  EXPECT_TRUE(rl.Allow("quiet", 0));
  EXPECT_FALSE(rl.Allow("quiet", 0));
}

TEST(RateLimiter, DefaultBurstIsRate) {
  RateLimiter rl(3, 0);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += rl.Allow("a", 0);
  EXPECT_EQ(allowed, 3);
  RateLimiter slow(0.5, 0);  // under 1 rps: a burst of one
  EXPECT_TRUE(slow.Allow("a", 0));
  EXPECT_FALSE(slow.Allow("a", 1000));
  EXPECT_TRUE(slow.Allow("a", 2000));
}

TEST(RateLimiter, ClockGoingBackwardsDoesNotMint) {
  RateLimiter rl(10, 1);
  EXPECT_TRUE(rl.Allow("a", 5000));
  EXPECT_FALSE(rl.Allow("a", 0));
  EXPECT_FALSE(rl.Allow("a", 5000));
  EXPECT_TRUE(rl.Allow("a", 5100));
}

TEST(RateLimiter, ConcurrentCallersNeverExceedTheBucket) {
  RateLimiter rl(1, 1000);
  std::atomic<int> allowed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += rl.Allow("a", 42);
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(RateLimiter, ManyAccountsStayBounded) {
  RateLimiter rl(1000, 1);
  // more accounts than a shard holds; refilled buckets are dropped, not kept forever
  for (int i = 0; i < 300000; ++i) ASSERT_TRUE(rl.Allow("acct" + std::to_string(i), i));
}

}  // namespace
}  // namespace coffer::server
