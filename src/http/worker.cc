#include "http/worker.h"

#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <cerrno>
#include <exception>
#include <string>

#include "common/log.h"
#include "http/response_writer.h"

namespace coffer::http::internal {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);
constexpr auto kRefusalLogInterval = std::chrono::seconds(10);
// Connections OnAccept takes at once before returning to the event loop.
constexpr int kAcceptBurst = 64;

Status BindError(std::string_view what, const boost::system::error_code& ec) {
  return Status::Unavailable("", std::string(what) + ": " + ec.message());
}

}  // namespace

Worker::Worker(ServerState& state)
    : state_(state),
      acceptor_(io_context_),
      sweep_timer_(io_context_),
      accept_retry_timer_(io_context_) {}

Status Worker::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return BindError("cannot open listening socket", ec);
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.set_option(ReusePort(true), ec);
  if (ec) return BindError("cannot set SO_REUSEPORT", ec);
  acceptor_.bind(endpoint, ec);
  if (ec)
    return BindError(
        "cannot bind " + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()),
        ec);
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return BindError("cannot listen", ec);
  acceptor_.non_blocking(true, ec);  // OnAccept's burst must not block
  if (ec) return BindError("cannot make the listening socket non-blocking", ec);
  return Status::Ok();
}

uint16_t Worker::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Worker::Run() {
  Accept();
  ScheduleSweep();
  for (;;) {
    // Handlers catch their own exceptions; this is the last line of defence
    // so that nothing escapes the thread.
    try {
      io_context_.run();
      return;
    } catch (const std::exception& e) {
      LogError("http: unexpected exception on I/O thread", {{"error", e.what()}});
    } catch (...) {
      LogError("http: unexpected exception on I/O thread");
    }
  }
}

void Worker::PostEndOfTurn() {
  Offload* const offload = state_.options.offload;
  if (offload == nullptr || end_of_turn_posted_) return;
  end_of_turn_posted_ = true;
  asio::post(io_context_, [this, offload] {
    end_of_turn_posted_ = false;
    offload->EndOfTurn();
  });
}

void Worker::PostStop() {
  asio::post(io_context_, [this] { StopOnThread(); });
}

void Worker::StopOnThread() {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  accept_retry_timer_.cancel();
  for (size_t i = 0; i < connections_.size(); ++i) connections_[i]->OnServerStop();
  if (connections_.empty()) sweep_timer_.cancel();
}

void Worker::Register(ConnectionBase* connection) {
  connection->registry_index = connections_.size();
  connections_.push_back(connection);
}

void Worker::Unregister(ConnectionBase* connection) {
  size_t index = connection->registry_index;
  if (index >= connections_.size() || connections_[index] != connection) return;
  connections_[index] = connections_.back();
  connections_[index]->registry_index = index;
  connections_.pop_back();
  if (stopping_ && connections_.empty()) sweep_timer_.cancel();
}

void Worker::Accept() {
  if (stopping_) return;
  acceptor_.async_accept(accept_peer_,
                         [this](const boost::system::error_code& ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void Worker::OnAccept(const boost::system::error_code& ec, tcp::socket socket) {
  if (stopping_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    // Out of descriptors or memory: back off instead of spinning. Other
    // errors (a client that reset before we accepted) concern one client.
    int e = ec.value();
    if (ec.category() == boost::system::system_category() &&
        (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM)) {
      accept_retry_timer_.expires_after(kAcceptRetryDelay);
      accept_retry_timer_.async_wait([this](const boost::system::error_code& wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    Accept();
    return;
  }
  Admit(std::move(socket), accept_peer_);
  // Take the connections already waiting too, before going back to the event
  // loop. One accept per pass of the loop had the last of a burst of clients
  // wait for every earlier one's requests, pass after pass: 64 clients that
  // connect at once to list secrets saw up to 200 ms for their first page.
  for (int i = 1; i < kAcceptBurst && !stopping_; ++i) {
    tcp::socket next(io_context_);
    tcp::endpoint peer;
    boost::system::error_code next_ec;
    acceptor_.accept(next, peer, next_ec);
    if (next_ec) break;  // would block (none waiting), or an error Accept() handles
    Admit(std::move(next), peer);
  }
  Accept();
}

void Worker::Admit(tcp::socket socket, const tcp::endpoint& peer) {
  // The address's own cap first: a connection over it never touches the
  // global count, so a flood from one address cannot make another address's
  // connection see the server as full, even for a moment.
  AddressKey key = AddressKey::From(peer.address());
  if (!state_.per_address->TryAcquire(key)) {
    NoteRefusal(/*per_address=*/true, peer);
    return Reject(socket);
  }
  size_t open = state_.open_connections.fetch_add(1, std::memory_order_relaxed);
  if (open >= state_.options.max_connections) {
    state_.ReleaseSlots(key);
    NoteRefusal(/*per_address=*/false, peer);
    return Reject(socket);
  }
  StartConnection(*this, std::move(socket), peer, key);
}

void Worker::NoteRefusal(bool per_address, const tcp::endpoint& peer) {
  ++(per_address ? refused_per_address_ : refused_server_full_);
  auto now = std::chrono::steady_clock::now();
  if (last_refusal_log_ != std::chrono::steady_clock::time_point{} &&
      now - last_refusal_log_ < kRefusalLogInterval) {
    return;
  }
  last_refusal_log_ = now;
  LogWarn("http: connections refused (503): over max_connections_per_address or max_connections",
          {{"over_address_limit", std::to_string(refused_per_address_)},
           {"server_full", std::to_string(refused_server_full_)},
           {"last_address", peer.address().to_string()},
           {"interval_s", std::to_string(kRefusalLogInterval.count())}});
  refused_per_address_ = 0;
  refused_server_full_ = 0;
}

void Worker::Reject(tcp::socket& socket) {
  boost::system::error_code ec;
  if (!state_.tls) {
    // Best effort, without blocking: a fresh socket's send buffer is empty,
    // so a short response fits.
    Response response;
    try {
      response = state_.error_responder(503, ReasonPhrase(503));
    } catch (...) {
      response = DefaultErrorResponse(503, ReasonPhrase(503));
    }
    std::string data;
    HeadOptions options;
    options.keep_alive = false;
    if (AppendResponseHead(response, options, &data).send_body) data += response.body;
    socket.non_blocking(true, ec);
    if (!ec) socket.write_some(asio::buffer(data), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
  }
  socket.close(ec);
}

void Worker::ScheduleSweep() {
  if (stopping_ && connections_.empty()) return;
  sweep_timer_.expires_after(state_.sweep_interval);
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: stopped and drained
    Sweep();
    ScheduleSweep();
  });
}

void Worker::Sweep() {
  auto now = ConnectionBase::Clock::now();
  // CheckDeadline only closes sockets; connections are destroyed later, by
  // their completion handlers, so the registry does not change here.
  for (size_t i = 0; i < connections_.size(); ++i) connections_[i]->CheckDeadline(now);
}

}  // namespace coffer::http::internal
