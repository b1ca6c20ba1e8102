// Connection: one accepted client connection, plain or TLS, served as a loop
// of read request → run Handler → write response, entirely with
// asynchronous I/O on its worker's io_context. It owns its buffers and
// reuses them from request to request. It keeps itself alive through the
// shared_ptr captured by its pending operation and registers with its
// Worker, which drives its deadlines (CheckDeadline) and shutdown
// (OnServerStop).
//
// Thread-safety: everything runs on the owning worker's thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <utility>  // before boost/asio (performance-notes §8)

#include "http/address_limit.h"

namespace coffer::http::internal {

class Worker;

// The clock of connection deadlines: CLOCK_MONOTONIC_COARSE, which the vDSO
// reads without the TSC. Its resolution (a few milliseconds) is far below
// the timeouts it serves (seconds), and a request sets a deadline three
// times: reading steady_clock for them was ~0.5% of a GetSecretValue's CPU
// (docs/performance.md §6).
struct CoarseClock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<CoarseClock>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};

class ConnectionBase {
 public:
  using Clock = CoarseClock;

  ConnectionBase() = default;
  virtual ~ConnectionBase() = default;
  ConnectionBase(const ConnectionBase&) = delete;
  ConnectionBase& operator=(const ConnectionBase&) = delete;

  // Acts if the current phase's deadline has passed: closes the connection,
  // or answers 408 if a request is partly read.
  virtual void CheckDeadline(Clock::time_point now) = 0;
  // The server is stopping: closes the connection if it is idle, otherwise
  // closes it after the response in progress.
  virtual void OnServerStop() = 0;

  // Position in the Worker's registry; maintained by the Worker.
  size_t registry_index = 0;
};

// Starts serving `socket`, accepted from `peer` (plain HTTP, or TLS if the
// worker's server has a TLS context). The connection holds its slots in
// ServerState::open_connections and per_address (under `peer_key`) from here
// until it is destroyed; the caller has already taken them.
void StartConnection(Worker& worker, boost::asio::ip::tcp::socket socket,
                     const boost::asio::ip::tcp::endpoint& peer, const AddressKey& peer_key);

}  // namespace coffer::http::internal
