// RateLimiter: a token bucket per account (issue #4 item 7), the stand-in for
// AWS's per-account API quotas. Each account may make `rps` requests per
// second on average with bursts of up to `burst`; a request beyond that is
// answered with ThrottlingException (HTTP 400, "Rate exceeded"), which every
// AWS SDK retries with backoff. Requests are counted after SigV4 verification,
// so unauthenticated traffic never drains an account's bucket.
//
// Disabled (every request allowed) when rps <= 0, the default.
//
// Thread-safety: Allow may be called concurrently from any thread. Buckets are
// sharded by account hash, each shard behind its own mutex.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/thread_annotations.h"

namespace coffer::server {

class RateLimiter {
 public:
  // rps: sustained requests per second per account (<= 0: unlimited).
  // burst: bucket size (<= 0: max(1, rps)).
  RateLimiter(double rps, double burst);

  bool enabled() const { return rps_ > 0; }

  // True if `account` may make one more request at `now_ms` (a monotonic or
  // wall clock in milliseconds; it must not go backwards by much — a clock
  // step backwards only delays refills). Takes a token when it returns true.
  bool Allow(std::string_view account, int64_t now_ms);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ms = 0;
  };
  struct Shard {
    Mutex mu;
    std::unordered_map<std::string, Bucket> buckets GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;
  static constexpr size_t kMaxBucketsPerShard = 65536;  // bounds memory; full buckets are dropped

  double rps_;
  double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace coffer::server
