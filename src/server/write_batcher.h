// WriteBatcher: runs the requests that change state (Pipeline::MayBlock) on
// one writer thread, many at a time inside one storage::Batch, and releases
// their responses only after the batch's COMMIT returns.
//
// The writer takes every request queued (up to max_batch), runs each through
// the handler inside one Batch (each request's write Txn is a savepoint of
// the batch transaction, store.h), commits the batch once (one fsync), and
// then calls each request's `done`. While it commits, new requests queue up
// and form the next batch. So an acknowledgement still means "on disk"
// (synchronous=FULL), but no write waits for a hand-over of the writer
// connection or sleeps on a condition variable until its COMMIT.
// If the COMMIT fails, every response of the batch is replaced by
// `unacknowledged`'s answer (an InternalServiceError): nothing of the batch
// is durable, and what its requests read may not have been either.
//
// Why: the write pool (one thread per waiting write, group commit across
// threads) spent 26% of a 64-connection CreateSecret profile in context
// switches; docs/performance.md §6 has the before and after.
//
// Thread-safety: Submit may be called from any thread. The destructor runs
// what is queued, then joins the writer; Submit must not be called after it
// has begun.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "coffer/status.h"
#include "http/message.h"
#include "http/server.h"
#include "storage/store.h"

namespace coffer::server {

class WriteBatcher final : public http::Offload {
 public:
  using Handler = std::function<void(const http::Request&, http::Response&)>;
  // Rewrites `response` as the error answer for a request whose batch did not
  // become durable (`why`), or whose handler threw.
  using Unacknowledged =
      std::function<void(const http::Request&, http::Response&, const Status& why)>;

  static constexpr size_t kDefaultMaxBatch = 256;

  WriteBatcher(storage::Store& store, Handler handler, Unacknowledged unacknowledged,
               size_t max_batch = kDefaultMaxBatch);
  ~WriteBatcher() override;
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  void Submit(const http::Request& request, http::Response& response,
              std::function<void()> done) override;

 private:
  struct Job {
    const http::Request* request;
    http::Response* response;
    std::function<void()> done;
  };

  void Run();
  void RunBatch(std::vector<Job>& jobs);

  storage::Store& store_;
  const Handler handler_;
  const Unacknowledged unacknowledged_;
  const size_t max_batch_;

  std::mutex mu_;
  std::condition_variable queued_;
  std::vector<Job> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;   // GUARDED_BY(mu_)
  std::thread writer_;      // last: starts once the members above exist
};

}  // namespace coffer::server
