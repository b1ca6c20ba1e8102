// PgTxn: transaction control: BEGIN (or SAVEPOINT in a batch), COMMIT /
// ROLLBACK, and giving the session back to the pool and the write turn back
// to the store.
#include "storage/postgres/pg_txn.h"

#include <string>
#include <utility>

#include "storage/postgres/pg_batch.h"

namespace coffer::storage::postgres {
namespace {

const std::string& BeginWriteSql() {
  static const std::string kSql =
      "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
      std::to_string(kWriteLockKey) + ")";
  return kSql;
}

// SELECT 1 takes the snapshot now, so the Txn reads the state as of Begin.
constexpr const char* kBeginReadSql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1";

}  // namespace

PgTxn::PgTxn(const PgTxnContext& ctx, TxnMode mode, std::unique_ptr<pg::Connection> conn)
    : mode_(mode), ctx_(&ctx), owned_(std::move(conn)), conn_(owned_.get()) {}

PgTxn::PgTxn(const PgTxnContext& ctx, TxnMode mode, pg::Connection& conn, PgBatch* batch)
    : mode_(mode), ctx_(&ctx), conn_(&conn), batch_(batch) {}

PgTxn::~PgTxn() {
  if (!finished_) (void)Finish(/*commit=*/false);
}

Status PgTxn::Start() {
  if (batch_ != nullptr) {
    COFFER_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT txn_req", "begin"));
    started_ = true;
    return Status::Ok();
  }
  const char* sql = mode_ == TxnMode::kWrite ? BeginWriteSql().c_str() : kBeginReadSql;
  Status s = conn_->Exec(sql, "begin");
  if (!s.ok() && conn_->broken()) {
    // An idle session that died (server restarted, backend terminated):
    // nothing was sent that could have applied, so one new session is safe.
    Result<std::unique_ptr<pg::Connection>> fresh = ctx_->pool->Reconnect(std::move(owned_));
    conn_ = nullptr;
    if (!fresh.ok()) return fresh.status();
    owned_ = std::move(fresh).value();
    conn_ = owned_.get();
    s = conn_->Exec(sql, "begin");
  }
  if (s.ok()) started_ = true;
  return s;
}

Status PgTxn::Ready(bool write) {
  if (finished_) return Status::Internal("postgres: transaction already finished");
  if (write && mode_ != TxnMode::kWrite) {
    return Status::Internal("postgres: write in a read transaction");
  }
  if (conn_ == nullptr || conn_->broken()) {
    return Status::Unavailable("", "postgres: the database session was lost");
  }
  if (conn_->txn_status() == PQTRANS_INERROR) {
    return Status::Internal("postgres: transaction was aborted by an earlier error");
  }
  return Status::Ok();
}

Status PgTxn::FinishStandalone(bool commit) {
  Status s;
  pg::Connection* conn = conn_;
  const bool usable = started_ && conn != nullptr && !conn->broken();
  if (commit && usable && conn->txn_status() == PQTRANS_INERROR) {
    s = Status::Internal("postgres: transaction was aborted by an earlier error");
    commit = false;
  }
  if (commit && usable) {
    s = conn->Exec("COMMIT", "commit");
    if (!s.ok() && conn->broken() && mode_ == TxnMode::kWrite) {
      // The COMMIT may or may not have reached the server: never retried.
      s = Status::Unavailable("", "postgres commit: the session was lost, outcome unknown");
    }
  } else if (usable && conn->txn_status() != PQTRANS_IDLE) {
    (void)conn->Exec("ROLLBACK", "rollback");
  }
  if (commit && !usable) s = Status::Unavailable("", "postgres: the database session was lost");
  if (owned_) ctx_->pool->Release(std::move(owned_));
  conn_ = nullptr;
  if (mode_ == TxnMode::kWrite) ctx_->turn->Release();
  return s;
}

Status PgTxn::Finish(bool commit) {
  finished_ = true;
  if (batch_ == nullptr) return FinishStandalone(commit);
  // In a batch: end the savepoint (released into the batch when a write
  // commits, else rolled back); the batch ends the transaction.
  Status s;
  const bool usable = started_ && !conn_->broken();
  bool released = false;
  if (commit && usable && mode_ == TxnMode::kWrite && conn_->txn_status() != PQTRANS_INERROR) {
    s = conn_->Exec("RELEASE SAVEPOINT txn_req", "commit");
    released = s.ok();
  } else if (commit && (!usable || conn_->txn_status() == PQTRANS_INERROR)) {
    s = Status::Internal("postgres: transaction was aborted by an earlier error");
  }
  if (usable && !released && !conn_->broken()) {
    (void)conn_->Exec("ROLLBACK TO SAVEPOINT txn_req; RELEASE SAVEPOINT txn_req", "rollback");
  }
  conn_ = nullptr;
  batch_->TxnEnded();
  return s;
}

Status PgTxn::Commit() {
  if (finished_) return Status::Internal("postgres: transaction already finished");
  return Finish(/*commit=*/true);
}

}  // namespace coffer::storage::postgres
