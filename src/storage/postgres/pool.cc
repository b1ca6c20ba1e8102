#include "storage/postgres/pool.h"

#include <utility>

namespace coffer::storage::postgres {

ConnectionPool::ConnectionPool(std::string url, size_t size,
                               std::chrono::milliseconds acquire_timeout, int connect_timeout_s)
    : url_(std::move(url)),
      size_(size == 0 ? 1 : size),
      acquire_timeout_(acquire_timeout),
      connect_timeout_s_(connect_timeout_s) {}

ConnectionPool::~ConnectionPool() { Close(); }

Result<std::unique_ptr<pg::Connection>> OpenSession(const std::string& url,
                                                    const char* application_name,
                                                    int connect_timeout_s) {
  // A dead or stalled server is noticed by TCP keepalives (idle sessions)
  // and tcp_user_timeout (unacknowledged sends), not waited for forever; the
  // URL may override them.
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> conn,
                          pg::Connection::OpenUrl(url, application_name, connect_timeout_s,
                                                  {{"keepalives", "1"},
                                                   {"keepalives_idle", "10"},
                                                   {"keepalives_interval", "5"},
                                                   {"keepalives_count", "3"},
                                                   {"tcp_user_timeout", "30000"}}));
  // Durable commits whatever the server's default; notices stay quiet; a
  // stall is a timeout (57014 / 55P03: kUnavailable), not a hang; a session
  // stuck inside a transaction (a frozen node holding the write lock) is
  // ended by the server.
  COFFER_RETURN_IF_ERROR(
      conn->Exec("SET synchronous_commit = on; SET client_min_messages = warning; "
                 "SET statement_timeout = '30s'; SET lock_timeout = '15s'; "
                 "SET idle_in_transaction_session_timeout = '60s'",
                 "session setup"));
  return conn;
}

Result<std::unique_ptr<pg::Connection>> ConnectionPool::Connect() const {
  return OpenSession(url_, "coffer", connect_timeout_s_);
}

Result<std::unique_ptr<pg::Connection>> ConnectionPool::Acquire() {
  {
    MutexLock lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
    while (!closed_ && idle_.empty() && open_ >= size_) {
      if (lock.WaitUntil(cv_, deadline) == std::cv_status::timeout && !closed_ && idle_.empty() &&
          open_ >= size_) {
        return Status::Unavailable("", "postgres: no database session free (pool exhausted)");
      }
    }
    if (closed_) return Status::Unavailable("", "postgres: the store is closed");
    if (!idle_.empty()) {
      std::unique_ptr<pg::Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;  // our slot: connect outside the lock
  }
  Result<std::unique_ptr<pg::Connection>> conn = Connect();
  if (!conn.ok()) {
    MutexLock lock(mu_);
    --open_;
    cv_.notify_one();
  }
  return conn;
}

void ConnectionPool::Release(std::unique_ptr<pg::Connection> conn) {
  if (!conn) return;
  const bool reusable = !conn->broken() && conn->txn_status() == PQTRANS_IDLE;
  std::unique_ptr<pg::Connection> close;
  {
    MutexLock lock(mu_);
    if (reusable && !closed_) {
      idle_.push_back(std::move(conn));
    } else {
      close = std::move(conn);
      --open_;
    }
  }
  cv_.notify_one();
  // `close` ends its session here, outside the lock.
}

Result<std::unique_ptr<pg::Connection>> ConnectionPool::Reconnect(
    std::unique_ptr<pg::Connection> broken) {
  broken.reset();
  {
    MutexLock lock(mu_);
    if (closed_) {
      --open_;
      cv_.notify_one();
      return Status::Unavailable("", "postgres: the store is closed");
    }
  }
  Result<std::unique_ptr<pg::Connection>> conn = Connect();
  if (!conn.ok()) {
    MutexLock lock(mu_);
    --open_;
    cv_.notify_one();
  }
  return conn;
}

void ConnectionPool::Close() {
  std::vector<std::unique_ptr<pg::Connection>> idle;
  {
    MutexLock lock(mu_);
    closed_ = true;
    idle.swap(idle_);
    open_ -= idle.size();
  }
  cv_.notify_all();
}

size_t ConnectionPool::open_count() {
  MutexLock lock(mu_);
  return open_;
}

Status WriteTurn::Acquire() {
  MutexLock lock(mu_);
  lock.Wait(cv_, [this]() REQUIRES(mu_) { return !held_ || closed_; });
  if (closed_) return Status::Unavailable("", "postgres: the store is closed");
  held_ = true;
  return Status::Ok();
}

void WriteTurn::Release() {
  {
    MutexLock lock(mu_);
    held_ = false;
  }
  cv_.notify_all();
}

void WriteTurn::Close() {
  MutexLock lock(mu_);
  lock.Wait(cv_, [this]() REQUIRES(mu_) { return !held_; });
  closed_ = true;
  cv_.notify_all();
}

}  // namespace coffer::storage::postgres
