#include "storage/postgres/postgres_store.h"

#include <utility>

#include "storage/postgres/leader_election.h"
#include "storage/postgres/notice_channel.h"
#include "storage/postgres/pg_batch.h"
#include "storage/postgres/pg_txn.h"
#include "storage/postgres/schema.h"

namespace coffer::storage {

bool IsPostgresUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const PostgresOptions& options) {
  auto store = std::make_unique<postgres::PostgresStore>(url, options);
  {
    // The migrations run on a session of their own, closed afterwards (it
    // held the session-level migration lock).
    COFFER_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> conn, store->TEST_pool().Connect());
    COFFER_ASSIGN_OR_RETURN(int applied, postgres::Migrate(*conn));
    (void)applied;
  }
  return std::unique_ptr<Store>(std::move(store));
}

namespace postgres {

PostgresStore::PostgresStore(std::string url, const PostgresOptions& options)
    : url_(url),
      connect_timeout_s_(options.connect_timeout_s),
      pool_(std::move(url), options.pool_size, options.acquire_timeout, options.connect_timeout_s),
      ctx_{&pool_, &turn_} {}

PostgresStore::~PostgresStore() { Close(); }

Result<std::unique_ptr<Txn>> PostgresStore::Begin(TxnMode mode) {
  if (PgBatch* batch = PgBatch::Current(ctx_)) {
    if (mode == TxnMode::kWrite || !batch->txn_open()) return batch->BeginTxn(mode);
  }
  if (mode == TxnMode::kWrite) {
    // The turn first, then a session: writers waiting for their turn hold none.
    COFFER_RETURN_IF_ERROR(turn_.Acquire());
    Result<std::unique_ptr<pg::Connection>> conn = pool_.Acquire();
    if (!conn.ok()) {
      turn_.Release();
      return conn.status();
    }
    auto txn = std::make_unique<PgTxn>(ctx_, mode, std::move(conn).value());
    COFFER_RETURN_IF_ERROR(txn->Start());  // on failure the Txn gives both back
    return std::unique_ptr<Txn>(std::move(txn));
  }
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> conn, pool_.Acquire());
  auto txn = std::make_unique<PgTxn>(ctx_, mode, std::move(conn));
  COFFER_RETURN_IF_ERROR(txn->Start());
  return std::unique_ptr<Txn>(std::move(txn));
}

Result<std::unique_ptr<Batch>> PostgresStore::BeginBatch() {
  if (PgBatch::Current(ctx_) != nullptr) {
    return Status::Internal("postgres: this thread already has an open batch");
  }
  COFFER_RETURN_IF_ERROR(turn_.Acquire());
  Result<std::unique_ptr<pg::Connection>> conn = pool_.Acquire();
  if (!conn.ok()) {
    turn_.Release();
    return conn.status();
  }
  return std::unique_ptr<Batch>(std::make_unique<PgBatch>(ctx_, std::move(conn).value()));
}

Result<std::unique_ptr<LeaderElection>> PostgresStore::StartLeaderElection(
    LeaderElectionOptions options) {
  return std::unique_ptr<LeaderElection>(
      std::make_unique<PgLeaderElection>(url_, std::move(options), connect_timeout_s_));
}

Result<std::unique_ptr<NoticeChannel>> PostgresStore::OpenNoticeChannel(
    NoticeChannelOptions options) {
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<PgNoticeChannel> channel,
                          PgNoticeChannel::Start(url_, std::move(options), connect_timeout_s_));
  return std::unique_ptr<NoticeChannel>(std::move(channel));
}

void PostgresStore::Close() {
  turn_.Close();  // waits for the active write Txn or batch
  pool_.Close();  // sessions still in use close when given back
}

}  // namespace postgres
}  // namespace coffer::storage
