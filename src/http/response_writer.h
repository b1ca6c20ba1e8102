// Serializes the status line and header block of a Response. The transport
// owns framing: it writes Content-Length and Connection itself, drops the
// handler's Content-Length / Transfer-Encoding / Connection fields, and drops
// fields that could split the response (CR, LF or NUL, or a name that is not
// an HTTP token).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "http/message.h"

namespace coffer::http::internal {

struct HeadOptions {
  int request_version = 11;   // 10 → say `Connection: keep-alive` when keeping it
  bool head_request = false;  // HEAD: Content-Length of the body, but no body
  bool keep_alive = true;     // false → `Connection: close`
};

struct HeadResult {
  bool send_body = true;   // false for HEAD, 1xx, 204 and 304
  bool keep_alive = true;  // false if asked, or the handler said Connection: close
};

// True if `response` carries a Connection field with the "close" option.
bool WantsClose(const Response& response);

// Appends the status line and headers of `response`, ending with the blank
// line, to `*out`. A status outside 200-599 is sent as 500.
HeadResult AppendResponseHead(const Response& response, const HeadOptions& options,
                              std::string* out);

}  // namespace coffer::http::internal
