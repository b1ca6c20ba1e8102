// HttpCall: one blocking HTTP/1.1 request over a fresh connection, http:// or
// https:// (TLS with the system's CA certificates and host-name
// verification), bounded by a deadline. Used by URL functions (POST the
// event), by the Secrets Manager and STS clients of the built-in rotators and
// of the caching agent.
//
// Not for the hot path: one connection per call, no pooling.
// Thread-safety: a pure function; calls on different threads are independent.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::client {

struct HttpCallRequest {
  std::string method = "POST";
  std::string url;  // http://host[:port]/path?query or https://…
  std::vector<std::pair<std::string, std::string>> headers;  // Host is added
  std::string body;
  std::chrono::milliseconds timeout{30000};  // the whole call: connect, send, receive
  // For tests against a self-signed certificate: the PEM file of the CA to
  // trust instead of the system's (empty: the system's).
  std::string ca_file;
  // When set: the call gives up (as on a timeout) soon after *cancel turns
  // true, checked every 100 ms (a long poll that must stop at shutdown).
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpCallResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Parts of an http(s) URL. InvalidArgument for anything else.
struct ParsedUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6
  std::string port;    // "80"/"443" when absent
  std::string target;  // path and query, "/" when absent
};
Result<ParsedUrl> ParseHttpUrl(std::string_view url);

// The Host header HttpCall sends for `url` (and a SigV4 signer must sign):
// the host, bracketed when IPv6, and the port unless it is the scheme's
// default.
std::string HostHeader(const ParsedUrl& url);

// Any HTTP status is a response (OK); connection, TLS, timeout and parse
// failures are Unavailable with a message that says which (reason "Timeout"
// when the deadline passed, "" otherwise).
Result<HttpCallResponse> HttpCall(const HttpCallRequest& request);

}  // namespace coffer::client
