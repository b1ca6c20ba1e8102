// SqliteTxn: transaction control: BEGIN (or SAVEPOINT in a batch), the lazy
// start of a kReadCached Txn, COMMIT / ROLLBACK, and giving the connection
// back (the reader to the pool, the writer's turn to the group commit).
#include "storage/sqlite/sqlite_txn.h"

#include <utility>

#include "storage/sqlite/group_commit.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_batch.h"

namespace coffer::storage::sqlite {

SqliteTxn::SqliteTxn(const TxnContext& ctx, Connection& writer, bool must_begin)
    : mode_(TxnMode::kWrite), ctx_(&ctx), must_begin_(must_begin), conn_(&writer) {}

SqliteTxn::SqliteTxn(const TxnContext& ctx, std::unique_ptr<Connection> reader)
    : mode_(TxnMode::kRead), ctx_(&ctx), reader_(std::move(reader)), conn_(reader_.get()) {}

SqliteTxn::SqliteTxn(const TxnContext& ctx, uint64_t generation)
    : mode_(TxnMode::kReadCached), ctx_(&ctx), generation_(generation) {}

SqliteTxn::SqliteTxn(const TxnContext& ctx, Connection& writer, SqliteBatch* batch, bool write)
    : mode_(write ? TxnMode::kWrite : TxnMode::kRead), ctx_(&ctx), batch_(batch), conn_(&writer) {}

SqliteTxn::~SqliteTxn() {
  if (!finished_) (void)Finish(/*commit=*/false);
}

Status SqliteTxn::Start() {
  if (mode_ == TxnMode::kReadCached) return Status::Ok();  // at first use: Ready
  if (mode_ == TxnMode::kWrite || batch_ != nullptr) {
    if (must_begin_) COFFER_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE", "begin"));
    COFFER_RETURN_IF_ERROR(conn_->Exec("SAVEPOINT txn_req", "begin"));
    started_ = true;
    return Status::Ok();
  }
  COFFER_RETURN_IF_ERROR(conn_->Exec("BEGIN", "begin"));
  started_ = true;
  // Reading the schema cookie opens the WAL read transaction now.
  return conn_->Exec("PRAGMA schema_version", "begin");
}

Status SqliteTxn::StartReader() {
  COFFER_ASSIGN_OR_RETURN(reader_, ctx_->readers->Acquire());
  conn_ = reader_.get();
  COFFER_RETURN_IF_ERROR(conn_->Exec("BEGIN", "begin"));
  started_ = true;
  COFFER_RETURN_IF_ERROR(conn_->Exec("PRAGMA schema_version", "begin"));
  // Rows read in this snapshot may be cached at generation_ only if no write
  // was acknowledged since Begin (a commit whose generation step is still
  // pending is in the snapshot, and its step will retire these entries).
  cacheable_ = ctx_->group_commit->generation() == generation_;
  return Status::Ok();
}

Status SqliteTxn::Ready(bool write) {
  if (finished_) return Status::Internal("sqlite: transaction already finished");
  if (mode_ == TxnMode::kReadCached && conn_ == nullptr) COFFER_RETURN_IF_ERROR(StartReader());
  if (sqlite3_get_autocommit(conn_->db())) {
    return Status::Internal("sqlite: transaction was aborted by an earlier error");
  }
  if (write && mode_ != TxnMode::kWrite) {
    return Status::Internal("sqlite: write in a read transaction");
  }
  return Status::Ok();
}

bool SqliteTxn::EndSavepoint(bool commit, Status& s) {
  Connection& conn = *conn_;
  bool released = false;
  const bool open = started_ && !sqlite3_get_autocommit(conn.db());
  if (open && commit && mode_ == TxnMode::kWrite) {
    s = conn.Exec("RELEASE txn_req", "commit");
    released = s.ok();
  }
  if (open && !released) {
    (void)conn.Exec("ROLLBACK TO txn_req", "rollback");
    (void)conn.Exec("RELEASE txn_req", "rollback");
  }
  if (commit && !open) s = Status::Internal("sqlite: transaction was aborted by an earlier error");
  finished_ = true;
  conn_ = nullptr;
  return released;
}

// Ends the write Txn's savepoint: released into the batch (commit) or rolled
// back; then ends the turn, committing the batch when this Txn is its last.
Status SqliteTxn::FinishWrite(bool commit) {
  Connection& conn = *conn_;
  Status s;
  const bool joined = EndSavepoint(commit, s);
  const bool aborted = sqlite3_get_autocommit(conn.db()) != 0;
  Status batch = ctx_->group_commit->Release(
      joined, aborted, [&conn](bool do_commit) { return conn.CommitOrRollback(do_commit); });
  return joined ? batch : s;
}

Status SqliteTxn::Finish(bool commit) {
  if (batch_ != nullptr) {
    // In a SqliteBatch: the batch ends the turn and the batch transaction.
    Status s;
    (void)EndSavepoint(commit, s);
    batch_->TxnEnded();
    return s;
  }
  if (mode_ == TxnMode::kWrite) return FinishWrite(commit);
  Status s;
  if (started_ && !sqlite3_get_autocommit(conn_->db())) {
    if (commit) s = conn_->Exec("COMMIT", "commit");
    if (!commit || (!s.ok() && !sqlite3_get_autocommit(conn_->db()))) {
      (void)conn_->Exec("ROLLBACK", "rollback");
    }
  } else if (commit && started_) {
    s = Status::Internal("sqlite: transaction was aborted by an earlier error");
  }
  finished_ = true;
  if (reader_ != nullptr) ctx_->readers->Release(std::move(reader_));
  conn_ = nullptr;
  return s;
}

Status SqliteTxn::Commit() {
  if (finished_) return Status::Internal("sqlite: transaction already finished");
  return Finish(/*commit=*/true);
}

}  // namespace coffer::storage::sqlite
