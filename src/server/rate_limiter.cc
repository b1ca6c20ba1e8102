#include "server/rate_limiter.h"

#include <algorithm>
#include <functional>

namespace coffer::server {

RateLimiter::RateLimiter(double rps, double burst)
    : rps_(rps), burst_(burst > 0 ? burst : std::max(1.0, rps)) {}

bool RateLimiter::Allow(std::string_view account, int64_t now_ms) {
  if (rps_ <= 0) return true;
  Shard& shard = shards_[std::hash<std::string_view>{}(account) % kShards];
  MutexLock lock(shard.mu);
  auto it = shard.buckets.find(std::string(account));
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kMaxBucketsPerShard) {
      // Drop buckets that have refilled completely: forgetting them changes nothing.
      std::erase_if(shard.buckets, [&](const auto& kv) {
        return kv.second.tokens + (now_ms - kv.second.last_ms) * rps_ / 1000.0 >= burst_;
      });
    }
    it = shard.buckets.emplace(std::string(account), Bucket{burst_, now_ms}).first;
  }
  Bucket& b = it->second;
  if (now_ms > b.last_ms) {
    b.tokens = std::min(burst_, b.tokens + static_cast<double>(now_ms - b.last_ms) * rps_ / 1000.0);
    b.last_ms = now_ms;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace coffer::server
