#include "storage/sqlite/sqlite_batch.h"

#include <sqlite3.h>

#include <utility>

#include "storage/sqlite/connection.h"
#include "storage/sqlite/group_commit.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {
namespace {

thread_local SqliteBatch* current_batch = nullptr;

}  // namespace

SqliteBatch::SqliteBatch(const TxnContext& ctx) : ctx_(ctx), outer_(current_batch) {
  current_batch = this;
}

SqliteBatch::~SqliteBatch() {
  if (finished_) return;
  finished_ = true;
  current_batch = outer_;
  if (holds_turn_) (void)EndTurn(/*rollback=*/true);
}

SqliteBatch* SqliteBatch::Current(const TxnContext& ctx) {
  for (SqliteBatch* b = current_batch; b != nullptr; b = b->outer_) {
    if (&b->ctx_ == &ctx) return b;
  }
  return nullptr;
}

Result<std::unique_ptr<SqliteTxn>> SqliteBatch::BeginTxn(TxnMode mode) {
  if (finished_) return Status::Internal("sqlite: the batch has ended");
  if (txn_open_) return Status::Internal("sqlite: a transaction of this batch is still open");
  Connection& conn = *ctx_.writer;
  if (!holds_turn_) {
    COFFER_ASSIGN_OR_RETURN(bool must_begin, ctx_.group_commit->Acquire());
    holds_turn_ = true;
    if (must_begin) COFFER_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE", "begin"));
  }
  if (sqlite3_get_autocommit(conn.db())) {
    return Status::Internal("sqlite: the batch transaction was aborted");
  }
  txn_open_ = true;  // until the Txn ends (TxnEnded), even if Start fails
  auto txn = std::make_unique<SqliteTxn>(ctx_, conn, this, mode == TxnMode::kWrite);
  COFFER_RETURN_IF_ERROR(txn->Start());
  return txn;
}

void SqliteBatch::TxnEnded() { txn_open_ = false; }

Status SqliteBatch::Commit() {
  if (finished_) return Status::Internal("sqlite: the batch has ended");
  finished_ = true;
  current_batch = outer_;
  if (!holds_turn_) return Status::Ok();
  return EndTurn(/*rollback=*/false);
}

Status SqliteBatch::EndTurn(bool rollback) {
  Connection& conn = *ctx_.writer;
  if (rollback) (void)conn.RollbackIfOpen();
  const bool aborted = sqlite3_get_autocommit(conn.db()) != 0;
  holds_turn_ = false;
  // Joined even if every Txn rolled back: what they read may include other
  // threads' Txns of the same batch, so their outcome must be known.
  Status s = ctx_.group_commit->Release(
      /*joined=*/true, aborted, [&conn](bool commit) { return conn.CommitOrRollback(commit); });
  if (aborted) return Status::Internal("sqlite: the batch transaction was aborted");
  return s;
}

}  // namespace coffer::storage::sqlite
