#include "auth/sigv4/signer.h"

#include <array>

#include "auth/sigv4/canonical.h"
#include "auth/sigv4/digest.h"
#include "auth/sigv4/time_format.h"
#include "auth/sigv4/uri_encode.h"

namespace coffer::auth::sigv4 {
namespace {

// Headers botocore never signs, or that signing itself sets.
bool SkipWhenSigning(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kSkipped = {
      "expect",        "transfer-encoding", "user-agent",          "x-amzn-trace-id",
      "authorization", "x-amz-date",        "x-amz-security-token"};
  for (auto skipped : kSkipped) {
    if (EqualsIgnoreCase(name, skipped)) return true;
  }
  return false;
}

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

Result<Signature> Sign(std::string_view method, std::string_view target, const HeaderList* headers,
                       std::string_view signed_headers, std::string_view body, bool presigned,
                       const SigningCredentials& creds, std::string_view amz_date,
                       std::string_view region, std::string_view service) {
  const TargetParts parts = SplitTarget(target);
  COFFER_ASSIGN_OR_RETURN(std::string payload_hash, HashedPayload(body));
  const std::string canonical_uri = CanonicalUri(parts.path);
  const std::string canonical_query = CanonicalQuery(parts.query, presigned);
  const std::string canonical_headers = CanonicalHeaders(headers, signed_headers);
  Signature out;
  out.canonical_request = CanonicalRequest(
      {method, canonical_uri, canonical_query, canonical_headers, signed_headers, payload_hash});
  const std::string date = std::string(amz_date.substr(0, 8));
  COFFER_ASSIGN_OR_RETURN(
      out.string_to_sign,
      StringToSign(amz_date, CredentialScope(date, region, service), out.canonical_request));
  COFFER_ASSIGN_OR_RETURN(SigningKey key,
                          DeriveSigningKey(creds.secret_access_key.view(), date, region, service));
  COFFER_ASSIGN_OR_RETURN(out.signature, ComputeSignature(key, out.string_to_sign));
  return out;
}

}  // namespace

Result<SigningResult> SignRequest(const HttpRequestView& req, const SigningCredentials& creds,
                                  std::string_view region, std::string_view service,
                                  int64_t time_ms) {
  if (FindHeader(req, "host") == nullptr) {
    return Status::InvalidArgument("InvalidArgument", "cannot sign a request without Host");
  }
  SigningResult result;
  result.amz_date = FormatAmzDate(time_ms);
  HeaderList& headers = result.signed_headers;
  if (req.headers != nullptr) {
    for (const auto& header : *req.headers) {
      if (!SkipWhenSigning(header.first)) headers.push_back(header);
    }
  }
  headers.emplace_back("X-Amz-Date", result.amz_date);
  if (!creds.session_token.empty()) {
    headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  const std::string signed_names = SignedHeadersFor(headers);
  COFFER_ASSIGN_OR_RETURN(Signature sig,
                          Sign(req.method, req.target, &headers, signed_names, req.body,
                               /*presigned=*/false, creds, result.amz_date, region, service));
  result.signature = std::move(sig.signature);
  result.canonical_request = std::move(sig.canonical_request);
  result.string_to_sign = std::move(sig.string_to_sign);
  result.authorization = std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" +
                         CredentialScope(result.amz_date.substr(0, 8), region, service) +
                         ", SignedHeaders=" + signed_names + ", Signature=" + result.signature;
  // Unsigned headers (User-Agent, ...) still travel with the request.
  if (req.headers != nullptr) {
    for (const auto& header : *req.headers) {
      if (SkipWhenSigning(header.first) && !EqualsIgnoreCase(header.first, "authorization") &&
          !EqualsIgnoreCase(header.first, "x-amz-date") &&
          !EqualsIgnoreCase(header.first, "x-amz-security-token")) {
        headers.push_back(header);
      }
    }
  }
  headers.emplace_back("Authorization", result.authorization);
  return result;
}

Result<std::string> PresignRequest(const HttpRequestView& req, const SigningCredentials& creds,
                                   std::string_view region, std::string_view service,
                                   int64_t time_ms, int64_t expires_seconds) {
  const std::string* host = FindHeader(req, "host");
  if (host == nullptr) {
    return Status::InvalidArgument("InvalidArgument", "cannot presign a request without Host");
  }
  if (expires_seconds < 1 || expires_seconds > 604800) {
    return Status::InvalidArgument("InvalidArgument", "expires must be 1..604800 seconds");
  }
  const std::string amz_date = FormatAmzDate(time_ms);
  const std::string credential =
      creds.access_key_id + "/" + CredentialScope(amz_date.substr(0, 8), region, service);
  std::string target(req.target);
  target.push_back(target.find('?') == std::string::npos ? '?' : '&');
  target += "X-Amz-Algorithm=" + std::string(kAlgorithm);
  target += "&X-Amz-Credential=" + UriEncode(credential, false);
  target += "&X-Amz-Date=" + amz_date;
  target += "&X-Amz-Expires=" + std::to_string(expires_seconds);
  target += "&X-Amz-SignedHeaders=host";
  if (!creds.session_token.empty()) {
    target += "&X-Amz-Security-Token=" + UriEncode(creds.session_token, false);
  }
  const HeaderList host_only = {{"host", *host}};
  COFFER_ASSIGN_OR_RETURN(Signature sig,
                          Sign(req.method, target, &host_only, "host", req.body,
                               /*presigned=*/true, creds, amz_date, region, service));
  target += "&X-Amz-Signature=" + sig.signature;
  return target;
}

}  // namespace coffer::auth::sigv4
