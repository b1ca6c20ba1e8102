// HttpCall with Boost.Beast over Asio: every step is an asynchronous
// operation driven by io_context::run_until(deadline), so one deadline bounds
// resolve, connect, handshake, write and read together. When it passes, the
// socket is closed and the call fails with Unavailable.
#include "client/http_client.h"

#include <openssl/ssl.h>
#include <atomic>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <charconv>
#include <functional>
#include <optional>

namespace coffer::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr size_t kMaxResponseBody = 16 << 20;

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

Status BadUrl(std::string_view why) {
  return Status::InvalidArgument("", "invalid URL: " + std::string(why));
}

// Runs the asynchronous operation `start` (which calls its argument with the
// outcome) until it completes, `deadline` passes or `*cancel` becomes true
// (looked at every 100 ms). nullopt on timeout or cancellation.
std::optional<error_code> RunStep(
    asio::io_context& ioc, Clock::time_point deadline, const std::atomic<bool>* cancel,
    const std::function<void(std::function<void(error_code)>)>& start) {
  bool done = false;
  error_code result;
  start([&](error_code ec) {
    done = true;
    result = ec;
  });
  ioc.restart();
  while (!done && Clock::now() < deadline) {
    if (cancel == nullptr) {
      ioc.run_one_until(deadline);
      continue;
    }
    if (cancel->load(std::memory_order_relaxed)) break;
    ioc.run_one_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
  }
  if (!done) return std::nullopt;
  return result;
}

// The call itself over `stream` (a tcp::socket or an ssl::stream), connected.
template <typename Stream>
Result<HttpCallResponse> Exchange(asio::io_context& ioc, Stream& stream, Clock::time_point deadline,
                                  const HttpCallRequest& request, const ParsedUrl& url,
                                  const std::function<void()>& abort) {
  http::request<http::string_body> req;
  req.method_string(request.method);
  req.target(url.target);
  req.version(11);
  req.set(http::field::host, HostHeader(url));
  req.set(http::field::user_agent, "coffer");
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = request.body;
  req.prepare_payload();

  auto written = RunStep(ioc, deadline, request.cancel, [&](auto done) {
    http::async_write(stream, req, [done](error_code ec, size_t) { done(ec); });
  });
  if (!written) {
    abort();
    return Status::Unavailable("Timeout",
                               "HTTP request to " + url.host + " timed out while sending");
  }
  if (*written) {
    return Status::Unavailable(
        "", "HTTP request to " + url.host + " failed while sending: " + written->message());
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  auto read = RunStep(ioc, deadline, request.cancel, [&](auto done) {
    http::async_read(stream, buffer, parser, [done](error_code ec, size_t) { done(ec); });
  });
  if (!read) {
    abort();
    return Status::Unavailable(
        "Timeout", "HTTP request to " + url.host + " timed out waiting for the response");
  }
  if (*read) {
    return Status::Unavailable(
        "", "HTTP response from " + url.host + " unreadable: " + read->message());
  }
  http::response<http::string_body> res = parser.release();
  HttpCallResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res.body());
  return out;
}

Result<HttpCallResponse> Call(const HttpCallRequest& request, const ParsedUrl& url);

}  // namespace

std::string HostHeader(const ParsedUrl& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  bool default_port = (url.tls && url.port == "443") || (!url.tls && url.port == "80");
  return default_port ? host : host + ":" + url.port;
}

Result<ParsedUrl> ParseHttpUrl(std::string_view url) {
  ParsedUrl out;
  if (StartsWithNoCase(url, "https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (StartsWithNoCase(url, "http://")) {
    url.remove_prefix(7);
  } else {
    return BadUrl("the scheme must be http:// or https://");
  }
  size_t end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? "" : url.substr(end);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (authority.find('@') != std::string_view::npos)
    return BadUrl("user information is not allowed");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl("unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl("junk after the IPv6 address");
      port = after.substr(1);
    }
    error_code ec;
    asio::ip::make_address_v6(out.host, ec);
    if (ec) return BadUrl("bad IPv6 address");
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    for (char c : out.host) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
        return BadUrl("bad character in the host name");
      }
    }
  }
  if (out.host.empty()) return BadUrl("the host is missing");
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return BadUrl("bad port");
    }
    out.port = std::to_string(value);
  }
  if (rest.empty()) {
    out.target = "/";
  } else if (rest.front() == '?') {
    out.target = "/" + std::string(rest);
  } else {
    out.target = std::string(rest);
  }
  for (char c : out.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return BadUrl("bad character in the path");
  }
  return out;
}

Result<HttpCallResponse> HttpCall(const HttpCallRequest& request) {
  COFFER_ASSIGN_OR_RETURN(ParsedUrl url, ParseHttpUrl(request.url));
  if (request.method.empty() || !std::all_of(request.method.begin(), request.method.end(),
                                             [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Status::InvalidArgument("", "invalid HTTP method");
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || name.find_first_of(" :\r\n", 0) != std::string::npos ||
        name.find('\0') != std::string::npos || value.find_first_of("\r\n") != std::string::npos ||
        value.find('\0') != std::string::npos) {
      return Status::InvalidArgument("", "invalid HTTP header " + name);
    }
  }
  try {
    return Call(request, url);
  } catch (const std::exception& e) {  // Asio/OpenSSL set-up failures throw
    return Status::Internal(std::string("HTTP call failed: ") + e.what());
  }
}

namespace {

Result<HttpCallResponse> Call(const HttpCallRequest& request, const ParsedUrl& url) {
  Clock::time_point deadline = Clock::now() + request.timeout;
  asio::io_context ioc;

  // Resolve (a literal address needs no resolver).
  std::vector<tcp::endpoint> endpoints;
  error_code addr_ec;
  asio::ip::address address = asio::ip::make_address(url.host, addr_ec);
  uint16_t port = static_cast<uint16_t>(std::stoi(url.port));
  if (!addr_ec) {
    endpoints.emplace_back(address, port);
  } else {
    tcp::resolver resolver(ioc);
    auto resolved = RunStep(ioc, deadline, request.cancel, [&](auto done) {
      resolver.async_resolve(url.host, url.port,
                             [&, done](error_code ec, tcp::resolver::results_type results) {
                               for (const auto& entry : results)
                                 endpoints.push_back(entry.endpoint());
                               done(ec);
                             });
    });
    if (!resolved) {
      resolver.cancel();
      return Status::Unavailable("Timeout",
                                 "HTTP request to " + url.host + " timed out resolving the host");
    }
    if (*resolved || endpoints.empty()) {
      return Status::Unavailable("", "cannot resolve " + url.host);
    }
  }

  tcp::socket socket(ioc);
  auto connected = RunStep(ioc, deadline, request.cancel, [&](auto done) {
    asio::async_connect(socket, endpoints,
                        [done](error_code ec, const tcp::endpoint&) { done(ec); });
  });
  if (!connected) {
    socket.close();
    return Status::Unavailable("Timeout", "HTTP request to " + url.host + " timed out connecting");
  }
  if (*connected) {
    return Status::Unavailable(
        "", "cannot connect to " + url.host + ":" + url.port + ": " + connected->message());
  }

  if (!url.tls) {
    return Exchange(ioc, socket, deadline, request, url, [&] { socket.close(); });
  }

  ssl::context ctx(ssl::context::tls_client);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  error_code ec;
  if (request.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(request.ca_file, ec);
  }
  if (ec) return Status::Unavailable("", "cannot load the CA certificates: " + ec.message());
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<tcp::socket&> stream(socket, ctx);
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  if (addr_ec) {  // SNI only for names, never for address literals (RFC 6066)
    if (SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()) != 1) {
      return Status::Unavailable("", "cannot set the TLS server name");
    }
  }
  auto shaken = RunStep(ioc, deadline, request.cancel, [&](auto done) {
    stream.async_handshake(ssl::stream_base::client, [done](error_code ec) { done(ec); });
  });
  if (!shaken) {
    socket.close();
    return Status::Unavailable("Timeout",
                               "HTTP request to " + url.host + " timed out in the TLS handshake");
  }
  if (*shaken) {
    return Status::Unavailable("",
                               "TLS handshake with " + url.host + " failed: " + shaken->message());
  }
  return Exchange(ioc, stream, deadline, request, url, [&] { socket.close(); });
}

}  // namespace

}  // namespace coffer::client
