// StsClient: the two STS calls a client needs (AssumeRole, for profiles with
// role_arn + source_profile, and GetCallerIdentity, to check credentials at
// start) over the Query protocol: a form POST signed with SigV4 (service
// "sts", auth/sigv4's signer) and an XML answer. Errors come back as a
// Status whose reason is STS's `<Code>` and whose message is its
// `<Message>`: PermissionDenied for AccessDenied, Unauthenticated for
// signature and token errors, Unavailable for 5xx and transport failures
// (reason "Timeout" when the deadline passed), InvalidArgument otherwise.
//
// Thread-safety: const methods may be called from several threads at once
// (each call owns its connection).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/sigv4/signer.h"
#include "client/sm_client.h"
#include "coffer/result.h"

namespace coffer::client {

// AssumeRole's parameters. A value type.
struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;  // empty: none
  int64_t duration_seconds = 3600;
};

// Temporary credentials and when they stop working. A value type; holds a secret.
struct TemporaryCredentials {
  auth::sigv4::SigningCredentials credentials;
  int64_t expiration_ms = 0;  // Unix epoch milliseconds
};

class StsClient {
 public:
  using Transport = SecretsManagerClient::Transport;

  // `endpoint`: an http(s) URL; `region`: the signing region.
  StsClient(std::string endpoint, std::string region,
            std::chrono::milliseconds timeout = std::chrono::seconds(30),
            Transport transport = nullptr, std::string ca_file = "");

  Result<TemporaryCredentials> AssumeRole(const auth::sigv4::SigningCredentials& source,
                                          const AssumeRoleRequest& request) const;
  // The caller's ARN.
  Result<std::string> GetCallerIdentity(const auth::sigv4::SigningCredentials& creds) const;

  const std::string& endpoint() const { return endpoint_; }

 private:
  Result<std::string> Post(const auth::sigv4::SigningCredentials& creds,
                           const std::string& form) const;

  std::string endpoint_;
  std::string region_;
  std::chrono::milliseconds timeout_;
  Transport transport_;
  std::string ca_file_;
};

// Exposed for tests. The AssumeRole answer's credentials; InvalidArgument
// when a member is missing or the expiration is not an ISO 8601 UTC time.
Result<TemporaryCredentials> ParseAssumeRoleResponse(std::string_view xml);
// An STS error answer (`<ErrorResponse><Error><Code>…`) as a Status, as above.
Status StsErrorStatus(int http_status, std::string_view xml);
// The text of the first `<tag>` element of `xml`, entities decoded; nullopt
// when there is none.
std::optional<std::string> XmlElementText(std::string_view xml, std::string_view tag);
// "2026-12-08T04:00:00Z" (fraction optional) as epoch milliseconds.
std::optional<int64_t> ParseIso8601Utc(std::string_view text);

}  // namespace coffer::client
