// Signer: produces SigV4 signatures exactly as botocore's SigV4Auth and
// SigV4QueryAuth do, for tests, the agent and benchmarks. The server itself
// only verifies.
//
// Header signing signs every header of the request except the ones botocore
// never signs (expect, transfer-encoding, user-agent, x-amzn-trace-id) and
// the ones it replaces (authorization, x-amz-date, x-amz-security-token),
// adds X-Amz-Date (and X-Amz-Security-Token when the credentials carry a
// session token), and returns the headers to set. The request must carry a
// Host header.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/sigv4/request.h"
#include "coffer/result.h"
#include "common/secure_string.h"

namespace coffer::auth::sigv4 {

struct SigningCredentials {
  std::string access_key_id;
  coffer::SecureString secret_access_key;
  std::string session_token;  // empty for long-term keys
};

struct SigningResult {
  std::string amz_date;       // the X-Amz-Date value
  std::string authorization;  // the Authorization header value
  std::string signature;
  // Intermediate steps, for tests and debugging. They hold no secret.
  std::string canonical_request;
  std::string string_to_sign;
  // The request's headers with X-Amz-Date, X-Amz-Security-Token (if any)
  // and Authorization set: what to send.
  HeaderList signed_headers;
};

// Signs `req` for the Authorization header at `time_ms`. InvalidArgument when
// the request has no Host header.
Result<SigningResult> SignRequest(const HttpRequestView& req, const SigningCredentials& creds,
                                  std::string_view region, std::string_view service,
                                  int64_t time_ms);

// Presigns `req` (query auth, signing only `host`) valid for `expires_seconds`
// (1..604800). Returns the new request target: the original path and query
// plus the X-Amz-* parameters and X-Amz-Signature. `req`'s body is hashed as
// for header signing.
Result<std::string> PresignRequest(const HttpRequestView& req, const SigningCredentials& creds,
                                   std::string_view region, std::string_view service,
                                   int64_t time_ms, int64_t expires_seconds);

}  // namespace coffer::auth::sigv4
