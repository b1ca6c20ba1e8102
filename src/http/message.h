// Request and Response: one HTTP/1.x exchange as the transport hands it to
// the application, plus the Handler and ErrorResponder callbacks the Server
// calls. The transport knows nothing about AWS: routing, authentication and
// error bodies belong to the caller.
//
// Thread-safety: plain values. The Server reuses one Request and one Response
// per connection, so a Handler must not keep references to them after it
// returns.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffer::http {

struct Request {
  std::string method;  // as received, e.g. "POST"
  std::string target;  // request-target, e.g. "/?Action=GetCallerIdentity"
  // Header fields with names as received, duplicates kept, in arrival order.
  // Chunked-body trailers are not included.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;            // decoded (de-chunked) body
  std::string remote_address;  // peer IP address, without the port
  bool tls = false;            // arrived over TLS
  int version = 11;            // 10 for HTTP/1.0, 11 for HTTP/1.1

  // The value of the first header named `name` (ASCII case-insensitive), or
  // "" if there is none. The view is valid until the request is changed.
  std::string_view Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  // Extra header fields. The transport writes Content-Length and Connection
  // itself and drops any the handler sets (a handler's `Connection: close`
  // is honoured: the connection is closed after this response). Fields whose
  // name or value could split the response (CR, LF, NUL) are dropped.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called once per complete request, synchronously on the I/O thread that read
// it; `response` starts as an empty 200. Should not block for long: it holds
// up every connection served by that thread. An exception escaping it is
// caught and answered with ErrorResponder(500, ...).
using Handler = std::function<void(const Request& request, Response& response)>;

// Builds the response for a transport-level failure: 400 malformed request,
// 408 request not received in time, 413 body too large, 431 header too large,
// 500 handler threw, 501 unsupported transfer coding, 503 too many
// connections. (HTTP versions other than 1.0 and 1.1 are malformed: 400.) `reason` is the standard
// reason phrase. May be called on any I/O thread; must not throw (if it does, a plain-text response
// is sent instead).
using ErrorResponder = std::function<Response(int status, std::string_view reason)>;

// A plain-text ErrorResponder: body "<status> <reason>\n".
Response DefaultErrorResponse(int status, std::string_view reason);

// The standard reason phrase of `status` ("OK", "Not Found"), or "" if unknown.
std::string_view ReasonPhrase(int status);

}  // namespace coffer::http
