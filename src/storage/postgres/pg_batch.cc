#include "storage/postgres/pg_batch.h"

#include <string>
#include <utility>

#include "storage/postgres/pg_txn.h"

namespace coffer::storage::postgres {
namespace {

thread_local PgBatch* current_batch = nullptr;
thread_local const PgTxnContext* current_ctx = nullptr;

}  // namespace

PgBatch::PgBatch(const PgTxnContext& ctx, std::unique_ptr<pg::Connection> conn)
    : ctx_(&ctx), conn_(std::move(conn)) {
  current_batch = this;
  current_ctx = &ctx;
}

PgBatch::~PgBatch() {
  if (!finished_) (void)Finish(/*commit=*/false);
}

PgBatch* PgBatch::Current(const PgTxnContext& ctx) {
  return current_ctx == &ctx ? current_batch : nullptr;
}

Result<std::unique_ptr<Txn>> PgBatch::BeginTxn(TxnMode mode) {
  if (finished_) return Status::Internal("postgres: the batch is finished");
  if (txn_open_) return Status::Internal("postgres: a transaction of this batch is still open");
  // A reconnect that failed at an earlier Txn of this batch left no session.
  if (!conn_) return Status::Unavailable("", "postgres begin: no database session");
  if (!begun_) {
    const std::string begin =
        "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
        std::to_string(kWriteLockKey) + ")";
    Status s = conn_->Exec(begin.c_str(), "begin");
    if (!s.ok() && conn_->broken()) {
      COFFER_ASSIGN_OR_RETURN(conn_, ctx_->pool->Reconnect(std::move(conn_)));
      s = conn_->Exec(begin.c_str(), "begin");
    }
    COFFER_RETURN_IF_ERROR(s);
    begun_ = true;
  }
  auto txn = std::make_unique<PgTxn>(*ctx_, mode, *conn_, this);
  COFFER_RETURN_IF_ERROR(txn->Start());
  txn_open_ = true;
  return std::unique_ptr<Txn>(std::move(txn));
}

Status PgBatch::Finish(bool commit) {
  finished_ = true;
  if (current_batch == this) {
    current_batch = nullptr;
    current_ctx = nullptr;
  }
  Status s;
  if (conn_ && begun_ && !conn_->broken()) {
    if (commit && conn_->txn_status() == PQTRANS_INERROR) {
      // Rolled back, nothing applied: retryable (the earlier error, a lost
      // or terminated session most often, was answered at its own request).
      s = Status::Unavailable("", "postgres: the batch was aborted by an earlier error");
      commit = false;
    }
    if (commit) {
      s = conn_->Exec("COMMIT", "commit");
      if (!s.ok() && conn_->broken()) {
        s = Status::Unavailable("", "postgres commit: the session was lost, outcome unknown");
      }
    } else {
      (void)conn_->Exec("ROLLBACK", "rollback");
    }
  } else if (commit && begun_) {
    s = Status::Unavailable("", "postgres commit: the session was lost");
  }
  ctx_->pool->Release(std::move(conn_));
  ctx_->turn->Release();
  return s;
}

Status PgBatch::Commit() {
  if (finished_) return Status::Internal("postgres: the batch is finished");
  if (txn_open_) return Status::Internal("postgres: a transaction of this batch is still open");
  return Finish(/*commit=*/true);
}

}  // namespace coffer::storage::postgres
