// Metrics: what `GET /metrics` answers, in Prometheus's text exposition
// format (version 0.0.4): the requests the server answered by service,
// operation and outcome, their latency as histograms, throttled requests,
// and whatever the collectors add at scrape time (connections, write
// batches, the audit trail, caches, rotations).
//
// Labels are the service's signing name and the model's operation name of
// an admitted request; a request refused before it was admitted (no valid
// operation, authentication, throttling) is counted under operation="" so
// that no client can create label values. No secret name, ARN or account
// is ever a label.
//
// Recording is per thread: each thread that records gets its own shard (a
// map guarded by its own mutex, which only a scrape ever contends for), so
// the request path takes an uncontended lock and allocates only the first
// time a thread sees an operation. docs/performance.md §8 has the cost.
//
// Thread-safety: Record and Render from any thread. AddCollector before the
// server starts.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/thread_annotations.h"

namespace coffer::server {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds (+Inf is implicit).
  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                       0.005,  0.01,    0.025,  0.05,  0.1,
                                                       0.25,   0.5,     1,      2.5};

  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request. `service`: "secretsmanager", "kms", "iam", "sts";
  // `operation`: the admitted call's (or "" before admission); `status`:
  // the HTTP status; `throttled`: answered ThrottlingException.
  void Record(std::string_view service, std::string_view operation, int status, bool throttled,
              std::chrono::nanoseconds elapsed);

  // `collect(out)` appends complete metric families (with # HELP and
  // # TYPE) to the scrape.
  void AddCollector(std::function<void(std::string& out)> collect);

  std::string Render() const;

  // Appends one family with a single unlabelled sample.
  static void AppendFamily(std::string& out, std::string_view name, std::string_view type,
                           std::string_view help, double value);

 private:
  struct Counters {
    uint64_t success = 0, client_error = 0, server_error = 0, throttled = 0;
    std::array<uint64_t, kBuckets.size() + 1> buckets{};  // the last one is +Inf
    double seconds = 0;
    void Add(const Counters& o);
  };
  struct Shard {
    Mutex mu;
    // "service\noperation" → counters; std::less<> for lookups by view.
    std::map<std::string, Counters, std::less<>> ops GUARDED_BY(mu);
  };
  Shard& ThisThreadsShard();

  const uint64_t id_;  // this instance's, for the per-thread shard cache
  mutable Mutex registry_mu_;
  std::vector<std::unique_ptr<Shard>> shards_ GUARDED_BY(registry_mu_);
  std::vector<std::function<void(std::string&)>> collectors_;
};

}  // namespace coffer::server
