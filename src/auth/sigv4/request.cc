#include "auth/sigv4/request.h"

namespace coffer::auth::sigv4 {
namespace {
char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
}  // namespace

TargetParts SplitTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

const std::string* FindHeader(const HttpRequestView& req, std::string_view name) {
  if (req.headers == nullptr) return nullptr;
  for (const auto& [header_name, value] : *req.headers) {
    if (EqualsIgnoreCase(header_name, name)) return &value;
  }
  return nullptr;
}

}  // namespace coffer::auth::sigv4
