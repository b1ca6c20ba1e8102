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
#include "common/sharded_cache.h"
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

// The credentials of the session tokens opened lately, by access key id: a
// role session signs every request with the same token, and opening it
// (base64, AES-GCM, the claims' JSON: ~1 KB) cost more than the rest of
// the authorization (docs/performance.md §7). A hit needs the very token
// (compared in constant time) and is checked for expiry like a fresh open;
// nothing is cached for a token that did not open. Bounded (cleared by
// shard when full).
// Thread-safety: Open may be called concurrently.
class OpenedSessions {
 public:
  explicit OpenedSessions(const SessionTokens& tokens, size_t max_per_shard = 4096)
      : tokens_(tokens), cache_(max_per_shard) {}
  Result<std::shared_ptr<const auth::sigv4::Credential>> Open(std::string_view access_key_id,
                                                              std::string_view token,
                                                              int64_t now_ms);

 private:
  struct Entry {
    std::string token;
    std::shared_ptr<const auth::sigv4::Credential> credential;
  };
  const SessionTokens& tokens_;
  ShardedCache<Entry> cache_;
};

}  // namespace coffer::sts
