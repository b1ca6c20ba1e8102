// Worker: one I/O thread's share of a Server: an io_context, a listening
// socket bound with SO_REUSEPORT to the server's port, the connections it
// accepted, and a periodic sweep that enforces their deadlines.
//
// Thread-safety: Listen and port are called before the thread starts; Run is
// the thread's body; PostStop may be called from any thread. Everything else
// runs on the worker's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <utility>  // before boost/asio (performance-notes §8)
#include <vector>

#include "coffer/status.h"
#include "http/connection.h"
#include "http/server_state.h"

namespace coffer::http::internal {

class Worker {
 public:
  explicit Worker(ServerState& state);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens, binds (SO_REUSEADDR + SO_REUSEPORT) and listens on `endpoint`.
  // Errors: Unavailable with the system's reason.
  Status Listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // The bound port. REQUIRES: Listen succeeded.
  uint16_t port() const;

  // Serves until stopped and drained. Never throws.
  void Run();
  // Asks the worker to stop: close the listener, close idle connections and
  // let the others finish. Run returns once no connection is left.
  void PostStop();

  ServerState& state() { return state_; }
  boost::asio::io_context& io_context() { return io_context_; }
  bool stopping() const { return stopping_; }

  void Register(ConnectionBase* connection);
  void Unregister(ConnectionBase* connection);

 private:
  void Accept();
  void OnAccept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  // Starts a connection, or turns it away when max_connections are open.
  void Admit(boost::asio::ip::tcp::socket socket);
  void Reject(boost::asio::ip::tcp::socket& socket);
  void ScheduleSweep();
  void Sweep();
  void StopOnThread();

  ServerState& state_;
  // Declared before io_context_ so it outlives handlers destroyed with it.
  std::vector<ConnectionBase*> connections_;
  boost::asio::io_context io_context_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer accept_retry_timer_;
  bool stopping_ = false;
  bool sweep_pending_ = false;
};

}  // namespace coffer::http::internal
