// AgentMetrics: the agent's counters, answered at `GET /metrics` (behind the
// SSRF token) in Prometheus's text exposition format (0.0.4), named and
// shaped like the server's (server/metrics.h):
//   coffer_agent_requests_total{outcome}   every request the handler answered:
//       hit (fresh from the cache), miss (fetched: not cached or expired),
//       refresh (refreshNow=true), stale (served stale on a transient upstream
//       error), upstream_error (the upstream's error passed on), local_error
//       (the agent's own 4xx: token, method, parameters, path), ping, metrics
//   coffer_agent_cache_{hits,misses,stale_serves,evictions,expirations,
//       invalidations}_total, coffer_agent_cache_entries
//   coffer_agent_upstream_calls_total{operation}, coffer_agent_upstream_errors_total{kind}
//       (kind: transient = connection, timeout, 5xx, throttling; client = the rest)
//   coffer_agent_prefetched_total, coffer_agent_watch_{changes,resets,errors}_total,
//   coffer_agent_watch_connected (push invalidation, watch.h)
// No secret id is ever a label.
//
// Thread-safety: the counters are relaxed atomics, bumped from any thread;
// Render from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "agent/secret_cache.h"

namespace coffer::agent {

enum class Outcome { kHit, kMiss, kRefresh, kStale, kUpstreamError, kLocalError, kPing, kMetrics };
inline constexpr int kOutcomes = 8;

class AgentMetrics {
 public:
  void Count(Outcome o) { requests_[static_cast<int>(o)].fetch_add(1, std::memory_order_relaxed); }
  // One upstream call of `operation` (GetSecretValue or BatchGetSecretValue)
  // and whether it failed, transiently or not.
  void Upstream(bool batch, bool failed, bool transient);
  void Prefetched(uint64_t n) { prefetched_.fetch_add(n, std::memory_order_relaxed); }
  void WatchChanges(uint64_t n) { watch_changes_.fetch_add(n, std::memory_order_relaxed); }
  void WatchReset() { watch_resets_.fetch_add(1, std::memory_order_relaxed); }
  void WatchError() { watch_errors_.fetch_add(1, std::memory_order_relaxed); }
  void WatchConnected(bool up) { watch_connected_.store(up, std::memory_order_relaxed); }

  uint64_t requests(Outcome o) const {
    return requests_[static_cast<int>(o)].load(std::memory_order_relaxed);
  }

  // The scrape; `cache` gives the entries and the cache's own counters.
  std::string Render(SecretCache& cache) const;

 private:
  std::atomic<uint64_t> requests_[kOutcomes] = {};
  std::atomic<uint64_t> get_calls_{0}, batch_calls_{0};
  std::atomic<uint64_t> transient_errors_{0}, client_errors_{0};
  std::atomic<uint64_t> prefetched_{0};
  std::atomic<uint64_t> watch_changes_{0}, watch_resets_{0}, watch_errors_{0};
  std::atomic<bool> watch_connected_{false};
};

}  // namespace coffer::agent
