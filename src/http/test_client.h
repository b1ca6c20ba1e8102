// TestClient: a blocking HTTP/1.1 client over a raw socket, optionally TLS
// through OpenSSL, for the src/http tests. It deliberately shares no code
// with the server. Every wait has a generous timeout so that a broken server
// fails a test instead of hanging it.
//
// Thread-safety: one client per thread.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server.h"

namespace coffer::http::test {

inline constexpr std::chrono::milliseconds kIoTimeout{10000};

struct ParsedResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header named `name` (case-insensitive), or nullopt if absent.
  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < key.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(key[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return value;
    }
    return std::nullopt;
  }
};

class TestClient {
 public:
  // Connects to 127.0.0.1:`port`, from `source` if given (another loopback
  // address such as "127.0.0.2"); with `tls`, completes a TLS handshake.
  // Returns null on failure.
  static std::unique_ptr<TestClient> Connect(uint16_t port, SSL_CTX* tls = nullptr,
                                             const char* source = nullptr) {
    signal(SIGPIPE, SIG_IGN);  // OpenSSL writes with write(2)
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return nullptr;
    std::unique_ptr<TestClient> client(new TestClient(fd));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    client->SetTimeout(kIoTimeout);
    if (source != nullptr) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      if (inet_pton(AF_INET, source, &from.sin_addr) != 1 ||
          bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) {
        return nullptr;
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return nullptr;
    if (tls != nullptr) {
      client->ssl_ = SSL_new(tls);
      if (client->ssl_ == nullptr) return nullptr;
      SSL_set_fd(client->ssl_, fd);
      SSL_set_tlsext_host_name(client->ssl_, "localhost");
      SSL_set1_host(client->ssl_, "localhost");
      if (SSL_connect(client->ssl_) != 1) return nullptr;
    }
    return client;
  }

  ~TestClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    close(fd_);
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      long n = ssl_ ? SSL_write(ssl_, data.data(), static_cast<int>(data.size()))
                    : send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response framed by Content-Length (1xx responses have no
  // body). `head_request`: the response to a HEAD has no body. nullopt on
  // EOF, error, timeout or a malformed response.
  std::optional<ParsedResponse> ReadResponse(bool head_request = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (ReadSome(kIoTimeout) <= 0) return std::nullopt;
    }
    std::string head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    ParsedResponse response;
    if (head.compare(0, 9, "HTTP/1.1 ") != 0 || head.size() < 12) return std::nullopt;
    response.status = std::atoi(head.c_str() + 9);
    size_t pos = head.find("\r\n") + 2;
    while (pos < head.size()) {
      size_t eol = head.find("\r\n", pos);
      std::string line = head.substr(pos, eol - pos);
      pos = eol + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) return std::nullopt;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      response.headers.emplace_back(line.substr(0, colon), value);
    }
    if (response.status < 200 || head_request) return response;
    size_t length =
        std::strtoull(response.Header("Content-Length").value_or("0").c_str(), nullptr, 10);
    while (buffer_.size() < length) {
      if (ReadSome(kIoTimeout) <= 0) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  // Waits until the server ends the connection (EOF or reset). Appends what
  // arrives meanwhile to `*received`. False on timeout.
  bool WaitForClose(std::chrono::milliseconds timeout = kIoTimeout,
                    std::string* received = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      int n = ReadSome(left);
      if (received != nullptr) received->append(buffer_);
      buffer_.clear();
      if (n == 0 || n == -1) return true;
      if (n == -2) return false;
    }
  }

  int fd() const { return fd_; }

 private:
  explicit TestClient(int fd) : fd_(fd) {}

  void SetTimeout(std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1000;
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }

  // Appends to buffer_. Returns bytes read, 0 on EOF, -1 on error (reset),
  // -2 on timeout.
  int ReadSome(std::chrono::milliseconds timeout) {
    SetTimeout(timeout);
    char chunk[16384];
    long n;
    if (ssl_ != nullptr) {
      n = SSL_read(ssl_, chunk, sizeof(chunk));
      if (n <= 0) {
        int err = SSL_get_error(ssl_, static_cast<int>(n));
        if (err == SSL_ERROR_ZERO_RETURN) return 0;
        if (err == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)) return -2;
        if (err == SSL_ERROR_WANT_READ) return -2;
        return -1;
      }
    } else {
      n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n == 0) return 0;
      if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? -2 : -1;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return static_cast<int>(n);
  }

  int fd_;
  SSL* ssl_ = nullptr;
  std::string buffer_;  // received, not yet returned
};

// Starts a server or fails the current test (returns null).
inline std::unique_ptr<Server> StartOrNull(ServerOptions options, Handler handler,
                                           ErrorResponder error_responder = nullptr) {
  auto server = Server::Start(std::move(options), std::move(handler), std::move(error_responder));
  if (!server.ok()) {
    ADD_FAILURE() << "Server::Start: " << server.status().ToString();
    return nullptr;
  }
  return std::move(server).value();
}

// A handler that echoes "<method> <target>\n<body>".
inline void EchoHandler(const Request& request, Response& response) {
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = request.method + " " + request.target + "\n" + request.body;
}

}  // namespace coffer::http::test
