#include "agent/agent_metrics.h"

#include <string_view>

namespace coffer::agent {
namespace {

constexpr std::string_view kOutcomeNames[kOutcomes] = {
    "hit", "miss", "refresh", "stale", "upstream_error", "local_error", "ping", "metrics"};

void Head(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Sample(std::string& out, std::string_view name, std::string_view labels, uint64_t v) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(std::to_string(v)).append("\n");
}

void Family(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            uint64_t v) {
  Head(out, name, type, help);
  Sample(out, name, "", v);
}

uint64_t Load(const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); }

}  // namespace

void AgentMetrics::Upstream(bool batch, bool failed, bool transient) {
  (batch ? batch_calls_ : get_calls_).fetch_add(1, std::memory_order_relaxed);
  if (failed)
    (transient ? transient_errors_ : client_errors_).fetch_add(1, std::memory_order_relaxed);
}

std::string AgentMetrics::Render(SecretCache& cache) const {
  std::string out;
  out.reserve(4096);
  Head(out, "coffer_agent_requests_total", "counter", "Requests the agent answered, by outcome.");
  for (int i = 0; i < kOutcomes; ++i) {
    Sample(out, "coffer_agent_requests_total",
           std::string("outcome=\"").append(kOutcomeNames[i]).append("\""), Load(requests_[i]));
  }
  const uint64_t hits = requests(Outcome::kHit);
  Family(out, "coffer_agent_cache_hits_total", "counter", "Secrets served fresh from the cache.",
         hits);
  Family(out, "coffer_agent_cache_misses_total", "counter",
         "Secret requests that went to the upstream (not cached, expired or refreshNow).",
         requests(Outcome::kMiss) + requests(Outcome::kRefresh) + requests(Outcome::kStale) +
             requests(Outcome::kUpstreamError));
  Family(out, "coffer_agent_cache_stale_serves_total", "counter",
         "Expired values served because the upstream failed transiently.",
         requests(Outcome::kStale));
  const SecretCache::Stats s = cache.stats();
  Family(out, "coffer_agent_cache_evictions_total", "counter",
         "Entries dropped to make room (least recently used).", s.evictions);
  Family(out, "coffer_agent_cache_expirations_total", "counter",
         "Entries dropped past ttl_seconds + max_stale_seconds.", s.expirations);
  Family(out, "coffer_agent_cache_invalidations_total", "counter",
         "Entries dropped by change notices, upstream 4xx answers or resets.", s.invalidations);
  Family(out, "coffer_agent_cache_entries", "gauge", "Entries in the cache.", s.entries);
  Head(out, "coffer_agent_upstream_calls_total", "counter", "Calls to the upstream, by operation.");
  Sample(out, "coffer_agent_upstream_calls_total", "operation=\"GetSecretValue\"",
         Load(get_calls_));
  Sample(out, "coffer_agent_upstream_calls_total", "operation=\"BatchGetSecretValue\"",
         Load(batch_calls_));
  Head(out, "coffer_agent_upstream_errors_total", "counter",
       "Failed upstream calls: transient (connection, timeout, 5xx, throttling) or client.");
  Sample(out, "coffer_agent_upstream_errors_total", "kind=\"transient\"", Load(transient_errors_));
  Sample(out, "coffer_agent_upstream_errors_total", "kind=\"client\"", Load(client_errors_));
  Family(out, "coffer_agent_prefetched_total", "counter",
         "Cache entries stored by the prefetch at start.", Load(prefetched_));
  Family(out, "coffer_agent_watch_changes_total", "counter",
         "Change notices received from the server.", Load(watch_changes_));
  Family(out, "coffer_agent_watch_resets_total", "counter",
         "Times the whole cache was dropped on a reset or a reconnection.", Load(watch_resets_));
  Family(out, "coffer_agent_watch_errors_total", "counter", "Failed polls of the change stream.",
         Load(watch_errors_));
  Family(out, "coffer_agent_watch_connected", "gauge", "1 while the change stream is up.",
         watch_connected_.load(std::memory_order_relaxed));
  return out;
}

}  // namespace coffer::agent
