#include "storage/sqlite/group_commit.h"

#include <utility>

namespace coffer::storage::sqlite {

Result<bool> GroupCommit::Acquire() {
  std::unique_lock<std::mutex> l(mu_);
  ++waiting_;
  cv_.wait(l, [this] { return !busy_ || closed_; });
  --waiting_;
  if (closed_) return Status::FailedPrecondition("", "the store is closed");
  busy_ = true;
  const bool must_begin = !open_;
  open_ = true;
  return must_begin;
}

Status GroupCommit::Release(bool joined, bool aborted,
                            const std::function<Status(bool commit)>& end_batch) {
  std::unique_lock<std::mutex> l(mu_);
  std::shared_ptr<Batch> mine = batch_;
  if (joined && !aborted) ++joined_;
  const bool lead = aborted || waiting_ == 0 || joined_ >= max_batch_ || closed_;
  if (!lead) {
    // Hand the connection to the next writer; the batch's last writer commits.
    busy_ = false;
    cv_.notify_all();
    if (!joined) return Status::Ok();
    cv_.wait(l, [&mine] { return mine->done; });
    return mine->status;
  }
  const size_t members = joined_;
  l.unlock();
  Status s = end_batch(/*commit=*/members > 0 && !aborted);
  if (aborted) s = Status::Internal("sqlite: the batch transaction was aborted");
  l.lock();
  mine->status = s;
  mine->done = true;
  batch_ = std::make_shared<Batch>();
  joined_ = 0;
  open_ = false;
  busy_ = false;
  cv_.notify_all();
  return joined ? s : Status::Ok();
}

void GroupCommit::Close() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [this] { return !busy_ && !open_; });
  closed_ = true;
  cv_.notify_all();
}

}  // namespace coffer::storage::sqlite
