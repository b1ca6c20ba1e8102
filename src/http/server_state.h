// ServerState: what every worker thread and connection of one Server shares:
// the options, the callbacks, the TLS context and the global counters.
// Internal to src/http.
//
// Thread-safety: immutable after Server::Start except the atomics; the
// callbacks are invoked concurrently from all I/O threads.
#pragma once

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>  // before boost/asio (performance-notes §8)

#include "http/address_limit.h"
#include "http/message.h"
#include "http/server.h"

namespace coffer::http::internal {

struct ServerState {
  ServerOptions options;
  Handler handler;
  ErrorResponder error_responder;
  std::unique_ptr<boost::asio::ssl::context> tls;  // null = plain HTTP

  // After a response that closes the connection, how long the connection
  // keeps draining what the client still sends, so that closing does not
  // reset the connection before the client has read the response.
  std::chrono::steady_clock::duration linger_timeout;
  // Interval of each worker's deadline sweep.
  std::chrono::steady_clock::duration sweep_interval;
  // How long a new connection may wait for its first request's first byte:
  // options.first_byte_timeout, at most options.idle_timeout.
  std::chrono::milliseconds first_byte_timeout;

  std::atomic<size_t> open_connections{0};
  // Open connections per client address (options.max_connections_per_address).
  std::unique_ptr<AddressLimit> per_address;
  std::atomic<bool> stopping{false};

  // Gives back the slots a connection from `peer` took at admission.
  void ReleaseSlots(const AddressKey& peer) {
    per_address->Release(peer);
    open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
};

}  // namespace coffer::http::internal
