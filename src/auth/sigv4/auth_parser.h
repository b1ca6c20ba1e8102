// Parsing of the two places SigV4 authentication can arrive (aws-compat.md
// §3.1 steps 1 and 7): the Authorization header
//   AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request,
//   SignedHeaders=a;b, Signature=hex
// and the presigned query parameters X-Amz-Algorithm, X-Amz-Credential,
// X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature and the
// optional X-Amz-Security-Token.
//
// Input is untrusted: malformed text yields IncompleteSignatureException (or
// InvalidSignatureException for a bad scope terminator) with AWS's wording,
// never a crash. Parsing checks shape only; whether the scope names the
// right service, region and date is the Verifier's job.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::auth::sigv4 {

// The text fields are views into the parser's input (the header value, or
// the strings of the QueryParams), valid for as long as that input is.
struct ParsedAuthorization {
  bool presigned = false;
  // The credential scope.
  std::string_view access_key_id;
  std::string_view scope_date;  // yyyymmdd as sent (not validated)
  std::string_view region;
  std::string_view service;
  std::string_view signed_headers;  // "host;x-amz-date" as sent
  std::string_view signature;       // hex as sent
  // Presigned form only.
  std::string_view amz_date;    // X-Amz-Date
  int64_t expires_seconds = 0;  // X-Amz-Expires, 1..604800
  bool has_security_token = false;
};

// Parses an Authorization header value. `has_date_header` says whether the
// request carries X-Amz-Date or Date, whose absence AWS reports together with
// any missing parameter.
Result<ParsedAuthorization> ParseAuthorizationHeader(std::string_view value, bool has_date_header);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// True when decoded query `params` carry presigned authentication, i.e. any
// of X-Amz-Algorithm, X-Amz-Credential or X-Amz-Signature.
bool HasPresignedParams(const QueryParams& params);

// Parses the presigned parameters out of decoded query `params`.
Result<ParsedAuthorization> ParsePresignedQuery(const QueryParams& params);

}  // namespace coffer::auth::sigv4
