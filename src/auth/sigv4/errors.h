// The SigV4 authentication failures as AWS reports them to JSON-protocol
// clients (aws-compat.md §3.2): every one is Status::Unauthenticated with the
// AWS `__type` as reason and the AWS text as message. Their wire form (HTTP
// 400, a lowercase "message" member) is a row of the framework table in
// protocol/error_table.cc (server/error_vocabulary_test.cc checks it).
//
// Messages may echo what the client sent (its Authorization header, scope,
// dates) as AWS does, but never a secret access key, signing key or the
// signature the server computed.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "coffer/status.h"

namespace coffer::auth::sigv4 {

inline constexpr std::string_view kMissingAuthenticationToken =
    "MissingAuthenticationTokenException";
inline constexpr std::string_view kIncompleteSignature = "IncompleteSignatureException";
inline constexpr std::string_view kInvalidSignature = "InvalidSignatureException";
inline constexpr std::string_view kUnrecognizedClient = "UnrecognizedClientException";

inline constexpr std::string_view kSignatureMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

// No Authorization header and no presigned query parameters.
Status MissingAuthenticationToken();
// The Authorization header or presigned query is malformed or incomplete.
Status IncompleteSignature(std::string message);
// The computed signature differs from the one sent.
Status SignatureMismatch();
// The request time is more than `skew_ms` before now ("Signature expired: ...").
Status SignatureExpired(int64_t request_ms, int64_t now_ms, int64_t skew_ms);
// The request time is more than `skew_ms` after now ("Signature not yet current: ...").
Status SignatureNotYetCurrent(int64_t request_ms, int64_t now_ms, int64_t skew_ms);
// A presigned request past X-Amz-Date + X-Amz-Expires.
Status PresignedExpired(int64_t expires_at_ms, int64_t now_ms);
Status WrongScopeService(std::string_view expected_service);
Status InvalidScopeRegion(std::string_view region);
Status InvalidScopeTerminator(std::string_view terminator);
// The scope date differs from the date part of the request time.
Status ScopeDateMismatch(std::string_view scope_date, std::string_view request_date,
                         std::string_view raw_date);
// Unknown access key id, or any session token (none are issued yet).
Status UnrecognizedClient();

}  // namespace coffer::auth::sigv4
