#include "storage/postgres/notice_channel.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/postgres/pool.h"

namespace coffer::storage::postgres {

bool PgNoticeChannel::ValidChannel(const std::string& channel) {
  if (channel.empty() || channel.size() > 63) return false;
  for (size_t i = 0; i < channel.size(); ++i) {
    const char c = channel[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

Result<std::unique_ptr<PgNoticeChannel>> PgNoticeChannel::Start(std::string url,
                                                                NoticeChannelOptions options,
                                                                int connect_timeout_s) {
  if (!ValidChannel(options.channel))
    return Status::InvalidArgument("", "postgres: invalid notice channel name");
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return Status::Internal("postgres: cannot create an eventfd");
  return std::make_unique<PgNoticeChannel>(std::move(url), std::move(options), connect_timeout_s,
                                           fd);
}

PgNoticeChannel::PgNoticeChannel(std::string url, NoticeChannelOptions options,
                                 int connect_timeout_s, int wake_fd)
    : url_(std::move(url)),
      options_(std::move(options)),
      connect_timeout_s_(connect_timeout_s),
      wake_fd_(wake_fd),
      thread_([this] { Run(); }) {}

PgNoticeChannel::~PgNoticeChannel() {
  Stop();
  ::close(wake_fd_);
}

void PgNoticeChannel::Send(std::string payload) {
  if (payload.size() > kMaxPayload) return;
  {
    MutexLock lock(mu_);
    if (stop_) return;
    queued_.push_back(std::move(payload));
    if (queued_.size() > kMaxQueued) queued_.pop_front();
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void PgNoticeChannel::Stop() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

bool PgNoticeChannel::Stopping() {
  MutexLock lock(mu_);
  return stop_;
}

void PgNoticeChannel::Sleep(std::chrono::milliseconds timeout) {
  // Sends do not cut the wait short (they would make a reconnect loop spin
  // while the server is down); Stop does.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!Stopping()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{wake_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0) {
      uint64_t n = 0;
      (void)!::read(wake_fd_, &n, sizeof n);
    }
  }
}

Result<std::unique_ptr<pg::Connection>> PgNoticeChannel::Connect() {
  COFFER_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> conn,
                          OpenSession(url_, "coffer-notices", connect_timeout_s_));
  const std::string listen = "LISTEN " + options_.channel;  // a ValidChannel
  COFFER_RETURN_IF_ERROR(conn->Exec(listen.c_str(), "LISTEN"));
  return conn;
}

bool PgNoticeChannel::Flush(pg::Connection& conn) {
  std::deque<std::string> batch;
  {
    MutexLock lock(mu_);
    batch.swap(queued_);
  }
  if (batch.empty()) return true;
  std::vector<std::string_view> views(batch.begin(), batch.end());
  pg::Params params;
  params.Text(options_.channel).TextArray(views);
  auto sent = conn.Run("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", params, "NOTIFY");
  if (sent.ok()) return true;
  // Refused on a live session (not for want of a session): resending would
  // fail the same way, so the batch is dropped.
  if (!conn.broken()) return true;
  MutexLock lock(mu_);  // kept for the next session, before newer ones
  while (!batch.empty() && queued_.size() < kMaxQueued) {
    queued_.push_front(std::move(batch.back()));
    batch.pop_back();
  }
  return false;
}

bool PgNoticeChannel::Drain(pg::Connection& conn) {
  if (PQconsumeInput(conn.get()) == 0) return false;
  while (PGnotify* n = PQnotifies(conn.get())) {
    if (options_.on_notice) options_.on_notice(std::string_view(n->extra));
    PQfreemem(n);
  }
  return !conn.broken();
}

void PgNoticeChannel::Run() {
  std::unique_ptr<pg::Connection> conn;
  bool listened = false;  // a session has listened before
  bool failed = false;    // a connect failed before the first listen
  while (!Stopping()) {
    if (!conn) {
      auto opened = Connect();
      if (!opened.ok()) {
        failed = true;
        Sleep(options_.reconnect_interval);
        continue;
      }
      conn = std::move(opened).value();
      if ((listened || failed) && options_.on_reconnect) options_.on_reconnect();
      listened = true;
    }
    if (!Flush(*conn) || !Drain(*conn)) {
      conn.reset();
      continue;
    }
    pollfd fds[2] = {{PQsocket(conn->get()), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(kPingInterval.count()));
    if (ready < 0 && errno != EINTR) {
      conn.reset();
      continue;
    }
    if (fds[1].revents & POLLIN) {
      uint64_t n = 0;
      (void)!::read(wake_fd_, &n, sizeof n);
    }
    if (ready == 0 && !conn->Run("SELECT 1", "notice channel check").ok()) conn.reset();
  }
}

}  // namespace coffer::storage::postgres
