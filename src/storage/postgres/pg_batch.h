// PgBatch: the PostgreSQL engine's storage::Batch. It holds the store's
// WriteTurn and one pooled session for its whole life; at its first Txn it
// opens one transaction (READ COMMITTED, after pg_advisory_xact_lock, as a
// write PgTxn does) in which each Txn of the batch is a SAVEPOINT, released
// by the Txn's Commit or rolled back; Batch::Commit sends one COMMIT for all
// of them (group commit: one WAL flush for the batch).
//
// A read Txn begun on the batch's thread while no Txn of the batch is open
// reads the batch's changes (a savepoint on the batch's session, rolled
// back at its end); while one is open, it is an ordinary read Txn.
//
// Thread-safety: none; a PgBatch belongs to the thread that opened it.
#pragma once

#include <memory>

#include "pg/connection.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace coffer::storage::postgres {

class PgTxn;

class PgBatch final : public Batch {
 public:
  // REQUIRES: the caller holds ctx.turn for the batch (released at its end).
  PgBatch(const PgTxnContext& ctx, std::unique_ptr<pg::Connection> conn);
  ~PgBatch() override;

  // The batch open on the calling thread for the store of `ctx`, if any.
  static PgBatch* Current(const PgTxnContext& ctx);

  Status Commit() override;

  // A Txn of the batch; a write one fails while another Txn of it is open.
  Result<std::unique_ptr<Txn>> BeginTxn(TxnMode mode);
  bool txn_open() const { return txn_open_; }
  // Called by the batch's Txn when it ends.
  void TxnEnded() { txn_open_ = false; }

 private:
  Status Finish(bool commit);

  const PgTxnContext* const ctx_;
  std::unique_ptr<pg::Connection> conn_;
  bool begun_ = false;     // the transaction is open
  bool txn_open_ = false;  // a Txn of the batch is open
  bool finished_ = false;
};

}  // namespace coffer::storage::postgres
