// PgNoticeChannel: storage::NoticeChannel on PostgreSQL LISTEN/NOTIFY (issue
// 24). One dedicated session (not one of the pool's) per channel, on its own
// thread, both listens and sends:
//
//   * Send() queues a payload and wakes the thread, which sends everything
//     queued with one statement (SELECT pg_notify(channel, p) FROM
//     unnest($2::text[]) p, in its own transaction: NOTIFY is delivered when
//     it commits). A payload over kMaxPayload bytes is dropped (the server
//     refuses 8,000 and more); at most kMaxQueued wait, the oldest dropped.
//   * The thread waits on the session's socket (and an eventfd for sends)
//     and hands each notice to on_notice, this session's own included
//     (PostgreSQL delivers a session its own notices: callers skip them by
//     an id in the payload).
//   * A session lost (server restart, pg_terminate_backend, a cut noticed by
//     a SELECT 1 every kPingInterval of quiet, keepalives or tcp_user_timeout)
//     is replaced every reconnect_interval until one connects and LISTENs
//     again; then on_reconnect says that notices may have been missed.
//     Payloads queued meanwhile are sent after the reconnect.
//
// Thread-safety: thread-safe; callbacks run on the channel's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include "common/thread_annotations.h"
#include "pg/connection.h"
#include "storage/coordination.h"

namespace coffer::storage::postgres {

class PgNoticeChannel final : public NoticeChannel {
 public:
  static constexpr size_t kMaxPayload = 7900;
  static constexpr size_t kMaxQueued = 10000;
  static constexpr std::chrono::milliseconds kPingInterval{5000};

  // Whether `channel` is a name LISTEN takes unquoted ([a-z_][a-z0-9_]*, at
  // most 63 bytes).
  static bool ValidChannel(const std::string& channel);

  // Starts the thread. `url` holds the password: never logged. REQUIRES a
  // ValidChannel. kInternal when no eventfd can be made.
  static Result<std::unique_ptr<PgNoticeChannel>> Start(std::string url,
                                                        NoticeChannelOptions options,
                                                        int connect_timeout_s = 5);
  ~PgNoticeChannel() override;  // Stop()

  void Send(std::string payload) override;
  void Stop() override;

  PgNoticeChannel(std::string url, NoticeChannelOptions options, int connect_timeout_s,
                  int wake_fd);

 private:
  void Run();
  // Waits `timeout`, or until Stop.
  void Sleep(std::chrono::milliseconds timeout);
  Result<std::unique_ptr<pg::Connection>> Connect();
  // Sends the queued payloads; false when the session is lost (they stay
  // queued); a batch refused on a live session is dropped.
  bool Flush(pg::Connection& conn);
  // Reads what the server sent and delivers the notices; false when the
  // session is lost.
  bool Drain(pg::Connection& conn);
  bool Stopping();

  const std::string url_;
  const NoticeChannelOptions options_;
  const int connect_timeout_s_;
  const int wake_fd_;
  Mutex mu_;
  std::deque<std::string> queued_ GUARDED_BY(mu_);
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace coffer::storage::postgres
