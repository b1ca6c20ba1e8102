#include "server/metrics.h"

#include <atomic>
#include <charconv>
#include <cstring>

namespace coffer::server {
namespace {

// The shard this thread last recorded into, and the Metrics it belongs to,
// by an id no other Metrics ever has (an address could be reused by a new
// instance after the old one and its shards are gone). A server has one
// Metrics, so the check is one compare; a thread alternating between two
// (tests) registers a shard per switch.
std::atomic<uint64_t> next_id{1};
struct ThreadShard {
  uint64_t owner = 0;
  void* shard = nullptr;
};
thread_local ThreadShard this_thread_shard;

// The shortest text that reads back as `v` (0.0025, not 0.0025000000000000001).
void AppendNumber(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general);
  out.append(buf, r.ptr);
}

void AppendNumber(std::string& out, uint64_t v) { out += std::to_string(v); }

// {service="…",operation="…"  (the caller closes the brace)
void AppendLabels(std::string& out, std::string_view key) {
  const size_t nl = key.find('\n');
  out += "{service=\"";
  out.append(key.substr(0, nl));
  out += "\",operation=\"";
  out.append(key.substr(nl + 1));
  out += '"';
}

}  // namespace

Metrics::Metrics() : id_(next_id.fetch_add(1, std::memory_order_relaxed)) {}

void Metrics::Counters::Add(const Counters& o) {
  success += o.success;
  client_error += o.client_error;
  server_error += o.server_error;
  throttled += o.throttled;
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += o.buckets[i];
  seconds += o.seconds;
}

Metrics::Shard& Metrics::ThisThreadsShard() {
  ThreadShard& t = this_thread_shard;
  if (t.owner == id_) return *static_cast<Shard*>(t.shard);
  MutexLock lock(registry_mu_);
  shards_.push_back(std::make_unique<Shard>());
  t.owner = id_;
  t.shard = shards_.back().get();
  return *shards_.back();
}

void Metrics::Record(std::string_view service, std::string_view operation, int status,
                     bool throttled, std::chrono::nanoseconds elapsed) {
  // Operation names are the models' (letters); anything else, or a name no
  // model has, never reaches here (see the header).
  char key_buf[128];
  if (service.size() + operation.size() + 1 > sizeof(key_buf)) return;
  std::memcpy(key_buf, service.data(), service.size());
  key_buf[service.size()] = '\n';
  std::memcpy(key_buf + service.size() + 1, operation.data(), operation.size());
  const std::string_view key(key_buf, service.size() + 1 + operation.size());

  const double seconds = std::chrono::duration<double>(elapsed).count();
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;

  Shard& shard = ThisThreadsShard();
  MutexLock lock(shard.mu);
  auto it = shard.ops.find(key);
  if (it == shard.ops.end()) it = shard.ops.emplace(std::string(key), Counters{}).first;
  Counters& c = it->second;
  if (status < 400) {
    ++c.success;
  } else if (status < 500) {
    ++c.client_error;
  } else {
    ++c.server_error;
  }
  if (throttled) ++c.throttled;
  ++c.buckets[bucket];
  c.seconds += seconds;
}

void Metrics::AddCollector(std::function<void(std::string& out)> collect) {
  collectors_.push_back(std::move(collect));
}

void Metrics::AppendFamily(std::string& out, std::string_view name, std::string_view type,
                           std::string_view help, double value) {
  out += "# HELP ";
  out.append(name);
  out += ' ';
  out.append(help);
  out += "\n# TYPE ";
  out.append(name);
  out += ' ';
  out.append(type);
  out += '\n';
  out.append(name);
  out += ' ';
  AppendNumber(out, value);
  out += '\n';
}

std::string Metrics::Render() const {
  std::map<std::string, Counters, std::less<>> all;
  {
    MutexLock lock(registry_mu_);
    for (const auto& shard : shards_) {
      MutexLock shard_lock(shard->mu);
      for (const auto& entry : shard->ops) all[entry.first].Add(entry.second);
    }
  }
  std::string out;
  out.reserve(512 + all.size() * 2048);
  out +=
      "# HELP coffer_requests_total Requests answered, by service, operation (empty: refused "
      "before an operation was admitted) and outcome (success, client_error, server_error).\n"
      "# TYPE coffer_requests_total counter\n";
  for (const auto& [key, c] : all) {
    const std::pair<const char*, uint64_t> outcomes[] = {
        {"success", c.success}, {"client_error", c.client_error}, {"server_error", c.server_error}};
    for (const auto& [outcome, n] : outcomes) {
      out += "coffer_requests_total";
      AppendLabels(out, key);
      out += ",outcome=\"";
      out += outcome;
      out += "\"} ";
      AppendNumber(out, n);
      out += '\n';
    }
  }
  out +=
      "# HELP coffer_throttled_requests_total Requests answered ThrottlingException (the "
      "per-account rate limit).\n"
      "# TYPE coffer_throttled_requests_total counter\n";
  for (const auto& [key, c] : all) {
    if (c.throttled == 0) continue;
    out += "coffer_throttled_requests_total";
    AppendLabels(out, key);
    out += "} ";
    AppendNumber(out, c.throttled);
    out += '\n';
  }
  out +=
      "# HELP coffer_request_duration_seconds Time from a request's arrival to its answer "
      "(a change's: to its durable commit and audit record).\n"
      "# TYPE coffer_request_duration_seconds histogram\n";
  for (const auto& [key, c] : all) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < c.buckets.size(); ++i) {
      cumulative += c.buckets[i];
      out += "coffer_request_duration_seconds_bucket";
      AppendLabels(out, key);
      out += ",le=\"";
      if (i < kBuckets.size()) {
        AppendNumber(out, kBuckets[i]);
      } else {
        out += "+Inf";
      }
      out += "\"} ";
      AppendNumber(out, cumulative);
      out += '\n';
    }
    out += "coffer_request_duration_seconds_sum";
    AppendLabels(out, key);
    out += "} ";
    AppendNumber(out, c.seconds);
    out += "\ncoffer_request_duration_seconds_count";
    AppendLabels(out, key);
    out += "} ";
    AppendNumber(out, cumulative);
    out += '\n';
  }
  for (const auto& collect : collectors_) collect(out);
  return out;
}

}  // namespace coffer::server
