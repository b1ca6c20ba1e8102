#include "auth/sigv4/errors.h"

#include "auth/sigv4/time_format.h"

namespace coffer::auth::sigv4 {
namespace {

Status Unauthenticated(std::string_view type, std::string message) {
  return Status::Unauthenticated(std::string(type), std::move(message));
}

// "5" for five minutes; AWS only ever prints whole minutes.
std::string Minutes(int64_t skew_ms) { return std::to_string(skew_ms / 60000); }

}  // namespace

Status MissingAuthenticationToken() {
  return Unauthenticated(kMissingAuthenticationToken, "Request is missing Authentication Token");
}

Status IncompleteSignature(std::string message) {
  return Unauthenticated(kIncompleteSignature, std::move(message));
}

Status SignatureMismatch() {
  return Unauthenticated(kInvalidSignature, std::string(kSignatureMismatchMessage));
}

Status SignatureExpired(int64_t request_ms, int64_t now_ms, int64_t skew_ms) {
  return Unauthenticated(kInvalidSignature,
                         "Signature expired: " + FormatAmzDate(request_ms) +
                             " is now earlier than " + FormatAmzDate(now_ms - skew_ms) + " (" +
                             FormatAmzDate(now_ms) + " - " + Minutes(skew_ms) + " min.)");
}

Status SignatureNotYetCurrent(int64_t request_ms, int64_t now_ms, int64_t skew_ms) {
  return Unauthenticated(kInvalidSignature,
                         "Signature not yet current: " + FormatAmzDate(request_ms) +
                             " is still later than " + FormatAmzDate(now_ms + skew_ms) + " (" +
                             FormatAmzDate(now_ms) + " + " + Minutes(skew_ms) + " min.)");
}

Status PresignedExpired(int64_t expires_at_ms, int64_t now_ms) {
  return Unauthenticated(kInvalidSignature, "Signature expired: " + FormatAmzDate(expires_at_ms) +
                                                " is now earlier than " + FormatAmzDate(now_ms) +
                                                ".");
}

Status WrongScopeService(std::string_view expected_service) {
  return Unauthenticated(kInvalidSignature, "Credential should be scoped to correct service: '" +
                                                std::string(expected_service) + "'. ");
}

Status InvalidScopeRegion(std::string_view region) {
  return Unauthenticated(kInvalidSignature, "Credential should be scoped to a valid region, not '" +
                                                std::string(region) + "'. ");
}

Status InvalidScopeTerminator(std::string_view terminator) {
  return Unauthenticated(kInvalidSignature,
                         "Credential should be scoped with a valid terminator: 'aws4_request', "
                         "not '" +
                             std::string(terminator) + "'. ");
}

Status ScopeDateMismatch(std::string_view scope_date, std::string_view request_date,
                         std::string_view raw_date) {
  return Unauthenticated(
      kInvalidSignature,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
      "HTTP: '" +
          std::string(scope_date) + "' != '" + std::string(request_date) + "', from '" +
          std::string(raw_date) + "'.");
}

Status UnrecognizedClient() {
  return Unauthenticated(kUnrecognizedClient,
                         "The security token included in the request is invalid.");
}

}  // namespace coffer::auth::sigv4
