#include "agent/ssrf_token.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace coffer::agent {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

Result<SsrfToken> SsrfToken::Read(const std::vector<std::string>& env_variables,
                                  const client::EnvLookup& env) {
  for (const std::string& name : env_variables) {
    std::optional<std::string> value = env(name);
    if (!value) continue;
    SecureString held(std::move(*value));
    std::string_view v = held.view();
    if (v.rfind("file://", 0) != 0) {
      if (v.empty())
        return Status::InvalidArgument("", "SSRF token variable " + name + " is empty");
      return SsrfToken(std::move(held));
    }
    std::string path(v.substr(7));
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::InvalidArgument(
          "", "cannot read the SSRF token file " + path + " (from " + name + ")");
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string contents = text.str();
    SecureString token{std::string_view(Trim(contents))};
    WipeString(contents);
    if (token.empty()) {
      return Status::InvalidArgument("", "the SSRF token file " + path + " is empty");
    }
    return SsrfToken(std::move(token));
  }
  std::string names;
  for (const std::string& n : env_variables) names += (names.empty() ? "" : ", ") + n;
  return Status::InvalidArgument(
      "", "Could not read SSRF token variable(s) [" + names + "]: none is set");
}

bool SsrfToken::Equals(std::string_view candidate) const {
  std::string_view token = token_.view();
  // CRYPTO_memcmp over the token's length whatever the candidate's, so the
  // time says nothing about how much of it matched.
  std::string padded(token.size(), '\0');
  std::copy_n(candidate.data(), std::min(candidate.size(), token.size()), padded.begin());
  const bool same_bytes = CRYPTO_memcmp(padded.data(), token.data(), token.size()) == 0;
  OPENSSL_cleanse(padded.data(), padded.size());
  return same_bytes && candidate.size() == token.size();
}

bool SsrfToken::Matches(const http::Request& request,
                        const std::vector<std::string>& headers) const {
  bool match = false;
  for (const std::string& name : headers) {
    for (const auto& header : request.headers) {
      if (EqualsIgnoreCase(header.first, name) && Equals(header.second)) match = true;
    }
  }
  return match;
}

}  // namespace coffer::agent
