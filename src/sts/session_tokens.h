// SessionTokens: STS temporary credentials that any Coffer node verifies
// without storing them and without trusting the client. A temporary
// credential is an ASIA… access key id, a 40-character secret and a session
// token; the token is the credential itself, sealed with the root key
// (crypto::Barrier, AES-256-GCM) under associated data that binds it to its
// access key id:
//   token = base64( Barrier::Seal( JSON claims, "coffer/sts-session/v1|" + id ) )
// The claims hold the secret, the account, the principal ARN (the role
// session's arn:aws:sts::…:assumed-role/ROLE/SESSION, or the user for
// GetSessionToken), the expiry and the sts::SessionClaims (role, session
// policies, tags, source identity). A token altered by one bit, moved to
// another access key id or sealed by another deployment does not open
// (UnrecognizedClientException); an expired one is ExpiredTokenException.
// Nothing is written: sessions survive restarts and work on every node that
// shares the root key, and cannot be revoked before they expire (as on AWS,
// where revoking means a deny policy on the role; see docs/identity.md).
//
// Thread-safety: immutable after construction; Issue and Open are safe from
// any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/sigv4/verifier.h"
#include "coffer/result.h"
#include "common/secure_string.h"
#include "crypto/barrier.h"

namespace coffer::sts {

// The reason and text AWS answers for an expired session token (JSON
// services: ExpiredTokenException 400; STS: ExpiredToken 400) [docs: STS API
// reference, Common Errors "ExpiredTokenException"].
inline constexpr std::string_view kExpiredToken = "ExpiredTokenException";
inline constexpr std::string_view kExpiredTokenMessage =
    "The security token included in the request is expired";

struct IssuedCredentials {
  std::string access_key_id;  // ASIA + 16
  SecureString secret_access_key;
  std::string session_token;
  int64_t expires_ms = 0;
};

class SessionTokens {
 public:
  explicit SessionTokens(const crypto::Barrier& barrier) : barrier_(barrier) {}

  // New temporary credentials for `principal_arn` of `account_id`, valid
  // until claims.expires_ms.
  Result<IssuedCredentials> Issue(std::string_view account_id, std::string_view principal_arn,
                                  const auth::sigv4::SessionClaims& claims) const;

  // The credential of `token` for `access_key_id`: null when the token does
  // not open for that id; ExpiredTokenException when now_ms is past its
  // expiry.
  Result<std::shared_ptr<const auth::sigv4::Credential>> Open(std::string_view access_key_id,
                                                              std::string_view token,
                                                              int64_t now_ms) const;

 private:
  const crypto::Barrier& barrier_;
};

}  // namespace coffer::sts
