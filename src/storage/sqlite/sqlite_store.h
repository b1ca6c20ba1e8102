// SQLite storage engine: the embedded default behind storage::Store.
//
// One database file (plus its -wal and -shm files, all mode 0600) in WAL mode
// with synchronous=FULL, so a Commit() that returns OK survives kill -9 and
// power loss. Write transactions run on a single writer connection, one at a
// time (each a SAVEPOINT in a BEGIN IMMEDIATE batch that several share:
// group_commit.h); read transactions take a connection
// from a pool and run in parallel with each other and with the writer, each on
// the snapshot current when it began. The schema and its numbered migrations
// are described in docs/storage_format.md.
//
// Other modules use OpenSqliteStore and SqliteOptions only; the SqliteStore
// class below is for the engine's own files and tests.
//
// Thread-safety: the returned Store follows storage::Store's contract. The
// Store must outlive every Txn it began. A thread must not hold two write
// transactions at once (the second Begin(kWrite) would wait for the first),
// nor call Close() while it holds one (Close waits for the active writer).
// Read transactions still open at Close() keep working; their connections
// close when they end.
#pragma once

#include <memory>
#include <string>

#include "coffer/result.h"
#include "storage/read_cache.h"
#include "storage/sqlite/group_commit.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_options.h"
#include "storage/sqlite/txn_context.h"
#include "storage/store.h"

namespace coffer::storage {

// Opens (creating if allowed) the database at `path`, applies pending schema
// migrations in one transaction and returns the Store.
// Errors: kFailedPrecondition when the file was written by a newer Coffer
// (schema version above ours) or is missing with create_if_missing=false;
// kDataLoss when the file is not a database; kInternal for I/O failures.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options);

namespace sqlite {

class Checkpointer;
class Connection;

// SqliteStore: the Store behind OpenSqliteStore. It owns the engine's parts
// and hands each transaction the ones it uses (TxnContext, txn_context.h):
//   * one writer connection, used only by the write Txn whose turn it is
//     (group_commit_.Acquire until Release; so write transactions are
//     serialised, each a SAVEPOINT in a batch transaction that group_commit_
//     commits once for several Txns: group_commit.h; a SqliteBatch keeps the
//     turn for many Txns of one thread: sqlite_batch.h);
//   * one checkpointing connection and thread (checkpointer.h), woken by
//     the writer's COMMITs;
//   * the reader connections (readers_, reader_pool.h);
//   * the ReadCache of kReadCached Txns (storage/read_cache.h).
//
// Thread-safety: as storage::Store. The Store must outlive its Txns.
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

  // Test hook: the value of `PRAGMA <name>` on the writer (kWrite) or on a
  // pooled reader (kRead) connection, as text.
  Result<std::string> TEST_Pragma(TxnMode mode, const std::string& name);
  // Test hook: the background checkpointer (null once closed or if none).
  Checkpointer* TEST_checkpointer() { return checkpointer_.get(); }

 private:
  // Up to this many write Txns share one COMMIT.
  static constexpr size_t kMaxBatch = 256;
  GroupCommit group_commit_{kMaxBatch};
  std::unique_ptr<Connection> writer_;          // null once closed
  std::unique_ptr<Checkpointer> checkpointer_;  // stopped at Close
  ReaderPool readers_;
  ReadCache read_cache_;
  const TxnContext ctx_;  // points at the members above
};

}  // namespace sqlite
}  // namespace coffer::storage
