// SQLite storage engine: the embedded default behind storage::Store.
//
// One database file (plus its -wal and -shm files, all mode 0600) in WAL mode
// with synchronous=FULL, so a Commit() that returns OK survives kill -9 and
// power loss. Write transactions run on a single writer connection, one at a
// time (BEGIN IMMEDIATE under a mutex); read transactions take a connection
// from a pool and run in parallel with each other and with the writer, each on
// the snapshot current when it began. The schema and its numbered migrations
// are described in docs/storage_format.md.
//
// Thread-safety: the returned Store follows storage::Store's contract. The
// Store must outlive every Txn it began. A thread must not hold two write
// transactions at once (the second Begin(kWrite) would wait for the first),
// nor call Close() while it holds one (Close waits for the active writer).
// Read transactions still open at Close() keep working; their connections
// close when they end.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "coffer/result.h"
#include "storage/store.h"

namespace coffer::storage {

struct SqliteOptions {
  // How long a statement waits for a lock held by another process before it
  // fails with kInternal.
  int busy_timeout_ms = 5000;
  // Reader connections kept open while idle; more are opened on demand and
  // closed when returned beyond this number.
  size_t max_idle_readers = 8;
  // When false, a missing database file is an error rather than created.
  bool create_if_missing = true;
  // WAL size, in frames (pages), at which a background thread checkpoints it
  // into the database file; the writer does so itself at 8 times this
  // (checkpointer.h). SQLite's own default threshold is 1000.
  int checkpoint_frames = 1000;
};

// Opens (creating if allowed) the database at `path`, applies pending schema
// migrations in one transaction and returns the Store.
// Errors: kFailedPrecondition when the file was written by a newer Coffer
// (schema version above ours) or is missing with create_if_missing=false;
// kDataLoss when the file is not a database; kInternal for I/O failures.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options);

}  // namespace coffer::storage
