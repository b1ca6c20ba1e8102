// Coordination: an optional capability of storage engines that several Coffer
// nodes share (issue 24; PostgreSQL), beside storage::Store's one interface.
// A server asks its Store for it with dynamic_cast<Coordination*>; an engine
// used by one process alone (SQLite) does not implement it, and the server
// is then always the leader and has no notices from other nodes.
//
//   LeaderElection  one node at a time holds the leadership (background work:
//                   purges, KMS key deletion and rotation, the rotation
//                   scheduler); it is handed over within seconds when its
//                   holder dies or loses its database session;
//   NoticeChannel   small text notices broadcast to every node on the
//                   database (the secret-change feed), with word when notices
//                   may have been missed (the channel was lost and is back).
//
// Thread-safety: implementations are thread-safe; callbacks run on the
// implementation's own thread, never under the caller's locks.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "coffer/result.h"

namespace coffer::storage {

// Thread-safety: thread-safe.
class LeaderElection {
 public:
  virtual ~LeaderElection() = default;
  // Whether this node holds the leadership now (as of its last check).
  virtual bool IsLeader() const = 0;
  // Gives the leadership up (if held) and stops trying. Idempotent.
  virtual void Stop() = 0;
};

// Thread-safety: thread-safe.
class NoticeChannel {
 public:
  virtual ~NoticeChannel() = default;
  // Queues `payload` (at most ~7,900 bytes) for every listener of the
  // channel, this node's included; sent soon, on the channel's thread. A
  // notice that cannot be sent now is kept and sent after a reconnect.
  virtual void Send(std::string payload) = 0;
  // Stops listening and sending. Idempotent.
  virtual void Stop() = 0;
};

struct LeaderElectionOptions {
  // How often a non-leader tries to take the leadership, and how often the
  // leader checks that its session (which holds it) is alive.
  std::chrono::milliseconds retry_interval{2000};
  // Called on the election's thread when this node becomes (true) or stops
  // being (false) the leader.
  std::function<void(bool leader)> on_change;
};

struct NoticeChannelOptions {
  std::string channel = "coffer_changes";
  // Each notice received (this node's own included), on the channel's thread.
  std::function<void(std::string_view payload)> on_notice;
  // The channel was lost and is listening again: notices sent meanwhile
  // were missed. Not called for the first connection.
  std::function<void()> on_reconnect;
  // Delay between reconnect attempts.
  std::chrono::milliseconds reconnect_interval{1000};
};

// Thread-safety: thread-safe; implemented by a Store.
class Coordination {
 public:
  // Starts competing for the leadership (at once, then every
  // retry_interval); the returned object stops when destroyed.
  virtual Result<std::unique_ptr<LeaderElection>> StartLeaderElection(
      LeaderElectionOptions options) = 0;
  // Starts listening on the channel (and reconnecting when the session is
  // lost); stops when destroyed.
  virtual Result<std::unique_ptr<NoticeChannel>> OpenNoticeChannel(
      NoticeChannelOptions options) = 0;

 protected:
  ~Coordination() = default;
};

}  // namespace coffer::storage
