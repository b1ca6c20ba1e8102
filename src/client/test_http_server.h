// Test-only: a tiny HTTP/1.1 server on a loopback address for the tests of
// HttpCall and URL functions. A thread accepts connections one at a time,
// reads one request (headers and Content-Length body), records it and sends
// the configured response, or never answers when `hang` is set. TLS when
// given a certificate (MakeSelfSigned writes one for localhost/127.0.0.1).
//
// Thread-safety: configure before Start(); read requests() after the calls.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "testing/self_signed_cert.h"

namespace coffer::client::test {

using coffer::testing::MakeSelfSigned;
using coffer::testing::Pem;

class TestHttpServer {
 public:
  struct Request {
    std::string head;  // request line and headers
    std::string body;
  };

  int status = 200;
  std::string response_body = "{}";
  bool hang = false;

  ~TestHttpServer() {
    if (thread_.joinable()) {
      char c = 0;
      (void)!write(stop_[1], &c, 1);
      thread_.join();
    }
    for (int fd : {listen_fd_, stop_[0], stop_[1]}) {
      if (fd >= 0) close(fd);
    }
    if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
  }

  // Listens on `address`:0; with a Pem, speaks TLS. False on failure.
  bool Start(const char* address = "127.0.0.1", const Pem* pem = nullptr) {
    if (pem != nullptr) {
      ssl_ctx_ = SSL_CTX_new(TLS_server_method());
      if (SSL_CTX_use_certificate_file(ssl_ctx_, pem->cert_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
          SSL_CTX_use_PrivateKey_file(ssl_ctx_, pem->key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        return false;
      }
    }
    if (pipe2(stop_, O_CLOEXEC) != 0) return false;
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, address, &addr.sin_addr);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(listen_fd_, 8) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return false;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
    return true;
  }

  int port() const { return port_; }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // TLS: the SNI host name of each accepted connection ("" when none).
  std::vector<std::string> server_names() {
    std::lock_guard lock(mu_);
    return server_names_;
  }

 private:
  // Waits for `fd` readable or stop; false on stop.
  bool Wait(int fd) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    while (poll(fds, 2, -1) < 0) {
    }
    return (fds[1].revents & POLLIN) == 0;
  }

  void Serve() {
    while (Wait(listen_fd_)) {
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      SSL* ssl = nullptr;
      if (ssl_ctx_ != nullptr) {
        ssl = SSL_new(ssl_ctx_);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1) {
          SSL_free(ssl);
          close(fd);
          continue;
        }
        const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        std::lock_guard lock(mu_);
        server_names_.push_back(sni == nullptr ? "" : sni);
      }
      HandleOne(fd, ssl);
      if (ssl != nullptr) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
      }
      close(fd);
    }
  }

  void HandleOne(int fd, SSL* ssl) {
    auto read_some = [&](char* buf, int n) {
      if (ssl != nullptr) return SSL_read(ssl, buf, n);
      if (!Wait(fd)) return -1;
      return static_cast<int>(read(fd, buf, n));
    };
    std::string data;
    size_t head_end;
    char buf[4096];
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      int n = read_some(buf, sizeof buf);
      if (n <= 0) return;
      data.append(buf, n);
    }
    Request req{data.substr(0, head_end), data.substr(head_end + 4)};
    size_t length = 0;
    std::string lower = req.head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (size_t p = lower.find("\r\ncontent-length:"); p != std::string::npos) {
      length = std::stoul(lower.substr(p + 17));
    }
    while (req.body.size() < length) {
      int n = read_some(buf, sizeof buf);
      if (n <= 0) return;
      req.body.append(buf, n);
    }
    {
      std::lock_guard lock(mu_);
      requests_.push_back(req);
    }
    if (hang) {
      Wait(stop_[0]);
      return;
    }
    std::string out = "HTTP/1.1 " + std::to_string(status) +
                      " X\r\nContent-Type: application/json" +
                      "\r\nX-Test: yes\r\nContent-Length: " + std::to_string(response_body.size()) +
                      "\r\nConnection: close\r\n\r\n" + response_body;
    if (ssl != nullptr) {
      SSL_write(ssl, out.data(), static_cast<int>(out.size()));
    } else {
      (void)!write(fd, out.data(), out.size());
    }
  }

  int listen_fd_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  SSL_CTX* ssl_ctx_ = nullptr;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Request> requests_;
  std::vector<std::string> server_names_;
};

}  // namespace coffer::client::test
