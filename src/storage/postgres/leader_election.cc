#include "storage/postgres/leader_election.h"

#include <memory>
#include <utility>

#include "pg/connection.h"
#include "storage/postgres/pool.h"

namespace coffer::storage::postgres {

PgLeaderElection::PgLeaderElection(std::string url, LeaderElectionOptions options,
                                   int connect_timeout_s, int64_t key)
    : url_(std::move(url)),
      options_(std::move(options)),
      connect_timeout_s_(connect_timeout_s),
      key_(key),
      thread_([this] { Run(); }) {}

PgLeaderElection::~PgLeaderElection() { Stop(); }

void PgLeaderElection::Stop() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PgLeaderElection::SetLeader(bool leader) {
  if (leader_.exchange(leader, std::memory_order_acq_rel) == leader) return;
  if (options_.on_change) options_.on_change(leader);
}

void PgLeaderElection::Run() {
  std::unique_ptr<pg::Connection> conn;
  while (true) {
    if (!conn) {
      auto opened = OpenSession(url_, "coffer-leader", connect_timeout_s_);
      if (opened.ok()) conn = std::move(opened).value();
    }
    if (conn) {
      if (!IsLeader()) {
        auto rows =
            conn->Run("SELECT pg_try_advisory_lock($1)", pg::Params().Int(key_), "leader election");
        if (!rows.ok()) {
          conn.reset();
        } else if (!rows->empty() && rows->Bool(0, 0)) {
          SetLeader(true);
        }
      } else if (!conn->Run("SELECT 1", "leader check").ok()) {
        // The session, and the lock with it, is gone (or unusable: closing it
        // releases the lock). Compete again on a new session.
        SetLeader(false);
        conn.reset();
      }
    } else {
      SetLeader(false);
    }
    MutexLock lock(mu_);
    if (lock.WaitFor(cv_, options_.retry_interval, [this]() REQUIRES(mu_) { return stop_; })) break;
  }
  // Closing the session releases the lock at once for the next leader.
  conn.reset();
  SetLeader(false);
}

}  // namespace coffer::storage::postgres
