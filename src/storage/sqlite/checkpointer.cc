#include "storage/sqlite/checkpointer.h"

#include <utility>

namespace coffer::storage::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                          const SqliteOptions& options,
                                                          Connection& writer) {
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn,
                          Connection::Open(path, options, /*create=*/false, /*reader=*/false));
  const int frames = options.checkpoint_frames < 1 ? 1 : options.checkpoint_frames;
  std::unique_ptr<Checkpointer> c(new Checkpointer(writer, std::move(conn), frames));
  // Replaces the hook sqlite3_wal_autocheckpoint installed.
  sqlite3_wal_hook(writer.db(), &Checkpointer::OnCommit, c.get());
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

Checkpointer::Checkpointer(Connection& writer, std::unique_ptr<Connection> conn, int frames)
    : writer_(writer), conn_(std::move(conn)), frames_(frames) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Stop() {
  {
    MutexLock l(mu_);
    if (stop_) return;
    stop_ = true;
  }
  sqlite3_wal_hook(writer_.db(), nullptr, nullptr);
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

uint64_t Checkpointer::TEST_Checkpoints() const {
  MutexLock l(mu_);
  return checkpoints_;
}

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* c = static_cast<Checkpointer*>(self);
  if (frames < c->woken_at_) c->woken_at_ = 0;  // the WAL restarted from its start
  if (frames >= c->frames_ * kInlineFactor) {
    // Busy (the thread holds the checkpoint lock) is fine: it is copying,
    // and the next COMMIT tries again.
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames - c->woken_at_ >= c->frames_) {
    // Once per checkpoint_frames new frames, not on every COMMIT past the
    // threshold: each checkpoint syncs the WAL and the database file, and
    // per-COMMIT checkpoints cost 8-12% more CPU per write pinned to one core.
    c->woken_at_ = frames;
    {
      MutexLock l(c->mu_);
      c->due_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;  // a checkpoint failure is not the COMMIT's
}

void Checkpointer::Run() {
  MutexLock l(mu_);
  while (true) {
    l.Wait(cv_, [this]() REQUIRES(mu_) { return due_ || stop_; });
    if (stop_) return;
    due_ = false;
    l.Unlock();
    // An error (I/O, or busy with the writer's own inline checkpoint) leaves
    // the frames for the next attempt; the WAL keeps them durable meanwhile.
    (void)sqlite3_wal_checkpoint_v2(conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    l.Lock();
    ++checkpoints_;
  }
}

}  // namespace coffer::storage::sqlite
