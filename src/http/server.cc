#include "http/server.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <exception>
#include <string>
#include <system_error>

#include "http/server_state.h"
#include "http/tls_context.h"
#include "http/worker.h"

namespace coffer::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

// The server whose I/O thread this is, if any (Stop must not join itself).
thread_local const Server* current_server = nullptr;

constexpr milliseconds kMaxLinger{2000};
constexpr milliseconds kMinSweep{5};
constexpr milliseconds kMaxSweep{500};

Status ValidateOptions(const ServerOptions& options) {
  if (options.threads < 0) return Status::InvalidArgument("", "threads must be >= 0");
  if (options.max_connections == 0) {
    return Status::InvalidArgument("", "max_connections must be > 0");
  }
  if (options.max_header_bytes < 256) {
    return Status::InvalidArgument("", "max_header_bytes must be >= 256");
  }
  if (options.max_header_count == 0) {
    return Status::InvalidArgument("", "max_header_count must be > 0");
  }
  if (options.idle_timeout.count() <= 0 || options.read_timeout.count() <= 0 ||
      options.write_timeout.count() <= 0 || options.first_byte_timeout.count() <= 0) {
    return Status::InvalidArgument("", "timeouts must be positive");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument("", "TLS needs both a certificate and a key file");
  }
  return Status::Ok();
}

Result<tcp::endpoint> ResolveEndpoint(const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  asio::io_context io_context;
  tcp::resolver resolver(io_context);
  auto results = resolver.resolve(host, "", ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("", "cannot resolve host '" + host + "'");
  }
  return tcp::endpoint(results.begin()->endpoint().address(), port);
}

// SO_REUSEPORT would let us bind a port another server is already serving
// (and silently share its traffic). A plain bind (SO_REUSEADDR only) fails
// if anything listens there, so probe with one first.
Status CheckPortFree(const tcp::endpoint& endpoint) {
  asio::io_context io_context;
  tcp::acceptor probe(io_context);
  boost::system::error_code ec;
  probe.open(endpoint.protocol(), ec);
  if (!ec) probe.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) probe.bind(endpoint, ec);
  if (ec) {
    return Status::Unavailable("", "cannot bind " + endpoint.address().to_string() + ":" +
                                       std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

Server::Server() = default;

Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Handler handler,
                                              ErrorResponder error_responder) {
  COFFER_RETURN_IF_ERROR(ValidateOptions(options));
  if (!handler) return Status::InvalidArgument("", "a handler is required");
  if (options.threads == 0) {
    options.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }

  std::unique_ptr<Server> server(new Server());
  auto state = std::make_unique<internal::ServerState>();
  if (!options.tls_cert_file.empty()) {
    COFFER_ASSIGN_OR_RETURN(
        state->tls, internal::MakeServerTlsContext(options.tls_cert_file, options.tls_key_file));
  }
  state->handler = std::move(handler);
  state->error_responder =
      error_responder ? std::move(error_responder) : ErrorResponder(&DefaultErrorResponse);
  milliseconds linger = std::min(options.read_timeout, kMaxLinger);
  milliseconds first_byte = std::min(options.first_byte_timeout, options.idle_timeout);
  milliseconds shortest = std::min(
      {options.idle_timeout, options.read_timeout, options.write_timeout, linger, first_byte});
  state->linger_timeout = linger;
  state->first_byte_timeout = first_byte;
  state->per_address =
      std::make_unique<internal::AddressLimit>(options.max_connections_per_address);
  state->sweep_interval = std::clamp(shortest / 4, kMinSweep, kMaxSweep);
  state->options = std::move(options);
  server->state_ = std::move(state);
  server->tls_ = server->state_->tls != nullptr;
  const ServerOptions& opts = server->state_->options;

  COFFER_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveEndpoint(opts.host, opts.port));
  if (endpoint.port() != 0) COFFER_RETURN_IF_ERROR(CheckPortFree(endpoint));
  try {
    for (int i = 0; i < opts.threads; ++i) {
      auto worker = std::make_unique<internal::Worker>(*server->state_);
      COFFER_RETURN_IF_ERROR(worker->Listen(endpoint));
      // With port 0 the first bind picks the port; the others join it.
      if (i == 0) endpoint.port(worker->port());
      server->workers_.push_back(std::move(worker));
    }
    server->port_ = static_cast<uint16_t>(endpoint.port());
    for (auto& worker : server->workers_) {
      internal::Worker* w = worker.get();
      const Server* owner = server.get();
      server->threads_.emplace_back([w, owner] {
        current_server = owner;
        w->Run();
      });
    }
  } catch (const std::exception& e) {
    // ~Server stops and joins whatever threads did start.
    return Status::Internal(std::string("cannot start HTTP server: ") + e.what());
  }
  return server;
}

size_t Server::open_connections() const {
  return state_ ? state_->open_connections.load(std::memory_order_relaxed) : 0;
}

bool Server::stopping() const { return state_ && state_->stopping.load(std::memory_order_relaxed); }

void Server::Stop() {
  if (!state_) return;
  if (!state_->stopping.exchange(true)) {
    for (auto& worker : workers_) worker->PostStop();
  }
  if (current_server == this) return;  // a Handler: cannot join its own thread
  Wait();
}

void Server::Wait() {
  std::lock_guard<std::mutex> lock(join_mu_);
  // The I/O threads end only once every connection has closed, so every
  // request given to the Offload has been answered when they have.
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace coffer::http
