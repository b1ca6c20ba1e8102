// SqliteStore: the Store behind OpenSqliteStore (sqlite_store.h).
//
// Connections:
//   * one writer connection, owned by writer_ and used only by the write Txn
//     whose turn it is (group_commit_.Acquire until Release; so write
//     transactions are serialised, each a SAVEPOINT in a batch transaction
//     that group_commit_ commits once for several Txns: group_commit.h; a
//     SqliteBatch keeps the turn for many Txns of one thread: sqlite_batch.h);
//   * one checkpointing connection and thread (checkpointer.h), woken by
//     the writer's COMMITs;
//   * a pool of reader connections (query_only), each lent to one read Txn at
//     a time and returned to idle_readers_ when the Txn ends; so readers run in
//     parallel with each other and with the writer (WAL snapshots).
//
// Lock discipline (GUARDED_BY in comments; no annotation macros in common/):
//   writer_                  used by the holder of group_commit_'s turn
//   idle_readers_, closed_   GUARDED_BY(pool_mu_)
//
// Thread-safety: as storage::Store. The Store must outlive its Txns.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sqlite/checkpointer.h"
#include "storage/sqlite/connection.h"
#include "storage/read_cache.h"
#include "storage/sqlite/group_commit.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace coffer::storage::sqlite {

class SqliteStore final : public Store {
 public:
  // Use OpenSqliteStore. REQUIRES: `writer` has been migrated; `checkpointer`
  // (may be null) hooks `writer`.
  SqliteStore(std::string path, SqliteOptions options, std::unique_ptr<Connection> writer,
              std::unique_ptr<Checkpointer> checkpointer);
  ~SqliteStore() override;

  Result<std::unique_ptr<Txn>> Begin(TxnMode mode) override;
  Result<std::unique_ptr<Batch>> BeginBatch() override;
  void Close() override;

  // For SqliteTxn: returns a reader connection to the pool (or closes it).
  void ReleaseReader(std::unique_ptr<Connection> conn);
  // For SqliteTxn and SqliteBatch: the turn on the writer connection and the
  // batch it joins; the writer connection, for the holder of the turn.
  GroupCommit& group_commit() { return group_commit_; }
  Connection& writer() { return *writer_; }
  // For the holder of the turn that ends a batch: COMMIT (commit=true; rolls
  // back if COMMIT fails) or ROLLBACK the batch transaction.
  Status EndBatchTransaction(bool commit);
  // For SqliteTxn (kReadCached): cached rows, valid at group_commit().generation().
  ReadCache& read_cache() { return read_cache_; }
  // For SqliteTxn (kReadCached): a reader connection from the pool.
  Result<std::unique_ptr<Connection>> AcquireReader();

  // Test hook: the value of `PRAGMA <name>` on the writer (kWrite) or on a
  // pooled reader (kRead) connection, as text.
  Result<std::string> TEST_Pragma(TxnMode mode, const std::string& name);
  // Test hook: the background checkpointer (null once closed or if none).
  Checkpointer* TEST_checkpointer() { return checkpointer_.get(); }

 private:

  const std::string path_;
  const SqliteOptions options_;

  // Up to this many write Txns share one COMMIT.
  static constexpr size_t kMaxBatch = 256;
  GroupCommit group_commit_{kMaxBatch};
  std::unique_ptr<Connection> writer_;  // null once closed
  std::unique_ptr<Checkpointer> checkpointer_;  // stopped at Close
  ReadCache read_cache_;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // GUARDED_BY(pool_mu_)
  bool closed_ = false;                                    // GUARDED_BY(pool_mu_)
};

}  // namespace coffer::storage::sqlite
