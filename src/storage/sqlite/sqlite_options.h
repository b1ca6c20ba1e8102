// SqliteOptions: how the SQLite engine opens its database (sqlite_store.h).
// Apart so that the engine's own parts (Connection, Checkpointer, ReaderPool)
// take the options without the store's class.
//
// Thread-safety: a plain value.
#pragma once

#include <cstddef>

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

}  // namespace coffer::storage
