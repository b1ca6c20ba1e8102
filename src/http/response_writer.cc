#include "http/response_writer.h"

#include <charconv>
#include <string_view>

namespace coffer::http::internal {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// RFC 9110 §5.6.2 tchar.
bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

bool IsValidValue(std::string_view value) {
  for (unsigned char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

// True if the comma-separated `value` contains the token `option`.
bool HasToken(std::string_view value, std::string_view option) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view token = value.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (IEquals(token, option)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

void AppendNumber(size_t n, std::string* out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), n);
  out->append(digits, end);
}

}  // namespace

bool WantsClose(const Response& response) {
  for (const auto& [name, value] : response.headers) {
    if (IEquals(name, "connection") && HasToken(value, "close")) return true;
  }
  return false;
}

HeadResult AppendResponseHead(const Response& response, const HeadOptions& options,
                              std::string* out) {
  HeadResult result;
  result.keep_alive = options.keep_alive && !WantsClose(response);
  int status = response.status;
  if (status < 200 || status > 599) status = 500;
  std::string_view reason = ReasonPhrase(status);

  out->append("HTTP/1.1 ");
  AppendNumber(static_cast<size_t>(status), out);
  out->push_back(' ');
  out->append(reason);
  out->append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (!IsValidName(name) || !IsValidValue(value)) continue;
    if (IEquals(name, "content-length") || IEquals(name, "transfer-encoding") ||
        IEquals(name, "connection")) {
      continue;
    }
    out->append(name);
    out->append(": ");
    out->append(value);
    out->append("\r\n");
  }
  bool bodiless_status = status == 204 || status == 304;
  if (!bodiless_status) {
    out->append("Content-Length: ");
    AppendNumber(response.body.size(), out);
    out->append("\r\n");
  }
  if (!result.keep_alive) {
    out->append("Connection: close\r\n");
  } else if (options.request_version < 11) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
  result.send_body = !bodiless_status && !options.head_request;
  return result;
}

}  // namespace coffer::http::internal
