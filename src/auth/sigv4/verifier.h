// Verifier: authenticates an incoming request by AWS Signature Version 4
// (aws-compat.md §3), from either the Authorization header or presigned query
// parameters, and names the caller.
//
// On failure Verify returns Status::Unauthenticated whose reason is the AWS
// `__type` and whose message is AWS's text (§3.2, see errors.h); a failing
// CredentialLookup's Status is passed through unchanged. In permissive mode
// (the moto/LocalStack-style emulator, `--auth permissive`) the request must
// still parse and be scoped to the expected service, a valid region and the
// request's date with `host` signed, but no key is looked up and neither the
// signature nor the clock is checked; the caller is the configured account's
// root.
//
// Thread-safety: Verify is safe to call concurrently. The lookup function
// must be too. The Clock must outlive the Verifier.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4/request.h"
#include "auth/sigv4/signing_key_cache.h"
#include "coffer/result.h"
#include "common/clock.h"
#include "common/secure_string.h"

namespace coffer::auth::sigv4 {

// What a temporary credential (STS AssumeRole, GetSessionToken) carries
// besides its secret, read from its session token by the SessionLookup.
struct SessionClaims {
  std::string role_arn;  // AssumeRole: the role; empty for GetSessionToken
  std::string role_id;   // AROA…
  std::string session_name;
  std::string source_identity;
  int64_t issued_ms = 0;
  int64_t expires_ms = 0;
  std::string session_policy;            // AssumeRole Policy (JSON text), may be empty
  std::vector<std::string> policy_arns;  // AssumeRole PolicyArns
  std::vector<std::pair<std::string, std::string>> tags;  // session tags
  bool operator==(const SessionClaims&) const = default;
};

struct Credential {
  coffer::SecureString secret_access_key;
  std::string account_id;
  std::string principal_arn;
  // Names this secret for the SigningKeyCache (see SigningKeyCache::Get): a
  // lookup that holds its credentials gives each secret it loads a serial
  // never used before in the process; 0 = none (the secret is fingerprinted).
  uint64_t serial = 0;
  // Set for temporary credentials: what their session token says.
  std::shared_ptr<const SessionClaims> session;
};

// Finds the credential for an access key id: null when the key is unknown
// (reported as UnrecognizedClientException), an error Status for a lookup
// failure (passed through). Shared: a lookup that keeps its credentials in
// memory hands out its own, not a copy of the secret.
using CredentialLookup = std::function<coffer::Result<std::shared_ptr<const Credential>>(
    std::string_view access_key_id)>;

// Finds the credential of a temporary access key id (ASIA…) from the
// request's X-Amz-Security-Token: null when the token is not one this
// deployment issued for that id (UnrecognizedClientException), an error
// Status (e.g. ExpiredTokenException) passed through.
using SessionLookup = std::function<coffer::Result<std::shared_ptr<const Credential>>(
    std::string_view access_key_id, std::string_view session_token)>;

struct VerifierOptions {
  int64_t max_skew_ms = 5 * 60 * 1000;
  bool permissive = false;
  std::string permissive_account_id;
  size_t signing_key_cache_capacity = SigningKeyCache::kDefaultCapacity;
  // Temporary credentials; unset: every X-Amz-Security-Token is refused.
  SessionLookup session_lookup;
};

struct VerifiedCaller {
  std::string access_key_id;
  std::string account_id;
  std::string principal_arn;
  std::string region;           // from the credential scope
  std::string service;          // from the credential scope
  int64_t request_time_ms = 0;  // X-Amz-Date (or Date)
  // The credential that signed (null in permissive mode): its session
  // claims for temporary credentials.
  std::shared_ptr<const Credential> credential;
};

// True for a well-formed region name, ^[a-z]{2}(-[a-z]+)+-\d+$ ("us-east-1",
// "us-gov-west-1"). Regions are namespaces of one deployment, so any
// well-formed name is accepted.
bool IsValidRegion(std::string_view region);

class Verifier {
 public:
  Verifier(CredentialLookup lookup, const coffer::Clock& clock, VerifierOptions options);
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  // Authenticates `req`, whose credential scope must name `expected_service`
  // (e.g. "secretsmanager"). Checks, in order: an Authorization header or
  // presigned query is present (MissingAuthenticationTokenException); it
  // parses, a date is present, well-formed and (header form) signed
  // (IncompleteSignatureException); the scope date equals the request date,
  // the scope service is `expected_service` and the region is valid
  // (InvalidSignatureException); host and each header of `must_sign` are in
  // SignedHeaders (IncompleteSignatureException "'X-Amz-Target' must be a
  // 'SignedHeader' in the AWS Authorization.", in both auth forms and in
  // permissive mode too). `must_sign` names, as the message shows them, the
  // headers a wire protocol takes the request's meaning from: for JSON 1.1,
  // Content-Type and X-Amz-Target, which every AWS SDK signs; a signature
  // that leaves them out could be replayed as another operation. Then,
  // unless permissive: an X-Amz-Security-Token goes to the SessionLookup
  // (none configured: UnrecognizedClientException); the time is within
  // max_skew_ms of now, or for presigned requests not past X-Amz-Expires
  // (InvalidSignatureException); the key is known
  // (UnrecognizedClientException); the signature matches
  // (InvalidSignatureException).
  coffer::Result<VerifiedCaller> Verify(const HttpRequestView& req,
                                        std::string_view expected_service,
                                        std::span<const std::string_view> must_sign = {}) const;

  // For tests and metrics.
  SigningKeyCache::Stats signing_key_cache_stats() const { return cache_.stats(); }

 private:
  CredentialLookup lookup_;
  const coffer::Clock& clock_;
  const VerifierOptions options_;
  mutable SigningKeyCache cache_;
};

}  // namespace coffer::auth::sigv4
