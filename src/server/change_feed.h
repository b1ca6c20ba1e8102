// ChangeFeed: the notices of committed secret changes that caching agents
// long-poll for (issue 23, `GET /coffer/secret-changes`; docs/agent.md), so
// that a PutSecretValue, UpdateSecretVersionStage, rotation step or deletion
// reaches every agent within a second instead of at its cache's TTL.
//
// A change is noted by the request that made it (Pipeline::Run, after the
// operation succeeded) and published once it is durable: at once, or, on a
// thread inside a write batch (BeginBatch/EndBatch, by the WriteBatcher), when
// the batch's COMMIT has returned; a batch that did not commit publishes
// nothing. Published changes get consecutive sequence numbers and are kept
// in a bounded window (`retained`).
//
// A watcher names where it is with a token ("<feed id>.<sequence>", from the
// previous answer) and gets the changes after it that its filter lets
// through (the caller's right to DescribeSecret), as soon as there is one, or
// an empty answer when its wait ends. A token from another server run (the
// feed id is random per start) or older than the window answers Reset: the
// watcher must assume that anything changed. Filters run on the feed's own
// thread, never on the writer's or an I/O thread.
//
// Several nodes (issue 24): SetRelay hands the changes this node publishes to
// the other nodes (server/cluster.h: PostgreSQL NOTIFY, after the COMMIT),
// NoteFromPeer publishes a change another node made (not relayed again), and
// Reset answers Reset to every parked watcher and to every token issued before
// it, for when notices from other nodes may have been missed (the channel was
// lost).
//
// Thread-safety: all methods from any thread. Deliver callbacks run on the
// feed's thread, or on Watch's caller for an answer known at once
// (no token, a bad token). Shutdown answers every watcher (empty) and joins
// the thread; later Watch calls are answered at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/thread_annotations.h"

namespace coffer::server {

class ChangeFeed {
 public:
  struct Change {
    uint64_t sequence = 0;  // set when published
    std::string account_id;
    std::string region;
    std::string arn;
    std::string name;
    std::string event;  // the operation, e.g. "PutSecretValue"
    int64_t time_ms = 0;
  };
  struct Answer {
    std::vector<Change> changes;
    std::string next_token;
    bool reset = false;
  };
  using Filter = std::function<bool(const Change&)>;
  using Deliver = std::function<void(Answer)>;
  using Relay = std::function<void(const std::vector<Change>&)>;

  static constexpr std::chrono::seconds kMaxWait{20};

  explicit ChangeFeed(size_t retained = 4096);
  ~ChangeFeed();  // Shutdown()
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  void Note(Change change);
  void BeginBatch();
  void EndBatch(bool committed);

  // `after`: a token, or "" for "from now" (answered at once with the
  // current token). `wait` is clamped to [0, kMaxWait].
  void Watch(std::string_view after, std::chrono::milliseconds wait, Filter filter,
             Deliver deliver);

  void Shutdown();

  // Set before the feed is used: called (on the publishing thread, outside
  // the feed's lock) with each group of changes this node publishes.
  void SetRelay(Relay relay);
  // Publishes a change another node made, at once; not relayed.
  void NoteFromPeer(Change change);
  // Every parked watcher and every token issued before now answers Reset.
  void Reset();

  // The token for the current end of the feed.
  std::string CurrentToken() const;

 private:
  using Steady = std::chrono::steady_clock;
  struct Watcher {
    uint64_t after;  // last sequence this watcher has seen
    Steady::time_point deadline;
    Filter filter;
    Deliver deliver;
  };

  void Publish(std::vector<Change> changes, bool relay);
  void Run();
  std::string TokenFor(uint64_t sequence) const;

  const size_t retained_;
  const std::string id_;  // random per feed: tokens of another run are refused
  Relay relay_;           // set before use

  mutable Mutex mu_;
  std::condition_variable changed_;
  std::deque<Change> window_ GUARDED_BY(mu_);  // sequences last_ - size + 1 .. last_
  uint64_t last_ GUARDED_BY(mu_) = 0;          // the newest published sequence
  std::list<Watcher> watchers_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace coffer::server
