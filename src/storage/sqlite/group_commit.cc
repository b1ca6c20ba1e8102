#include "storage/sqlite/group_commit.h"

#include <chrono>
#include <thread>
#include <utility>

namespace coffer::storage::sqlite {

Result<bool> GroupCommit::Acquire() {
  MutexLock l(mu_);
  ++waiting_;
  l.Wait(turn_cv_, [this]() REQUIRES(mu_) { return !busy_ || closed_; });
  --waiting_;
  if (closed_) return Status::FailedPrecondition("", "the store is closed");
  busy_ = true;
  const bool must_begin = !open_;
  open_ = true;
  return must_begin;
}

Status GroupCommit::Release(bool joined, bool aborted,
                            const std::function<Status(bool commit)>& end_batch) {
  MutexLock l(mu_);
  std::shared_ptr<Batch> mine = batch_;
  if (joined && !aborted) ++joined_;
  const bool lead = aborted || waiting_ == 0 || joined_ >= max_batch_ || closed_;
  if (!lead) {
    // Hand the connection to the next writer; the batch's last writer commits.
    busy_ = false;
    turn_cv_.notify_one();
    if (!joined) return Status::Ok();
    l.Wait(done_cv_, [&mine] { return mine->done; });
    return mine->status;
  }
  const size_t members = joined_;
  l.Unlock();
  Status s = end_batch(/*commit=*/members > 0 && !aborted);
  if (aborted) s = Status::Internal("sqlite: the batch transaction was aborted");
  if (members > 0 || aborted) generation_.fetch_add(1, std::memory_order_acq_rel);
  l.Lock();
  mine->status = s;
  mine->done = true;
  batch_ = std::make_shared<Batch>();
  joined_ = 0;
  open_ = false;
  busy_ = false;
  done_cv_.notify_all();
  turn_cv_.notify_one();
  return joined ? s : Status::Ok();
}

void GroupCommit::Close() {
  // Polls rather than waits on turn_cv_: a notify_one meant for a writer
  // must never be consumed by Close. Close is rare and this is brief.
  for (;;) {
    {
      MutexLock l(mu_);
      if (!busy_ && !open_) {
        closed_ = true;
        turn_cv_.notify_all();
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace coffer::storage::sqlite
