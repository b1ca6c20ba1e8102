// Server: an HTTP/1.1 server (optionally over TLS 1.2+) that hands each
// complete request to a Handler and writes back its Response.
//
// Design (see docs/performance-notes.md §1-2): one io_context per worker
// thread, each with its own listening socket bound with SO_REUSEPORT to the
// same port, so the kernel spreads connections over the threads and a
// connection never changes thread. All socket I/O is asynchronous; per
// connection deadlines (first byte, idle, whole-request read, write) are
// enforced by a per-thread sweep timer, so a slow client never holds a
// thread. Admission at accept: a global cap on open connections and a cap per
// client address.
//
// Supported: keep-alive (HTTP/1.1 default, HTTP/1.0 `Connection: keep-alive`),
// pipelining (answered in order), Content-Length and chunked request bodies,
// `Expect: 100-continue`, `Connection: close`, HEAD. Not supported: upgrades,
// HTTP/2, response streaming.
//
// Thread-safety: Start, port, tls, stopping, Stop and Wait may be called from
// any thread. Stop is idempotent. The Handler runs concurrently on several
// I/O threads and must be thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coffer/result.h"
#include "coffer/status.h"
#include "http/completion.h"
#include "http/message.h"

namespace coffer::http {

namespace internal {
struct ServerState;
class Worker;
}  // namespace internal

// Offload: runs the Handler, for the requests ServerOptions::blocking
// selects, away from the connection's I/O thread, in its own way (a thread
// that runs many of them together, say). Submit must fill `response` and
// then call `done` exactly once, from any thread, or hand it to
// Completion::PostAll with others; until then the connection leaves
// `request` and `response` alone and writes nothing. An Offload must call
// `done` for every submitted request before the Server's Wait returns (Wait
// waits for it), and must not throw from Submit.
//
// Thread-safety: Submit is called concurrently from every I/O thread.
class Offload {
 public:
  virtual ~Offload() = default;
  virtual void Submit(const Request& request, Response& response, Completion done) = 0;
  // Called on an I/O thread after a turn of its event loop in which the
  // Handler ran inline for one or more requests, and before any of their
  // responses is written: the connection posts it (once per turn and
  // thread) ahead of those responses. For work that is cheaper done once
  // for the turn's requests than once each (the audit records' write).
  // Must not throw.
  virtual void EndOfTurn() {}
};

struct ServerOptions {
  std::string host = "127.0.0.1";       // IP address or resolvable name
  uint16_t port = 0;                    // 0 = pick a free port (see Server::port)
  int threads = 0;                      // I/O threads; 0 = one per core
  size_t max_header_bytes = 16 * 1024;  // request line + fields; over → 431
  size_t max_header_count = 256;        // header fields; over → 431
  size_t max_body_bytes = 1024 * 1024;  // decoded body; over → 413
  // Open connections across all threads. Connections beyond it are accepted
  // and closed at once (plain HTTP gets a 503 first).
  size_t max_connections = 4096;
  // Open connections from one client IP address; 0 = no limit. A connection
  // beyond it is turned away at accept as one beyond max_connections is,
  // without taking one of their slots, so one address cannot starve the
  // others. The default is 1/16 of the default max_connections: it takes 16
  // addresses to fill the server, while one host still gets far more than a
  // client pool needs. Behind a proxy (every client one address) raise it or
  // set 0.
  size_t max_connections_per_address = 256;
  // A new connection must send its first byte (TLS: its ClientHello) within
  // this, and, over TLS, its first request's first byte within this of the
  // handshake; else it is closed without a response (as an idle keep-alive
  // connection is). Effectively at most idle_timeout. Defeats idle sockets
  // held open to use up connection slots.
  std::chrono::milliseconds first_byte_timeout{5000};
  // A keep-alive connection with no request in progress is closed after this.
  std::chrono::milliseconds idle_timeout{60000};
  // A whole request (header and body), timed from its first byte, and a TLS
  // handshake must arrive within this, or the client gets a 408 and the
  // connection is closed. Defeats slow-loris.
  std::chrono::milliseconds read_timeout{10000};
  // A response must be taken by the client within this, or the connection
  // is closed.
  std::chrono::milliseconds write_timeout{30000};
  // PEM files. Both set = serve TLS (1.2 or later) only; both empty = plain.
  std::string tls_cert_file;  // certificate chain, leaf first
  std::string tls_key_file;
  // Requests for which `blocking` returns true go to `offload` instead of
  // running on the connection's I/O thread, so a handler that waits (a
  // durable write waiting for its batch's COMMIT) does not hold up that
  // thread's other connections; the response is written from the I/O thread
  // as usual. No predicate or no offload = every request inline. The Offload
  // is not owned and must outlive the Server.
  std::function<bool(const Request&)> blocking;
  Offload* offload = nullptr;
};

class Server {
 public:
  // Validates `options`, binds the listening sockets and starts the I/O
  // threads. Errors: InvalidArgument for bad options or an unreadable TLS
  // certificate/key; Unavailable if the address cannot be bound (for example
  // the port is in use). `error_responder` may be empty (plain-text errors).
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Handler handler,
                                               ErrorResponder error_responder);

  // Stops and joins. REQUIRES: not called on one of this server's I/O threads.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the chosen one when options.port was 0).
  uint16_t port() const { return port_; }
  bool tls() const { return tls_; }
  // Connections open now, across all threads (for metrics).
  size_t open_connections() const;
  // True once Stop has been called (for example to fail a readiness probe).
  bool stopping() const;

  // Graceful stop: stops accepting, lets requests in progress finish and
  // their responses go out (with `Connection: close`), closes idle keep-alive
  // connections, then joins the I/O threads. Connections still sending a
  // request get up to read_timeout to finish it. Idempotent; callable from
  // any thread. Called on one of this server's own I/O threads (from a
  // Handler) it only starts the stop and returns; Wait elsewhere then joins.
  void Stop();

  // Blocks until the I/O threads have exited, i.e. until Stop has been
  // called (from anywhere) and the drain is over.
  // REQUIRES: not called on one of this server's I/O threads.
  void Wait();

 private:
  Server();

  std::unique_ptr<internal::ServerState> state_;
  std::vector<std::unique_ptr<internal::Worker>> workers_;
  std::vector<std::thread> threads_;
  std::mutex join_mu_;  // serializes joining threads_
  uint16_t port_ = 0;
  bool tls_ = false;
};

}  // namespace coffer::http
