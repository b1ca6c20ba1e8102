// The canonicalisation steps of SigV4 (IAM UG "Create a signed AWS API
// request", steps 1-2; aws-compat.md §3.1), one pure function per step so
// each can be tested on its own against the aws4_testsuite vectors.
//
// The functions take untrusted input and never fail or assert on it: odd
// input simply canonicalises to something whose signature will not match.
// Each step that builds text has an Append form, which appends to *out so the
// Verifier can reuse per-thread buffers on the hot path, and a convenience
// form returning a new string.
// Thread-safety: pure functions (hashing uses per-thread contexts).
#pragma once

#include <string>
#include <string_view>

#include "auth/sigv4/digest.h"
#include "auth/sigv4/request.h"
#include "coffer/result.h"

namespace coffer::auth::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kScopeTerminator = "aws4_request";
// Hex SHA-256 of the empty string.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// RFC 3986 §5.2.4 dot-segment removal plus collapsing of repeated slashes, as
// botocore does for every service but S3: "//a/./b/../" -> "/a/". An empty
// path becomes "/".
std::string NormalizePath(std::string_view path);

// The canonical URI: the normalised path with each byte outside the
// unreserved set percent-encoded ('/' kept). The path is encoded exactly as
// received, so an already-encoded "%20" becomes "%2520", the same double
// encoding the SDKs apply for non-S3 services.
void AppendCanonicalUri(std::string_view raw_path, std::string* out);
std::string CanonicalUri(std::string_view raw_path);

// The canonical query string: parameters decoded, re-encoded with the SigV4
// rules, sorted by encoded name then encoded value, joined "n=v" with '&'.
// With `exclude_signature`, X-Amz-Signature is left out (presigned form).
void AppendCanonicalQuery(std::string_view raw_query, bool exclude_signature, std::string* out);
std::string CanonicalQuery(std::string_view raw_query, bool exclude_signature);

// The value as it appears in a canonical header line: leading and trailing
// whitespace removed and every inner run of whitespace collapsed to one space.
void AppendCanonicalHeaderValue(std::string_view value, std::string* out);

// The canonical headers block for `signed_headers` ("host;x-amz-date", in
// that order): one "name:value\n" line per name, where the values of every
// header of that name (case-insensitive) are canonicalised and joined with
// ',' in arrival order. A signed header the request lacks gets an empty value.
void AppendCanonicalHeaders(const HeaderList* headers, std::string_view signed_headers,
                            std::string* out);
std::string CanonicalHeaders(const HeaderList* headers, std::string_view signed_headers);

// The SignedHeaders list the signer produces for `headers`: lowercase names,
// de-duplicated, sorted, joined with ';'.
std::string SignedHeadersFor(const HeaderList& headers);

// Hex SHA-256 of the body (step 1's HashedPayload).
Result<HexDigest> HashedPayloadDigest(std::string_view body);
Result<std::string> HashedPayload(std::string_view body);

// Step 1 assembled:
// Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
// SignedHeaders \n HashedPayload
struct CanonicalRequestParts {
  std::string_view method;
  std::string_view canonical_uri;
  std::string_view canonical_query;
  std::string_view canonical_headers;  // each line '\n'-terminated
  std::string_view signed_headers;
  std::string_view hashed_payload;
};
void AppendCanonicalRequest(const CanonicalRequestParts& parts, std::string* out);
std::string CanonicalRequest(const CanonicalRequestParts& parts);

// "yyyymmdd/region/service/aws4_request".
void AppendCredentialScope(std::string_view date, std::string_view region, std::string_view service,
                           std::string* out);
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);

// Step 3: AWS4-HMAC-SHA256 \n amz_date \n scope \n hex(SHA256(canonical_request)).
Status AppendStringToSign(std::string_view amz_date, std::string_view scope,
                          std::string_view canonical_request, std::string* out);
Result<std::string> StringToSign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request);

}  // namespace coffer::auth::sigv4
