// PgLeaderElection: storage::LeaderElection on PostgreSQL (issue 24). The
// leader is the node whose dedicated session (not one of the pool's) holds the
// session-level advisory lock kLeaderLockKey (pg_try_advisory_lock). A node
// that does not hold it tries again every retry_interval; the holder checks
// its session as often (SELECT 1). When the holder dies, the server ends its
// session and the lock goes with it, so another node takes over within about
// one retry_interval; when the holder's session is lost (server restart,
// pg_terminate_backend, a network cut noticed by keepalives or
// tcp_user_timeout), it stops being the leader at its next check, and
// competes again on a new session.
//
// Two leaders can overlap for at most about one retry_interval (a holder
// whose session the server already ended has not checked yet): leader work
// must stay safe to run twice, which the write lock and the store's
// conditions (a purge deletes what is still due) see to.
//
// Thread-safety: thread-safe. on_change runs on the election's thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <string>
#include <thread>

#include "common/thread_annotations.h"
#include "storage/coordination.h"

namespace coffer::storage::postgres {

// "CofferL" in ASCII: the leader's session lock (the write lock is 'W', the
// migrations' 'M': pool.h).
inline constexpr int64_t kLeaderLockKey = 0x436f666665724c;

class PgLeaderElection final : public LeaderElection {
 public:
  // Starts the election thread. `url` holds the password: never logged.
  PgLeaderElection(std::string url, LeaderElectionOptions options, int connect_timeout_s = 5,
                   int64_t key = kLeaderLockKey);
  ~PgLeaderElection() override;  // Stop()

  bool IsLeader() const override { return leader_.load(std::memory_order_acquire); }
  void Stop() override;

 private:
  void Run();
  void SetLeader(bool leader);

  const std::string url_;
  const LeaderElectionOptions options_;
  const int connect_timeout_s_;
  const int64_t key_;
  std::atomic<bool> leader_{false};
  Mutex mu_;
  std::condition_variable cv_;
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace coffer::storage::postgres
