// AuditLog: the audit trail file, JSON lines appended with group commit.
//
// Callers Append a line (record.h's AppendEventJson) with a `done`
// callback. One writer thread takes every line queued since its last write,
// writes them with writev(2) at the end of the file (O_APPEND), fdatasync()s
// once, and then calls each line's `done`: with OK once the line is durable,
// or with the error if the write or the sync failed. A request is answered
// only from its `done`, so no acknowledged request is missing from the trail
// after kill -9 or a power cut; while one batch syncs, the next one queues.
//
// Fail closed: `done` with an error means the caller must answer an error,
// not the result. After a failed write or sync every later line fails too
// (the file's state is unknown) until Reopen() succeeds.
//
// A failed write may have put part of the batch in the file. The writer then
// truncates the file back to its size before the batch (when it has grown
// and not shrunk meanwhile), so the failed lines are not left behind; a
// failed sync leaves the lines in place (they were answered as errors: the
// trail may hold a record of a request that failed, never lack one that
// succeeded). Should a torn line remain (the truncate failed too), Open and
// Reopen end it with '\n' before appending, so it spoils no later record; a
// reader skips a line that does not parse.
//
// The file: created 0600 (O_CREAT|O_APPEND|O_CLOEXEC|O_NOFOLLOW, so a
// symlink planted at the path is refused), must be a regular file, and its
// directory is fsynced at Open so a new file's entry is durable too. Size
// rotation is not done here; for logrotate, rename the file and call Reopen()
// (e.g. on SIGHUP). One process writes a file (the data directory's lock).
//
// Thread-safety: Append and AppendSync from any thread; `done` runs on the
// writer thread and should only hand the answer on (http::Completion), not
// block. Open, Reopen, Stop and stats() from any thread. The destructor
// calls Stop().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "coffer/status.h"
#include "common/thread_annotations.h"

namespace coffer::audit {

class AuditLog {
 public:
  using Done = std::function<void(const Status&)>;

  struct Stats {
    uint64_t records = 0;   // lines made durable
    uint64_t batches = 0;   // writes (each one writev loop and one fdatasync)
    uint64_t bytes = 0;     // bytes made durable
    uint64_t fsyncs = 0;    // fdatasync calls that returned success
    uint64_t failures = 0;  // lines answered with an error
  };

  AuditLog() = default;
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Opens (creating) `path` and starts the writer. Once per AuditLog.
  // Errors: kFailedPrecondition if already open, kInternal naming the path
  // and errno (a symlink, not a regular file, no permission, ...).
  Status Open(const std::string& path) EXCLUDES(mu_, file_mu_);

  // Queues `line` (a '\n' is added if it does not end with one); `done` is
  // called once, on the writer thread, after the line is durable (OK) or
  // could not be made so. Before Open or after Stop, `done` is called at once
  // on the calling thread with kUnavailable.
  void Append(std::string line, Done done) EXCLUDES(mu_);

  // Append and wait for the outcome (for callers that cannot go async).
  Status AppendSync(std::string line) EXCLUDES(mu_);
  // Writes `line` at once from the calling thread (one write(2) to the
  // O_APPEND file: whole lines of concurrent callers never interleave) and
  // returns without waiting for a sync: once it returns OK the record is in
  // the kernel and survives kill -9 of this process; the writer thread
  // fdatasyncs it within sync_interval (or with the next Append batch), after
  // which it survives power loss too. For the records of requests that change
  // nothing (reads), whose answer should not wait for a disk flush; the
  // records of changes go through Append, synced before their answer. Fails
  // closed as Append does (a write error fails this line and every later
  // one until Reopen). Thread-safe; never waits for a sync in progress.
  Status AppendNow(std::string_view line) EXCLUDES(mu_, file_mu_);
  // AppendNow of `count` whole lines at once, each ending with '\n' (the
  // records of one event-loop turn): one write(2) for all of them, so none
  // interleaves with another writer's. They all succeed or all fail.
  Status AppendNow(std::string_view lines, size_t count) EXCLUDES(mu_, file_mu_);
  // How long a line written by AppendNow may wait for its fdatasync.
  static constexpr std::chrono::milliseconds kSyncInterval{100};

  // Opens the path again (after logrotate renamed it) and clears a failure;
  // the next batch goes to the new file. Lines already written were synced to
  // the old one. Errors as Open; on error the old file stays in use.
  Status Reopen() EXCLUDES(file_mu_);

  // Writes and syncs everything queued, calls every `done`, then stops the
  // writer and closes the file. Later Appends fail. Idempotent.
  void Stop() EXCLUDES(mu_, file_mu_);

  Stats stats() const;

 private:
  struct Entry {
    std::string line;
    Done done;
  };

  void Run() EXCLUDES(mu_);
  // Writes and syncs `batch`; the outcome for every entry.
  Status WriteBatch(const std::vector<Entry>& batch) EXCLUDES(file_mu_);

  Mutex mu_;  // the queue and the writer's lifecycle
  std::condition_variable queued_;
  std::vector<Entry> queue_ GUARDED_BY(mu_);
  bool running_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread writer_ GUARDED_BY(mu_);

  // The file. Exclusive to open, reopen, close, write a batch and record a
  // failure; shared by AppendNow's writes and the fdatasyncs, so that a sync
  // in progress holds up no reader's record.
  SharedMutex file_mu_ ACQUIRED_AFTER(mu_);
  std::string path_ GUARDED_BY(file_mu_);
  int fd_ GUARDED_BY(file_mu_) = -1;
  Status failure_ GUARDED_BY(file_mu_);  // not OK: every batch fails until Reopen

  // AppendNow's write of `count` lines (a '\n' is added after `line` when it
  // does not end with one).
  Status WriteNow(std::string_view line, size_t count) EXCLUDES(file_mu_);

  // Set by AppendNow, cleared by the sync that covers its line.
  std::atomic<bool> dirty_{false};
  // Syncs the file if AppendNow wrote since the last sync (writer thread).
  void SyncIfDirty() EXCLUDES(file_mu_);
  // Records the first failure (every later line fails until Reopen).
  Status Fail(Status why) EXCLUDES(file_mu_);

  std::atomic<uint64_t> records_{0}, batches_{0}, bytes_{0}, fsyncs_{0}, failures_{0};
};

}  // namespace coffer::audit
