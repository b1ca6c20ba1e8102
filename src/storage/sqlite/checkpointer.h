// Checkpointer: copies the WAL back into the database file on a thread and a
// connection of its own, so that the writer connection's COMMIT never does.
//
// SQLite's default (wal_autocheckpoint=1000) runs a PASSIVE checkpoint inside
// the COMMIT that takes the WAL past 1000 frames: on the single writer thread,
// in the critical path of every write waiting for that batch. It was 12.7% of
// the writer's samples for PutSecretValue at 64 connections, plus the fsync of
// the database file (docs/performance.md §4).
//
// Instead the writer's WAL hook (called after each COMMIT with the WAL's size
// in frames) wakes the thread each time the WAL has grown by
// `checkpoint_frames`; the thread runs PASSIVE checkpoints, which never block
// the writer or readers.
// A PASSIVE checkpoint that races with new commits leaves the WAL partly
// copied, and SQLite restarts the WAL from its start only once every frame
// is copied; so when the WAL reaches kInlineFactor × checkpoint_frames the
// writer checkpoints in its own hook, as SQLite would, copying what the thread
// has not (little). That bounds the WAL (~32 MB by default).
//
// Durability is unchanged: a COMMIT is on disk once the WAL is synced
// (synchronous=FULL); the checkpoint only moves pages that are already durable,
// and syncs the WAL before and the database file after, as SQLite's own does.
//
// Thread-safety: the hook runs on the writer's thread (whoever holds the
// write turn); the rest is internally synchronised. Stop() (or the
// destructor) must run while no write transaction is active and before the
// writer connection closes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "coffer/result.h"
#include "common/thread_annotations.h"
#include "storage/sqlite/connection.h"
#include "storage/sqlite/sqlite_options.h"

namespace coffer::storage::sqlite {

class Checkpointer {
 public:
  // The writer checkpoints itself when the WAL reaches this many times
  // SqliteOptions::checkpoint_frames.
  static constexpr int kInlineFactor = 8;

  // Opens the checkpointing connection to `path`, replaces `writer`'s
  // auto-checkpoint with the hook and starts the thread.
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path,
                                                     const SqliteOptions& options,
                                                     Connection& writer);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Removes the hook (the writer falls back to no checkpointing until it
  // closes, which checkpoints) and joins the thread. Idempotent.
  void Stop();

  // Checkpoints the thread has run, for tests.
  uint64_t TEST_Checkpoints() const;

 private:
  Checkpointer(Connection& writer, std::unique_ptr<Connection> conn, int frames);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Run();

  Connection& writer_;
  const std::unique_ptr<Connection> conn_;
  const int frames_;  // wake the thread every this many new WAL frames
  int woken_at_ = 0;  // WAL size at the last wake; used by the writer's hook only

  mutable Mutex mu_;
  std::condition_variable cv_;
  bool due_ GUARDED_BY(mu_) = false;
  bool stop_ GUARDED_BY(mu_) = false;
  uint64_t checkpoints_ GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace coffer::storage::sqlite
