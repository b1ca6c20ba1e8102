#include "server/write_batcher.h"

#include "server/audit_record.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/log.h"
#include "protocol/target.h"

namespace coffer::server {

WriteBatcher::WriteBatcher(storage::Store& store, size_t max_batch, ChangeFeed* feed)
    : store_(store),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      feed_(feed),
      writer_([this] { Run(); }) {}

WriteBatcher::~WriteBatcher() {
  {
    MutexLock l(mu_);
    stopping_ = true;
  }
  queued_.notify_one();
  writer_.join();
}

void WriteBatcher::Enqueue(Job job) {
  {
    MutexLock l(mu_);
    queue_.push_back(std::move(job));
  }
  queued_.notify_one();
}

bool WriteBatcher::Take(std::vector<Job>& jobs, bool wait) {
  MutexLock l(mu_);
  if (wait) l.Wait(queued_, [this]() REQUIRES(mu_) { return !queue_.empty() || stopping_; });
  const size_t room = max_batch_ - jobs.size();
  if (queue_.empty() || room == 0) return false;
  const size_t n = std::min(room, queue_.size());
  if (jobs.empty() && n == queue_.size()) {
    jobs.swap(queue_);
  } else {
    auto end = queue_.begin() + static_cast<std::ptrdiff_t>(n);
    jobs.insert(jobs.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
    queue_.erase(queue_.begin(), end);
  }
  return true;
}

void WriteBatcher::Run() {
  std::vector<Job> jobs;
  // Returns once stopping with nothing queued: everything has been answered.
  while (Take(jobs, /*wait=*/true)) {
    RunBatch(jobs);
    jobs.clear();
  }
}

void WriteBatcher::RunBatch(std::vector<Job>& jobs) {
  // Without a batch (the store refused one: closed, say) each request's Txns
  // commit on their own and report their own errors.
  auto batch = store_.BeginBatch();
  if (feed_ != nullptr) feed_->BeginBatch();  // its changes are published after the COMMIT
  // Requests that arrive while the batch runs join it: one COMMIT fewer for
  // them, and pages they share with the others are written to the WAL once.
  size_t ran = 0;
  do {
    for (; ran < jobs.size(); ++ran) {
      Job& job = jobs[ran];
      try {
        job.run();
      } catch (...) {
        // The exception's text may quote request data: do not log it.
        LogError("write batcher: a request threw; answered 500");
        job.fail(Status::Internal("the request's handler threw"));
      }
    }
  } while (Take(jobs, /*wait=*/false));
  bool durable_ok = true;
  if (batch.ok()) {
    Status durable = (*batch)->Commit();
    if (!durable.ok()) {
      durable_ok = false;
      LogError("write batch not durable; its requests answered 500",
               {{"requests", std::to_string(jobs.size())}, {"error", durable.ToString()}});
      for (Job& job : jobs) job.fail(durable);
    }
  }
  if (feed_ != nullptr) feed_->EndBatch(durable_ok);
  batches_.fetch_add(1, std::memory_order_relaxed);
  requests_.fetch_add(jobs.size(), std::memory_order_relaxed);
  std::vector<http::Completion> done;
  done.reserve(jobs.size());
  for (Job& job : jobs) done.push_back(std::move(job.done));
  http::Completion::PostAll(std::move(done));
}

void WriteOffload::Submit(const http::Request& request, http::Response& response,
                          http::Completion done) {
  const Steady::time_point start = Steady::now();
  std::optional<Pipeline::Call> call;
  try {
    call = pipeline_.Admit(request, response);
  } catch (...) {
    // As WriteBatcher::RunBatch: the exception's text may quote request data.
    LogError("write offload: a request threw; answered 500");
    pipeline_.Unacknowledged(request, response, Status::Internal("the request's handler threw"));
    return Finish(request, nullptr, response, std::move(done), start);
  }
  if (!call) return Finish(request, nullptr, response, std::move(done), start);
  // std::function needs a copyable callable; the Call (a JSON document) moves.
  auto shared = std::make_shared<Pipeline::Call>(std::move(*call));
  const Pipeline& pipeline = pipeline_;
  if (shared->operation == Pipeline::kWatchOperation) {
    // Parked in the change feed, not the writer: answered by the feed's
    // thread when a change comes or the wait ends, then recorded.
    auto finish = std::make_shared<http::Completion>(std::move(done));
    pipeline.Watch(shared, response, [this, &request, &response, shared, start, finish] {
      Finish(request, shared.get(), response, std::move(*finish), start);
    });
    return;
  }
  if (audit_ != nullptr || metrics_ != nullptr) {
    // After the COMMIT (on the writer thread), the record; then the answer.
    done = http::Completion(
        [this, &request, &response, shared, start, done = std::move(done)]() mutable {
          Finish(request, shared.get(), response, std::move(done), start);
        });
  }
  batcher_.Enqueue(WriteBatcher::Job{
      [&pipeline, shared, &response] { pipeline.Run(*shared, response); },
      [&pipeline, &request, &response](const Status& why) {
        // The batch's COMMIT (or its handler) failed; a store out of reach is a
        // retryable 503 (issue 24).
        pipeline.Unacknowledged(request, response, why, why.code() == StatusCode::kUnavailable);
      },
      std::move(done)});
}

void WriteOffload::Observe(const Pipeline::Call* call, const http::Response& response,
                           Steady::time_point start) const {
  if (metrics_ == nullptr && !LogEnabled(LogLevel::kDebug)) return;
  Observe(call ? protocol::SigningName(call->service) : std::string_view(),
          call ? call->operation : std::string_view(), response, start);
}

void WriteOffload::Observe(std::string_view service, std::string_view operation,
                           const http::Response& response, Steady::time_point start) const {
  const bool debug = LogEnabled(LogLevel::kDebug);
  if (metrics_ == nullptr && !debug) return;
  const auto elapsed = Steady::now() - start;
  if (metrics_ != nullptr) {
    // Throttling is a 400 whose small body names it (JSON __type, Query Code).
    const bool throttled =
        response.status == 400 && response.body.find("Throttling") != std::string::npos;
    metrics_->Record(service, operation, response.status, throttled, elapsed);
  }
  if (debug) {  // one line per request (issue 25): names, never a value
    std::string_view request_id;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-RequestId") request_id = value;
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    Log(LogLevel::kDebug, "request",
        {{"request_id", request_id},
         {"service", service},
         {"operation", operation},
         {"status", std::to_string(response.status)},
         {"micros", std::to_string(micros)}});
  }
}

namespace {

// The audit records of the reads one I/O thread answered this turn of its
// event loop, and their exchanges (which the connections leave alone until
// their responses are written, after EndOfTurn).
struct TurnRecords {
  const WriteOffload* owner = nullptr;
  std::string lines;
  std::vector<std::pair<const http::Request*, http::Response*>> exchanges;
};
thread_local TurnRecords turn_records;

constexpr size_t kRetainedTurnBytes = 1024 * 1024;

}  // namespace

void WriteOffload::Handle(const http::Request& request, http::Response& response) const {
  if (Pipeline::IsProbe(request)) return pipeline_.Handle(request, response);
  const Steady::time_point start =
      metrics_ != nullptr || LogEnabled(LogLevel::kDebug) ? Steady::now() : Steady::time_point();
  std::optional<Pipeline::Call> call = pipeline_.Admit(request, response);
  if (call) pipeline_.Run(*call, response);
  Observe(call ? &*call : nullptr, response, start);
  if (audit_ == nullptr) return;
  TurnRecords& turn = turn_records;
  if (turn.owner != this && !turn.exchanges.empty()) turn.owner->FlushTurn();  // its records first
  turn.owner = this;
  const size_t size = turn.lines.size();
  try {
    AppendAuditLine(request, call ? &*call : nullptr, response, clock_ ? clock_->NowMillis() : 0,
                    turn.lines);
    turn.exchanges.emplace_back(&request, &response);
  } catch (...) {
    turn.lines.resize(size);  // no partial record
    throw;
  }
}

void WriteOffload::EndOfTurn() { FlushTurn(); }

void WriteOffload::FlushTurn() const {
  TurnRecords& turn = turn_records;
  if (turn.owner != this || turn.exchanges.empty()) return;
  Status written;
  try {
    written = audit_->AppendNow(turn.lines, turn.exchanges.size());
  } catch (...) {
    written = Status::Internal("audit trail: the write threw");
  }
  if (!written.ok()) {
    LogError("audit trail: records could not be written; their requests are answered as failed",
             {{"records", std::to_string(turn.exchanges.size())}, {"error", written.ToString()}});
    for (const auto& [request, response] : turn.exchanges) {
      pipeline_.Unacknowledged(*request, *response, written);
    }
  }
  turn.exchanges.clear();
  turn.lines.clear();
  if (turn.lines.capacity() > kRetainedTurnBytes) std::string().swap(turn.lines);
}

void WriteOffload::Finish(const http::Request& request, const Pipeline::Call* call,
                          http::Response& response, http::Completion done,
                          Steady::time_point start) const {
  if (audit_ == nullptr) {
    Observe(call, response, start);
    return done();
  }
  std::string line;
  AppendAuditLine(request, call, response, clock_ ? clock_->NowMillis() : 0, line);
  const Pipeline& pipeline = pipeline_;
  // The Call may be gone when the record is durable: keep what Observe needs.
  const std::string_view service = call ? protocol::SigningName(call->service) : "";
  const std::string_view operation = call ? call->operation : "";
  audit_->Append(std::move(line), [this, &pipeline, &request, &response, service, operation, start,
                                   done = std::move(done)](const Status& written) mutable {
    if (!written.ok()) {
      LogError("audit trail: a record could not be written; the request is answered as failed",
               {{"error", written.ToString()}});
      pipeline.Unacknowledged(request, response, written);
    }
    Observe(service, operation, response, start);
    done();
  });
}

}  // namespace coffer::server
