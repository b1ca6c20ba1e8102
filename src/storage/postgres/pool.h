// ConnectionPool: a fixed number of PostgreSQL sessions shared by the
// engine's transactions, and WriteTurn, the in-process half of the write
// serialisation (the other half is a transaction-level advisory lock that
// serialises writers across nodes: docs/scale-out.md).
//
// A session is opened when a transaction needs one and none is idle, up to
// `size`; beyond that Acquire waits (at most `acquire_timeout`, then
// kUnavailable). Each new session is set up by OpenSession: synchronous_commit
// = on (a COMMIT returns once its WAL is flushed), TCP keepalives (10 s idle,
// 3 probes 5 s apart) and tcp_user_timeout 30 s, which the URL may override,
// and statement / lock / idle-in-transaction timeouts. A session given back
// broken (the server went away, pg_terminate_backend) or still inside a transaction is closed and
// its slot freed, so the next Acquire connects afresh: that is the reconnect. Reconnect() swaps a
// broken session for a new one in place (a transaction whose BEGIN found its idle session dead).
//
// Thread-safety: thread-safe. A session belongs to the thread that acquired
// it until Release.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "coffer/result.h"
#include "common/thread_annotations.h"
#include "pg/connection.h"

namespace coffer::storage::postgres {

// Opens one session to `url` set up as every session of the engine is:
// synchronous_commit = on, TCP keepalives and tcp_user_timeout (which the URL
// may override), statement_timeout 30 s, lock_timeout 15 s (the write lock
// included), idle_in_transaction_session_timeout 60 s.
Result<std::unique_ptr<pg::Connection>> OpenSession(const std::string& url,
                                                    const char* application_name,
                                                    int connect_timeout_s);

class ConnectionPool {
 public:
  // `url`: the postgresql:// URL (holds the password: never logged).
  ConnectionPool(std::string url, size_t size, std::chrono::milliseconds acquire_timeout,
                 int connect_timeout_s);
  ~ConnectionPool();

  Result<std::unique_ptr<pg::Connection>> Acquire();
  void Release(std::unique_ptr<pg::Connection> conn);
  // Closes `broken` and opens a new session in its slot.
  Result<std::unique_ptr<pg::Connection>> Reconnect(std::unique_ptr<pg::Connection> broken);
  // Closes the idle sessions; later Acquires fail. Sessions in use close on
  // Release. Idempotent.
  void Close();

  // Opens one session as the pool would (for the migration runner).
  Result<std::unique_ptr<pg::Connection>> Connect() const;

  // Sessions open now (idle and in use), for tests.
  size_t open_count();

 private:
  const std::string url_;
  const size_t size_;
  const std::chrono::milliseconds acquire_timeout_;
  const int connect_timeout_s_;
  Mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pg::Connection>> idle_ GUARDED_BY(mu_);
  size_t open_ GUARDED_BY(mu_) = 0;  // sessions open: idle, in use, or connecting
  bool closed_ GUARDED_BY(mu_) = false;
};

// The turn on writing within this process: one write Txn or Batch at a
// time, so that waiting writers do not each hold a session while they wait
// for the advisory lock. Release may be called from any thread.
//
// Thread-safety: thread-safe.
class WriteTurn {
 public:
  // Waits for the turn; kUnavailable once closed.
  Status Acquire();
  void Release();
  // Waits for the holder to finish, then refuses every later Acquire.
  void Close();

 private:
  Mutex mu_;
  std::condition_variable cv_;
  bool held_ GUARDED_BY(mu_) = false;
  bool closed_ GUARDED_BY(mu_) = false;
};

// What a PgTxn or PgBatch uses of its store (the pool to take sessions from
// and give them back to, the write turn), handed over at Begin so that the
// transaction code never sees the store.
//
// Thread-safety: a plain value fixed for the store's life; what it points to
// is thread-safe. The store outlives every Txn.
struct PgTxnContext {
  ConnectionPool* pool = nullptr;
  WriteTurn* turn = nullptr;
};

// The key of the transaction-level advisory lock every write transaction
// takes (pg_advisory_xact_lock), and of the session lock the migrations run
// under. Arbitrary constants ("Coffer" in ASCII, then 'W' / 'M').
inline constexpr int64_t kWriteLockKey = 0x436f6666657257;
inline constexpr int64_t kMigrationLockKey = 0x436f666665724d;

}  // namespace coffer::storage::postgres
