// PostgreSQL storage engine behind storage::Store (issue 24), chosen with
// `[store] url = "postgresql://…"`, --store-url or COFFER_STORE_URL.
//
// Writes are serialised: within a process by a WriteTurn, across processes
// and nodes by a transaction-level advisory lock taken at BEGIN; they run at
// READ COMMITTED under that lock and commit with synchronous_commit = on.
// Reads run at REPEATABLE READ READ ONLY, in parallel with each other and
// with the writer, each on the snapshot of its Begin. Sessions come from a
// fixed-size pool that reconnects after a lost session. The schema and its
// migrations are in schema.h; docs/postgres.md has the details and why.
//
// The URL holds the database password: it is never logged, and no error
// message repeats it.
//
// Thread-safety: the returned Store follows storage::Store's contract. The
// Store must outlive every Txn it began; a thread must not hold two write
// transactions at once, nor call Close() while it holds one.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "coffer/result.h"
#include "storage/coordination.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace coffer::storage {

// The engine's tunables. Thread-safety: a value.
struct PostgresOptions {
  // Sessions in the pool (read and write transactions each hold one).
  size_t pool_size = 16;
  // How long a Begin waits for a free session before kUnavailable.
  std::chrono::milliseconds acquire_timeout{30000};
  int connect_timeout_s = 10;
};

// True when `url` names the PostgreSQL engine (postgresql:// or postgres://).
bool IsPostgresUrl(const std::string& url);

// Connects to `url`, applies pending migrations (under the migration lock)
// and returns the Store.
// Errors: kInvalidArgument for a malformed URL; kUnavailable when the server
// cannot be reached or refuses the login; kFailedPrecondition when the
// database's schema is newer than ours.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const PostgresOptions& options);

namespace postgres {

// PostgresStore: the Store behind OpenPostgresStore. It owns the pool and the
// write turn and hands each PgTxn / PgBatch the context that points at them.
// It is also the Coordination of the nodes sharing the database: a leader
// election (leader_election.h) and notice channels (notice_channel.h), each
// on a session of its own.
//
// Thread-safety: as storage::Store; Coordination's methods from any thread.
class PostgresStore final : public Store, public Coordination {
 public:
  PostgresStore(std::string url, const PostgresOptions& options);
  ~PostgresStore() override;

  Result<std::unique_ptr<Txn>> Begin(TxnMode mode) override;
  Result<std::unique_ptr<Batch>> BeginBatch() override;
  void Close() override;

  Result<std::unique_ptr<LeaderElection>> StartLeaderElection(
      LeaderElectionOptions options) override;
  Result<std::unique_ptr<NoticeChannel>> OpenNoticeChannel(NoticeChannelOptions options) override;

  ConnectionPool& TEST_pool() { return pool_; }

 private:
  const std::string url_;
  const int connect_timeout_s_;
  ConnectionPool pool_;
  WriteTurn turn_;
  const PgTxnContext ctx_;
};

}  // namespace postgres
}  // namespace coffer::storage
