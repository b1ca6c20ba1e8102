// The SSRF token: what a caller of the agent must send in one of the
// `ssrf_headers` (AWS's agent: utils.rs get_token, server.rs validate_token).
// The token is the value of the first of `ssrf_env_variables` that is set;
// a value `file://PATH` means the contents of PATH, trimmed of surrounding
// white space, read once at start.
//
// Thread-safety: SsrfToken is immutable after construction; Matches may be
// called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/credential_chain.h"
#include "coffer/result.h"
#include "common/secure_string.h"
#include "http/message.h"

namespace coffer::agent {

class SsrfToken {
 public:
  // Reads the token. InvalidArgument naming the variables when none is
  // set (or set but empty), or the file when it cannot be read or is empty.
  static Result<SsrfToken> Read(const std::vector<std::string>& env_variables,
                                const client::EnvLookup& env);
  explicit SsrfToken(SecureString token) : token_(std::move(token)) {}

  // True when one of `headers` of `request` carries the token (each header
  // of the request with that name is tried). The comparison takes the same
  // time whatever the bytes (CRYPTO_memcmp).
  bool Matches(const http::Request& request, const std::vector<std::string>& headers) const;
  // The comparison alone.
  bool Equals(std::string_view candidate) const;

 private:
  SecureString token_;
};

}  // namespace coffer::agent
