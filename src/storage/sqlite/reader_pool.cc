#include "storage/sqlite/reader_pool.h"

#include <utility>

#include "storage/sqlite/connection.h"

namespace coffer::storage::sqlite {

ReaderPool::ReaderPool(std::string path, SqliteOptions options)
    : path_(std::move(path)), options_(options) {}

ReaderPool::~ReaderPool() = default;

Result<std::unique_ptr<Connection>> ReaderPool::Acquire() {
  {
    MutexLock l(mu_);
    if (closed_) return Status::FailedPrecondition("", "the store is closed");
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  return Connection::Open(path_, options_, /*create=*/false, /*reader=*/true);
}

void ReaderPool::Release(std::unique_ptr<Connection> conn) {
  {
    MutexLock l(mu_);
    if (!closed_ && idle_.size() < options_.max_idle_readers) {
      idle_.push_back(std::move(conn));
      return;
    }
  }
  // Pool full or closed: `conn` closes here, outside mu_.
}

std::vector<std::unique_ptr<Connection>> ReaderPool::Close() {
  std::vector<std::unique_ptr<Connection>> idle;
  MutexLock l(mu_);
  closed_ = true;
  idle.swap(idle_);
  return idle;
}

}  // namespace coffer::storage::sqlite
