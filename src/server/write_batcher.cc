#include "server/write_batcher.h"

#include <string>
#include <utility>

#include "common/log.h"

namespace coffer::server {

WriteBatcher::WriteBatcher(storage::Store& store, Handler handler, Unacknowledged unacknowledged,
                           size_t max_batch)
    : store_(store),
      handler_(std::move(handler)),
      unacknowledged_(std::move(unacknowledged)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      writer_([this] { Run(); }) {}

WriteBatcher::~WriteBatcher() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  queued_.notify_one();
  writer_.join();
}

void WriteBatcher::Submit(const http::Request& request, http::Response& response,
                          std::function<void()> done) {
  {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(Job{&request, &response, std::move(done)});
  }
  queued_.notify_one();
}

void WriteBatcher::Run() {
  std::vector<Job> jobs;
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu_);
      queued_.wait(l, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything has been answered
      if (queue_.size() <= max_batch_) {
        jobs.swap(queue_);
      } else {
        auto end = queue_.begin() + static_cast<std::ptrdiff_t>(max_batch_);
        jobs.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
        queue_.erase(queue_.begin(), end);
      }
    }
    RunBatch(jobs);
    jobs.clear();
  }
}

void WriteBatcher::RunBatch(std::vector<Job>& jobs) {
  // Without a batch (the store refused one: closed, say) each request's Txns
  // commit on their own and report their own errors.
  auto batch = store_.BeginBatch();
  for (Job& job : jobs) {
    try {
      handler_(*job.request, *job.response);
    } catch (...) {
      // The exception's text may quote request data: do not log it.
      LogError("write batcher: handler threw; answered 500");
      unacknowledged_(*job.request, *job.response, Status::Internal("the handler threw"));
    }
  }
  if (batch.ok()) {
    Status durable = (*batch)->Commit();
    if (!durable.ok()) {
      LogError("write batch not durable; its requests answered 500",
               {{"requests", std::to_string(jobs.size())}, {"error", durable.ToString()}});
      for (Job& job : jobs) unacknowledged_(*job.request, *job.response, durable);
    }
  }
  for (Job& job : jobs) job.done();
}

}  // namespace coffer::server
