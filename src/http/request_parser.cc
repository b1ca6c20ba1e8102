#include "http/request_parser.h"

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <climits>
#include <string>

#include "common/secure_string.h"

namespace coffer::http::internal {
namespace {

namespace beast_http = boost::beast::http;

// Appends `more` to a body; when the body must grow (a chunked body, whose
// size is not known up front), the old buffer is wiped before it is freed:
// it may hold the first part of a secret.
void AppendWiping(std::string& body, std::string_view more) {
  if (body.capacity() - body.size() < more.size()) {
    std::string grown;
    grown.reserve(std::max(2 * body.capacity(), body.size() + more.size()));
    grown.append(body);
    WipeString(body);
    body.swap(grown);
  }
  body.append(more);
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x += 'a' - 'A';
    if (y >= 'A' && y <= 'Z') y += 'a' - 'A';
    if (x != y) return false;
  }
  return true;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

class ParseErrorCategoryImpl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "coffer.http.parse"; }
  std::string message(int ev) const override {
    switch (static_cast<ParseError>(ev)) {
      case ParseError::kUnsupportedTransferCoding: return "unsupported transfer coding";
    }
    return "unknown parse error";
  }
};

}  // namespace

const boost::system::error_category& ParseErrorCategory() {
  static const ParseErrorCategoryImpl category;
  return category;
}

boost::system::error_code MakeErrorCode(ParseError e) {
  return {static_cast<int>(e), ParseErrorCategory()};
}

int StatusForParseError(const boost::system::error_code& ec) {
  if (ec == beast_http::error::header_limit) return 431;
  if (ec == beast_http::error::body_limit) return 413;
  if (ec == MakeErrorCode(ParseError::kUnsupportedTransferCoding)) return 501;
  return 400;
}

RequestParser::RequestParser(Request& request, const ParserLimits& limits)
    : request_(request), max_header_count_(limits.max_header_count) {
  header_limit(static_cast<std::uint32_t>(std::min<size_t>(limits.max_header_bytes, UINT32_MAX)));
  body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
  request_.method.clear();
  request_.target.clear();
  request_.body.clear();
  request_.version = 11;
  // Header strings are overwritten in place by on_field_impl to reuse their
  // capacity; on_header_impl trims the vector to the fields received.
}

void RequestParser::on_request_impl(beast_http::verb, std::string_view method_str,
                                    std::string_view target, int version,
                                    boost::system::error_code&) {
  // Beast has already refused versions other than 1.0 and 1.1 (400).
  request_.method.assign(method_str);
  request_.target.assign(target);
  request_.version = version;
}

void RequestParser::on_response_impl(int, std::string_view, int, boost::system::error_code& ec) {
  ec = beast_http::error::bad_method;  // unreachable for a request parser
}

void RequestParser::on_field_impl(beast_http::field name, std::string_view name_string,
                                  std::string_view value, boost::system::error_code& ec) {
  if (++field_count_ > max_header_count_) {
    ec = beast_http::error::header_limit;
    return;
  }
  if (header_done_) return;  // a chunked trailer: not exposed
  auto& headers = request_.headers;
  size_t index = field_count_ - 1;
  if (index < headers.size()) {
    headers[index].first.assign(name_string);
    headers[index].second.assign(value);
  } else {
    headers.emplace_back(name_string, value);
  }
  if (name == beast_http::field::transfer_encoding) {
    saw_transfer_encoding_ = true;
  } else if (name == beast_http::field::expect) {
    expects_continue_ = IEquals(TrimOws(value), "100-continue");
  }
}

void RequestParser::on_header_impl(boost::system::error_code& ec) {
  header_done_ = true;
  request_.headers.resize(field_count_);
  // RFC 9112 §6.1: a request whose final transfer coding is not chunked has
  // no reliable length. Beast ignores such a Transfer-Encoding, which would
  // let the body be read as the next request (smuggling), so refuse it. Other
  // codings stacked before chunked (gzip, chunked) are not decoded: refuse.
  if (saw_transfer_encoding_) {
    if (!chunked()) {
      ec = MakeErrorCode(ParseError::kUnsupportedTransferCoding);
      return;
    }
    for (const auto& [key, value] : request_.headers) {
      if (IEquals(key, "transfer-encoding") && !IEquals(TrimOws(value), "chunked")) {
        ec = MakeErrorCode(ParseError::kUnsupportedTransferCoding);
        return;
      }
    }
  }
  if (request_.version < 11) expects_continue_ = false;
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      boost::system::error_code&) {
  // Beast has already checked content_length against the body limit.
  if (content_length) request_.body.reserve(static_cast<size_t>(*content_length));
}

size_t RequestParser::on_body_impl(std::string_view body, boost::system::error_code&) {
  AppendWiping(request_.body, body);
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, std::string_view,
                                         boost::system::error_code&) {}

size_t RequestParser::on_chunk_body_impl(std::uint64_t, std::string_view body,
                                         boost::system::error_code&) {
  AppendWiping(request_.body, body);
  return body.size();
}

void RequestParser::on_finish_impl(boost::system::error_code&) {}

}  // namespace coffer::http::internal
