// RequestParser: an incremental HTTP/1.x request parser (Beast's
// basic_parser) that writes straight into a reused Request, so steady-state
// parsing allocates nothing. Enforces the header-size, header-count and
// body-size limits; rejects transfer codings other than plain `chunked`.
// One parser object parses one request: construct a fresh one (it is cheap,
// e.g. with std::optional::emplace) for the next.
//
// Thread-safety: not thread-safe; one parser per connection.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <utility>  // before boost headers (performance-notes §8)

#include "http/message.h"

namespace coffer::http::internal {

struct ParserLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_header_count = 256;
  size_t max_body_bytes = 1024 * 1024;
};

// Errors of RequestParser beyond Beast's http::error values.
enum class ParseError {
  kUnsupportedTransferCoding = 1,  // Transfer-Encoding other than "chunked" → 501
};
const boost::system::error_category& ParseErrorCategory();
boost::system::error_code MakeErrorCode(ParseError e);

// The HTTP status for a parse error from RequestParser::put (never need_more):
// 431, 413, 501, or 400 (anything else, including HTTP versions other than
// 1.0 and 1.1).
int StatusForParseError(const boost::system::error_code& ec);

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // Clears the method, target, headers and body of `request` (keeping their
  // capacity) and parses into it. `request` must outlive the parser.
  RequestParser(Request& request, const ParserLimits& limits);

  // True if the request carried `Expect: 100-continue` (HTTP/1.1 only).
  // Valid once is_header_done().
  bool expects_continue() const { return expects_continue_; }

 private:
  void on_request_impl(boost::beast::http::verb method, std::string_view method_str,
                       std::string_view target, int version,
                       boost::system::error_code& ec) override;
  void on_response_impl(int code, std::string_view reason, int version,
                        boost::system::error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, std::string_view name_string,
                     std::string_view value, boost::system::error_code& ec) override;
  void on_header_impl(boost::system::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::system::error_code& ec) override;
  size_t on_body_impl(std::string_view body, boost::system::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, std::string_view extensions,
                            boost::system::error_code& ec) override;
  size_t on_chunk_body_impl(std::uint64_t remain, std::string_view body,
                            boost::system::error_code& ec) override;
  void on_finish_impl(boost::system::error_code& ec) override;

  Request& request_;
  size_t max_header_count_;
  size_t field_count_ = 0;  // fields and trailers seen
  bool header_done_ = false;
  bool saw_transfer_encoding_ = false;
  bool expects_continue_ = false;
};

}  // namespace coffer::http::internal
