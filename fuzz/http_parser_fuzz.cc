// Fuzzes the HTTP/1.x request parser (src/http/request_parser.h) as the
// server's Connection drives it: the server's default limits, the bytes
// arriving in pieces, put() called until the message is done or fails, and
// for a keep-alive connection the next request parsed from the leftover
// bytes into the same (reused) Request.
// Input: byte 0 picks the piece size (1..256), the rest is the wire stream.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <cstdint>
#include <string>

#include "http/message.h"
#include "http/request_parser.h"

using coffer::http::Request;
using coffer::http::internal::ParserLimits;
using coffer::http::internal::RequestParser;
using coffer::http::internal::StatusForParseError;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t piece = (data[0] % 256) + 1;
  std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  ParserLimits limits;             // the server defaults (http::ServerOptions)
  limits.max_header_bytes = 4096;  // smaller, so the limit paths are reachable
  limits.max_body_bytes = 8192;
  Request request;
  std::string buffer;  // bytes received but not yet consumed
  size_t offset = 0;
  for (int message = 0; message < 8; ++message) {
    RequestParser parser(request, limits);
    bool failed = false;
    while (!parser.is_done()) {
      if (!buffer.empty()) {
        boost::system::error_code ec;
        size_t used = parser.put(boost::asio::buffer(buffer), ec);
        if (ec == boost::beast::http::error::need_more) ec = {};
        if (ec) {
          int status = StatusForParseError(ec);
          if (status != 400 && status != 413 && status != 431 && status != 501) __builtin_trap();
          failed = true;
          break;
        }
        if (used > buffer.size()) __builtin_trap();
        buffer.erase(0, used);
        if (parser.is_done()) break;
        if (used > 0) continue;
      }
      if (buffer.size() >= 64 * 1024) break;  // Connection::NeedMore answers 400
      if (offset >= wire.size()) {            // closed by the peer: Connection just closes
        failed = true;
        break;
      }
      size_t n = std::min(piece, wire.size() - offset);
      buffer.append(wire.substr(offset, n));
      offset += n;
    }
    if (failed) break;
    // What the pipeline reads from a parsed request.
    (void)request.Header("X-Amz-Target");
    (void)request.Header("Content-Type");
    if (request.body.size() > limits.max_body_bytes) __builtin_trap();
    if (!parser.keep_alive()) break;
  }
  return 0;
}
