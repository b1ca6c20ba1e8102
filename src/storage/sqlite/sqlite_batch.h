// SqliteBatch: the SQLite engine's storage::Batch (store.h).
//
// A batch takes the turn on the writer connection at its first Txn and keeps
// it until Commit, so its Txns run back to back as SAVEPOINTs of one batch
// transaction and nobody waits for a hand-over between them. Commit ends the
// turn through GroupCommit::Release like any write Txn, so other threads'
// write Txns (the purge loop, a GetSecretValue's LastAccessedDate) still
// queue for the connection and may share the same COMMIT.
//
// Why: with one thread per waiting write, each durable write crossed four
// threads and 26% of a CreateSecret profile was context switches
// (docs/performance.md §5); a batch runs the writes of many requests on one
// thread and acknowledges them after one COMMIT.
//
// Thread-safety: none; it belongs to the thread that opened it (it is that
// thread's current batch until Commit or destruction).
#pragma once

#include <memory>

#include "coffer/result.h"
#include "storage/sqlite/txn_context.h"
#include "storage/store.h"

namespace coffer::storage::sqlite {

class SqliteTxn;

class SqliteBatch final : public Batch {
 public:
  // Use SqliteStore::BeginBatch. `ctx`: the store's parts (txn_context.h).
  explicit SqliteBatch(const TxnContext& ctx);
  ~SqliteBatch() override;

  Status Commit() override;

  // The calling thread's open batch on the store whose context is `ctx`, or null.
  static SqliteBatch* Current(const TxnContext& ctx);

  // For SqliteStore::Begin: a Txn in this batch (`mode` kWrite, or a read
  // on the writer connection). Fails if one is open or the batch aborted.
  Result<std::unique_ptr<SqliteTxn>> BeginTxn(TxnMode mode);
  bool txn_open() const { return txn_open_; }

  // For SqliteTxn: the batch's open Txn ended.
  void TxnEnded();

 private:
  // Ends the turn: commits (or rolls back) the batch transaction when this
  // batch is its last member; returns the batch's outcome.
  Status EndTurn(bool rollback);

  const TxnContext& ctx_;
  SqliteBatch* const outer_;  // the thread's previous current batch (another store's)
  bool holds_turn_ = false;
  bool txn_open_ = false;
  bool finished_ = false;
};

}  // namespace coffer::storage::sqlite
