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
#include <chrono>
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

  // After an inline Handler ran: posts ServerOptions::offload's EndOfTurn,
  // unless it is already posted and has not run yet. The response, posted
  // after this, then goes out after it (the io_context runs its posts in
  // order on this one thread).
  void PostEndOfTurn();

  void Register(ConnectionBase* connection);
  void Unregister(ConnectionBase* connection);

 private:
  void Accept();
  void OnAccept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  // Starts a connection from `peer`, or turns it away when `peer` already
  // has max_connections_per_address open or max_connections are open.
  void Admit(boost::asio::ip::tcp::socket socket, const boost::asio::ip::tcp::endpoint& peer);
  void Reject(boost::asio::ip::tcp::socket& socket);
  // Counts a connection turned away and logs the count at most once per
  // kRefusalLogInterval per worker, so a flood does not flood the log too.
  void NoteRefusal(bool per_address, const boost::asio::ip::tcp::endpoint& peer);
  void ScheduleSweep();
  void Sweep();
  void StopOnThread();

  ServerState& state_;
  // Declared before io_context_ so it outlives handlers destroyed with it.
  std::vector<ConnectionBase*> connections_;
  boost::asio::io_context io_context_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  // The peer of the pending async_accept, filled by accept(2) itself.
  boost::asio::ip::tcp::endpoint accept_peer_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer accept_retry_timer_;
  bool stopping_ = false;
  bool sweep_pending_ = false;
  bool end_of_turn_posted_ = false;
  // Refusals not yet logged, by cause, and when the last log line went out.
  uint64_t refused_per_address_ = 0;
  uint64_t refused_server_full_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};
};

}  // namespace coffer::http::internal
