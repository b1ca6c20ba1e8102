// ChangeWatcher: the agent's push invalidation (docs/agent.md). One thread
// long-polls the server's change notices,
//   GET /coffer/secret-changes?after=<token>&wait=<seconds>   (SigV4-signed)
//   → {"Changes":[{"ARN","Name","EventName","EventTime"}],"NextToken","Reset"}
// and drops from the cache every entry whose secret id names a changed
// secret: its Name, its ARN, or the ARN without its "-XXXXXX" suffix
// (prefetch.h IdNamesSecret). The server sends a caller only the changes of
// secrets it may DescribeSecret; for the others the TTL stays the only
// refresh.
//
// Subscribe (before the prefetch, so that nothing changed in between is
// missed) asks without a token: the answer is the subscription's start.
// Reset=true (a token from another server run, or too old) drops the whole
// cache. When a poll fails (connection, 5xx, an answer that is not the
// feed's) the watcher logs that the stream is lost, backs off (doubling, up
// to max_backoff; a server without the endpoint, 4xx, at most every 5
// minutes) and the TTL applies meanwhile; it polls again with its last
// token, so the server answers what changed in between or Reset. If no
// subscription was ever made, the first one after the agent started
// serving drops the whole cache.
//
// Thread-safety: Subscribe, Start and Stop from one thread (AgentMain); the
// watcher's thread is the only one that touches its state; the cache and
// metrics are thread-safe. Stop cancels the poll in flight (within 100 ms).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "agent/agent_metrics.h"
#include "agent/secret_cache.h"
#include "client/http_client.h"
#include "coffer/result.h"
#include "common/thread_annotations.h"

namespace coffer::agent {

class ChangeWatcher {
 public:
  // A signed GET of `path_and_query` bounded by `timeout`, cancelled early
  // when `*cancel` turns true (SecretsManagerClient::SendGet).
  using Poll = std::function<Result<client::HttpCallResponse>(std::string_view path_and_query,
                                                              std::chrono::milliseconds timeout,
                                                              const std::atomic<bool>* cancel)>;
  struct Options {
    std::chrono::seconds wait{20};  // watch_wait_seconds
    std::chrono::milliseconds first_backoff{250};
    std::chrono::milliseconds max_backoff{10000};
    std::chrono::milliseconds unsupported_backoff{300000};  // the server has no endpoint
  };

  ChangeWatcher(Poll poll, SecretCache& cache, AgentMetrics* metrics, Options options);
  ~ChangeWatcher();  // Stop()
  ChangeWatcher(const ChangeWatcher&) = delete;
  ChangeWatcher& operator=(const ChangeWatcher&) = delete;

  // Takes the subscription's start token. False (logged) when the server
  // could not be asked; the thread subscribes later then.
  bool Subscribe();
  // Starts the polling thread.
  void Start();
  // Stops and joins it.
  void Stop();

  static constexpr std::string_view kPath = "/coffer/secret-changes";

 private:
  enum class Outcome { kOk, kFailed, kUnsupported };
  Outcome PollOnce(bool subscribing);
  void Lost(const std::string& why, bool unsupported);
  void Sleep(std::chrono::milliseconds d) EXCLUDES(mu_);
  void Run();

  const Poll poll_;
  SecretCache& cache_;
  AgentMetrics* const metrics_;
  const Options options_;
  std::atomic<bool> stopping_{false};
  Mutex mu_;
  std::condition_variable wake_;
  // The watcher thread's own (and Subscribe's, before Start).
  std::string token_;
  bool connected_ = false;
  bool told_unsupported_ = false;
  bool last_had_news_ = false;  // the last answer had changes or a reset
  std::thread thread_;
};

}  // namespace coffer::agent
