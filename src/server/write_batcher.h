// WriteBatcher: runs the requests that change state (Pipeline::MayBlock) on
// one writer thread, many at a time inside one storage::Batch, and releases
// their responses only after the batch's COMMIT returns.
//
// The writer takes every Job queued, runs each inside one Batch (each
// request's write Txn is a savepoint of the batch transaction, store.h),
// then those queued meanwhile (up to max_batch in all), commits the batch
// once (one fsync), and then hands every Job's `done` to its I/O thread, one
// post per thread for the whole batch. While it commits, new requests queue
// up and form the next batch. So an acknowledgement still means "on disk"
// (synchronous=FULL), but no write waits for a hand-over of the writer
// connection or sleeps on a condition variable until its COMMIT.
// If the COMMIT fails, every Job of the batch is failed (its answer becomes
// an InternalServiceError): nothing of the batch is durable, and what its
// requests read may not have been either.
//
// Why: the write pool (one thread per waiting write, group commit across
// threads) spent 26% of a 64-connection CreateSecret profile in context
// switches; docs/performance.md §6 has the before and after.
//
// Thread-safety: Enqueue may be called from any thread. The destructor runs
// what is queued, then joins the writer; Enqueue must not be called after it
// has begun.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "coffer/status.h"
#include "common/clock.h"
#include "common/thread_annotations.h"
#include "http/message.h"
#include "http/server.h"
#include "server/change_feed.h"
#include "server/metrics.h"
#include "server/pipeline.h"
#include "storage/store.h"

namespace coffer::server {

class WriteBatcher {
 public:
  // One request's work. `run` executes it inside the batch; `fail` rewrites
  // its answer when the batch did not become durable (or `run` threw), with
  // the reason; `done` is called once the answer is final (a batch's all
  // together, through http::Completion::PostAll).
  struct Job {
    std::function<void()> run;
    std::function<void(const Status& why)> fail;
    http::Completion done;
  };

  static constexpr size_t kDefaultMaxBatch = 256;

  // `feed`, when given, publishes the secret changes a batch's requests
  // noted once the batch's COMMIT has returned (ChangeFeed::BeginBatch).
  explicit WriteBatcher(storage::Store& store, size_t max_batch = kDefaultMaxBatch,
                        ChangeFeed* feed = nullptr);
  ~WriteBatcher();
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  void Enqueue(Job job);

  // Batches committed and the requests they ran (for metrics: their ratio
  // is the group commit's batch size).
  struct Stats {
    uint64_t batches = 0;
    uint64_t requests = 0;
  };
  Stats stats() const {
    return {batches_.load(std::memory_order_relaxed), requests_.load(std::memory_order_relaxed)};
  }

 private:
  // Moves queued Jobs to the end of `jobs`, up to max_batch_ in all; with
  // `wait`, first waits for one (or for stopping). Returns whether any moved.
  bool Take(std::vector<Job>& jobs, bool wait) EXCLUDES(mu_);
  void Run();
  // Runs `jobs`, and those that arrive meanwhile, in one Batch; commits it;
  // fails them all if the COMMIT failed; calls every `done`.
  void RunBatch(std::vector<Job>& jobs);

  storage::Store& store_;
  const size_t max_batch_;
  ChangeFeed* const feed_;

  Mutex mu_;
  std::condition_variable queued_;
  std::vector<Job> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::atomic<uint64_t> batches_{0};   // written by the writer thread only
  std::atomic<uint64_t> requests_{0};
  std::thread writer_;  // last: starts once the members above exist
};

// WriteOffload: the http::Offload for state-changing requests, and the
// Handler of the others. Submit runs the Pipeline's steps 1-4 (SigV4,
// parsing, validation) on the calling I/O thread, so the writer thread does
// only the operation itself; requests that end there (errors) are answered
// at once, the others go to the WriteBatcher and are answered after their
// batch's COMMIT, or turned into an InternalServiceError if it failed
// (Pipeline::Unacknowledged). Handle answers the rest (reads, probes) on the
// I/O thread.
//
// With an audit log every request but the probes leaves a record before its
// answer. A change's record is appended after its COMMIT and synced
// (audit::AuditLog::Append, group commit) before the answer; a read's record
// is written by the I/O thread before its answer goes out (AuditLog::AppendNow:
// in the kernel, so it survives kill -9, and synced within
// AuditLog::kSyncInterval), so a read does not wait for a disk flush. Handle
// keeps the record in its thread's batch, and EndOfTurn, which the HTTP server
// runs after the turn's handlers and before their responses are written,
// writes the batch with one write(2) (one per read cost 7% of a
// GetSecretValue's CPU). When a record cannot be written the answer becomes an
// InternalServiceError (fail closed: a change that committed is then
// reported as failed, never acknowledged without its record).
//
// Thread-safety: Submit and Handle may be called from any thread; a read's
// answer is final only after EndOfTurn has run on the thread that handled
// it (the server does that; a caller of Handle without a server calls
// EndOfTurn itself).
class WriteOffload final : public http::Offload {
 public:
  // `metrics`, when given, counts every answered request but the probes
  // (issue 25).
  WriteOffload(const Pipeline& pipeline, WriteBatcher& batcher, audit::AuditLog* audit = nullptr,
               const Clock* clock = nullptr, Metrics* metrics = nullptr)
      : pipeline_(pipeline), batcher_(batcher), audit_(audit), clock_(clock), metrics_(metrics) {}
  // Writes the records still kept on the calling thread (a server calls
  // EndOfTurn itself before it stops).
  ~WriteOffload() override { FlushTurn(); }
  void Submit(const http::Request& request, http::Response& response,
              http::Completion done) override;
  // The http::Server's Handler: the requests Submit does not take.
  void Handle(const http::Request& request, http::Response& response) const;
  // Writes the audit records Handle kept on this thread, and turns the
  // answers of their requests into errors if that fails.
  void EndOfTurn() override;

 private:
  // EndOfTurn's work (also when another WriteOffload's Handle finds this
  // one's records pending on its thread).
  void FlushTurn() const;
  using Steady = std::chrono::steady_clock;
  // Answers: at once without an audit log, else once the record is durable.
  void Finish(const http::Request& request, const Pipeline::Call* call, http::Response& response,
              http::Completion done, Steady::time_point start) const;
  // Counts the answered request in metrics_ (if any), `start` its arrival.
  void Observe(const Pipeline::Call* call, const http::Response& response,
               Steady::time_point start) const;
  void Observe(std::string_view service, std::string_view operation,
               const http::Response& response, Steady::time_point start) const;

  const Pipeline& pipeline_;
  WriteBatcher& batcher_;
  audit::AuditLog* const audit_;
  const Clock* const clock_;
  Metrics* const metrics_;
};

}  // namespace coffer::server
