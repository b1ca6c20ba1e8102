#include "http/connection.h"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <openssl/crypto.h>

#include "common/log.h"
#include "common/secure_string.h"
#include "common/wiping_allocator.h"
#include "http/request_parser.h"
#include "http/response_writer.h"
#include "http/server_state.h"
#include "http/worker.h"

namespace coffer::http::internal {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = ConnectionBase::Clock;
using TlsStream = ssl::stream<tcp::socket>;

constexpr size_t kReadChunk = 16 * 1024;
// Buffers that grew beyond this for one large request are released after it.
constexpr size_t kRetainedCapacity = 64 * 1024;
// How much a closing connection drains from the client before giving up.
constexpr size_t kMaxLingerBytes = 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

tcp::socket& Lowest(tcp::socket& stream) { return stream; }
tcp::socket& Lowest(TlsStream& stream) { return stream.next_layer(); }

std::string PeerAddress(const tcp::endpoint& peer) {
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  template <class... StreamArgs>
  Connection(Worker& worker, const tcp::endpoint& peer, const AddressKey& peer_key,
             StreamArgs&&... stream_args)
      : worker_(worker),
        state_(worker.state()),
        peer_key_(peer_key),
        stream_(std::forward<StreamArgs>(stream_args)...) {
    const ServerOptions& options = state_.options;
    limits_.max_header_bytes = options.max_header_bytes;
    limits_.max_header_count = options.max_header_count;
    limits_.max_body_bytes = options.max_body_bytes;
    max_buffered_ = options.max_header_bytes + kReadChunk;
    request_.remote_address = PeerAddress(peer);
    request_.tls = kTls;
    worker_.Register(this);
  }

  ~Connection() override {
    // The read buffer wipes itself as it is freed (WipingAllocator).
    WipeString(request_.body);
    WipeString(response_.body);
    worker_.Unregister(this);
    state_.ReleaseSlots(peer_key_);
  }

  void Start() {
    error_code nodelay_ec;  // best effort
    Lowest(stream_).set_option(tcp::no_delay(true), nodelay_ec);
    if constexpr (kTls) {
      // The handshake gets read_timeout from the ClientHello's first byte;
      // until that byte, only first_byte_timeout.
      phase_ = Phase::kHandshake;
      deadline_ = Clock::now() + state_.first_byte_timeout;
      Lowest(stream_).async_wait(tcp::socket::wait_read,
                                 [self = this->shared_from_this()](const error_code& ec) {
                                   if (self->phase_ == Phase::kClosed) return;
                                   if (ec) return self->Close();
                                   self->Handshake();
                                 });
    } else {
      AwaitRequest();
    }
  }

  void CheckDeadline(Clock::time_point now) override {
    if (now < deadline_) return;
    if (phase_ == Phase::kReading && !timed_out_) {
      // Part of a request is in: abort the read and answer 408 (OnRead).
      timed_out_ = true;
      deadline_ = kNoDeadline;
      error_code ec;
      Lowest(stream_).cancel(ec);
      return;
    }
    Close();
  }

  void OnServerStop() override {
    close_requested_ = true;
    if (phase_ == Phase::kIdle || phase_ == Phase::kHandshake) Close();
  }

 private:
  enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kLingering, kClosed };

  void Handshake() {
    deadline_ = Clock::now() + state_.options.read_timeout;
    stream_.async_handshake(ssl::stream_base::server,
                            [self = this->shared_from_this()](const error_code& ec) {
                              if (self->phase_ == Phase::kClosed) return;
                              if (ec) return self->Close();
                              self->AwaitRequest();
                            });
  }

  // Prepares for the next request: parses what is already buffered
  // (pipelining) or waits for the client: first_byte_timeout for a
  // connection's first request, idle_timeout between requests.
  void AwaitRequest() {
    ReleaseLargeBuffers();
    parser_.emplace(request_, limits_);
    header_checked_ = false;
    timed_out_ = false;  // a cancel may have raced with the last read
    if (buffer_.size() > 0) {
      phase_ = Phase::kReading;
      deadline_ = Clock::now() + state_.options.read_timeout;
      Parse();
    } else {
      phase_ = Phase::kIdle;
      deadline_ =
          Clock::now() + (answered_any_ ? state_.options.idle_timeout : state_.first_byte_timeout);
      Read();
    }
  }

  void Read() {
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        [self = this->shared_from_this()](const error_code& ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(const error_code& ec, size_t n) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      if (timed_out_ && phase_ == Phase::kReading) return SendError(408);
      return Close();  // EOF, reset, or idle timeout
    }
    buffer_.commit(n);
    read_since_wipe_ += n;
    if (phase_ == Phase::kIdle) {
      phase_ = Phase::kReading;  // the read deadline runs from the first byte
      deadline_ = Clock::now() + state_.options.read_timeout;
    }
    Parse();
  }

  void Parse() {
    for (;;) {
      if (buffer_.size() == 0) return NeedMore();
      error_code ec;
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == boost::beast::http::error::need_more) return NeedMore();
      if (ec) return SendError(StatusForParseError(ec));
      if (parser_->is_done()) return Dispatch();
      if (parser_->is_header_done() && !header_checked_) {
        header_checked_ = true;
        // Only if the client is waiting: it may have sent the body anyway.
        if (parser_->expects_continue() && buffer_.size() == 0) return SendContinue();
        continue;
      }
      if (used == 0) return NeedMore();
    }
  }

  void NeedMore() {
    if (timed_out_) return SendError(408);
    // Beast bounds the header itself, but not a chunk-size line or trailers.
    if (buffer_.size() >= max_buffered_) return SendError(400);
    Read();
  }

  void SendContinue() {
    asio::async_write(stream_, asio::buffer(kContinue),
                      [self = this->shared_from_this()](const error_code& ec, size_t) {
                        if (self->phase_ == Phase::kClosed) return;
                        if (ec) return self->Close();
                        self->Parse();
                      });
  }

  void Dispatch() {
    phase_ = Phase::kHandling;
    deadline_ = kNoDeadline;
    response_.status = 200;
    response_.headers.clear();
    response_.body.clear();
    if (state_.options.offload != nullptr && state_.options.blocking &&
        state_.options.blocking(request_)) {
      // The Offload touches only request_ and response_ until `done`; the
      // I/O thread leaves both alone while phase_ is kHandling.
      auto self = this->shared_from_this();
      state_.options.offload->Submit(
          request_, response_, Completion(stream_.get_executor(), [self] { self->Respond(); }));
      return;
    }
    RunHandler();
    // Before the response's post: EndOfTurn (the audit records of the
    // turn's requests) runs before any of them is written.
    worker_.PostEndOfTurn();
    // The response goes out after the other completions this turn of the
    // event loop already has (the requests of other connections): the sends
    // then come in a burst and a client waiting on several connections wakes
    // once for them, where a send after each request woke it each time
    // (wake-ups were ~10% of a GetSecretValue's CPU, pinned;
    // docs/performance.md §6).
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Respond(); });
  }

  void RunHandler() {
    try {
      state_.handler(request_, response_);
    } catch (...) {
      // The exception's text may quote request data: do not log it.
      LogError("http: handler threw; answered 500", {{"method", request_.method}});
      WipeString(response_.body);  // whatever the handler had written
      response_ = ErrorResponse(500);
    }
  }

  void Respond() {
    if (phase_ == Phase::kClosed) return;
    // Checked after the handler, which may have run while Stop was called.
    bool keep_alive = parser_->keep_alive() && !close_requested_ &&
                      !state_.stopping.load(std::memory_order_relaxed);
    Write(keep_alive);
  }

  Response ErrorResponse(int status) {
    try {
      return state_.error_responder(status, ReasonPhrase(status));
    } catch (...) {
      return DefaultErrorResponse(status, ReasonPhrase(status));
    }
  }

  // A transport-level failure: answer `status` and close.
  void SendError(int status) {
    WipeString(response_.body);
    response_ = ErrorResponse(status);
    Write(/*keep_alive=*/false);
  }

  void Write(bool keep_alive) {
    HeadOptions options;
    options.request_version = request_.version;
    options.head_request = request_.method == "HEAD";
    options.keep_alive = keep_alive;
    head_.clear();
    HeadResult head = AppendResponseHead(response_, options, &head_);
    phase_ = Phase::kWriting;
    deadline_ = Clock::now() + state_.options.write_timeout;
    std::array<asio::const_buffer, 2> buffers = {
        asio::buffer(head_), head.send_body ? asio::buffer(response_.body) : asio::const_buffer()};
    asio::async_write(stream_, buffers,
                      [self = this->shared_from_this(), keep = head.keep_alive](
                          const error_code& ec, size_t) { self->OnWrite(ec, keep); });
  }

  void OnWrite(const error_code& ec, bool keep_alive) {
    if (phase_ == Phase::kClosed) return;
    answered_any_ = true;
    WipeExchange();
    if (ec) return Close();
    if (keep_alive && !close_requested_) return AwaitRequest();
    FinishAndClose();
  }

  // After a response that ends the connection: close our side for writing,
  // then drain what the client still sends (bounded in time and bytes), so
  // that unread input does not turn the close into a reset that destroys the
  // response before the client reads it. TLS sends close_notify instead.
  void FinishAndClose() {
    phase_ = Phase::kLingering;
    deadline_ = Clock::now() + state_.linger_timeout;
    if constexpr (kTls) {
      stream_.async_shutdown(
          [self = this->shared_from_this()](const error_code&) { self->Close(); });
    } else {
      error_code ec;
      Lowest(stream_).shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return Close();
      lingered_bytes_ = 0;
      Linger();
    }
  }

  void Linger() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](const error_code& ec, size_t n) {
                              if (self->phase_ == Phase::kClosed) return;
                              self->lingered_bytes_ += n;
                              if (ec || self->lingered_bytes_ > kMaxLingerBytes)
                                return self->Close();
                              self->Linger();
                            });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    deadline_ = kNoDeadline;
    error_code ec;
    Lowest(stream_).close(ec);  // pending operations complete with an error
  }

  // Wipes what the exchange just answered left in this connection's buffers:
  // the request's body (a PutSecretValue's SecretString) and raw bytes, and
  // the response's body (a GetSecretValue's value). The bytes of a pipelined
  // next request wait until that one is answered.
  void WipeExchange() {
    WipeString(request_.body);
    WipeString(response_.body);
    if (buffer_.size() == 0 && read_since_wipe_ > 0) {
      // Consumed to the end, the buffer starts over at its first byte, and
      // every byte read since the last wipe lies in the first
      // read_since_wipe_ (it only moves toward the front); a reallocation
      // wiped the old block (WipingAllocator).
      auto used = buffer_.prepare(std::min(read_since_wipe_, buffer_.capacity()));
      OPENSSL_cleanse(used.data(), used.size());
      read_since_wipe_ = 0;
    }
  }

  void ReleaseLargeBuffers() {
    if (request_.body.capacity() > kRetainedCapacity) std::string().swap(request_.body);
    if (response_.body.capacity() > kRetainedCapacity) std::string().swap(response_.body);
    if (buffer_.capacity() > kRetainedCapacity + kReadChunk) buffer_.shrink_to_fit();
  }

  Worker& worker_;
  ServerState& state_;
  const AddressKey peer_key_;  // its per_address slot
  Stream stream_;
  // Bytes read and not yet parsed; wiped after each exchange and when freed.
  boost::beast::basic_flat_buffer<WipingAllocator<char>> buffer_;
  size_t read_since_wipe_ = 0;
  ParserLimits limits_;
  size_t max_buffered_ = 0;
  std::optional<RequestParser> parser_;  // re-created for each request
  Request request_;                      // reused: capacity survives
  Response response_;
  std::string head_;  // serialized status line and headers
  Phase phase_ = Phase::kIdle;
  Clock::time_point deadline_ = kNoDeadline;
  bool close_requested_ = false;  // server stopping: close after this response
  bool timed_out_ = false;        // the read deadline passed mid-request
  bool header_checked_ = false;
  bool answered_any_ = false;  // a response was written: idle_timeout applies
  size_t lingered_bytes_ = 0;
};

template <class Stream, class... StreamArgs>
void StartAs(Worker& worker, const tcp::endpoint& peer, const AddressKey& peer_key,
             StreamArgs&&... stream_args) {
  std::shared_ptr<Connection<Stream>> connection;
  try {
    connection = std::make_shared<Connection<Stream>>(worker, peer, peer_key,
                                                      std::forward<StreamArgs>(stream_args)...);
  } catch (...) {
    // SSL_new or an allocation failed; the socket closes as this unwinds.
    // The Connection never existed, so release its slots here.
    worker.state().ReleaseSlots(peer_key);
    return;
  }
  connection->Start();
}

}  // namespace

CoarseClock::time_point CoarseClock::now() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

void StartConnection(Worker& worker, tcp::socket socket, const tcp::endpoint& peer,
                     const AddressKey& peer_key) {
  ServerState& state = worker.state();
  if (state.tls) {
    StartAs<TlsStream>(worker, peer, peer_key, std::move(socket), *state.tls);
  } else {
    StartAs<tcp::socket>(worker, peer, peer_key, std::move(socket));
  }
}

}  // namespace coffer::http::internal
