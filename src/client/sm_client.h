// SecretsManagerClient: a minimal AWS Secrets Manager client, used by the
// built-in rotators (functions/builtin.h) and the caching agent (src/agent).
// Each Call is one AWS JSON 1.1 POST to the endpoint, signed with SigV4
// (service "secretsmanager", auth/sigv4's signer: the code the server
// verifies with) by fixed credentials (a rotation function's) or by a
// CredentialsSource asked before each call (the agent's credential chain),
// so Coffer's policies and audit trail apply to the caller as to any client.
//
// Errors: a non-2xx answer becomes a Status whose reason is the error's
// `__type` (without any "prefix#") and whose message is its message:
// NotFound for ResourceNotFoundException, PermissionDenied for
// AccessDeniedException, Unauthenticated for signature and credential
// errors, ResourceExhausted for throttling, Unavailable for 5xx answers and
// transport failures, InvalidArgument otherwise.
//
// Thread-safety: Call is const and may be used from several threads at once
// (each call owns its connection).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/sigv4/signer.h"
#include "client/http_client.h"
#include "coffer/result.h"

namespace coffer::client {

class SecretsManagerClient {
 public:
  // How a request is sent: HttpCall unless a test injects another.
  using Transport = std::function<Result<HttpCallResponse>(const HttpCallRequest&)>;
  // Where credentials come from when they change (assumed roles): asked
  // before each call; an error fails the call with that error.
  using CredentialsSource = std::function<Result<auth::sigv4::SigningCredentials>()>;

  // `endpoint` is an http(s) URL such as "http://127.0.0.1:8080".
  // `ca_file`: PEM of the CA to trust for https (empty: the system's).
  SecretsManagerClient(std::string endpoint, std::string region,
                       auth::sigv4::SigningCredentials credentials,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       Transport transport = nullptr, std::string ca_file = "");

  // Signs every call with what `source` returns at the time.
  SecretsManagerClient(std::string endpoint, std::string region, CredentialsSource source,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       Transport transport = nullptr, std::string ca_file = "");

  // Reads SECRETS_MANAGER_ENDPOINT (else AWS_ENDPOINT_URL), AWS_REGION (else
  // AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  // AWS_SESSION_TOKEN (optional) and AWS_CA_BUNDLE (optional) from `env`
  // (a function invocation's environment; the last value of a name wins).
  // InvalidArgument naming the missing variable.
  static Result<SecretsManagerClient> FromEnvironment(
      const std::vector<std::pair<std::string, std::string>>& env,
      std::chrono::milliseconds timeout = std::chrono::seconds(30), Transport transport = nullptr);

  // Calls `operation` (e.g. "DescribeSecret") with `json_body`; the response
  // body on 2xx. The body of GetSecretValue holds a secret: callers wipe it.
  Result<std::string> Call(std::string_view operation, std::string_view json_body) const;

  // Sends `operation` and returns the answer whatever its HTTP status, for
  // callers that pass Secrets Manager's errors on as they came (the agent).
  // Errors only for the call itself: no credentials (the source's error),
  // and transport failures as HttpCall reports them (Unavailable; reason
  // "Timeout" when the deadline passed).
  Result<HttpCallResponse> Send(std::string_view operation, std::string_view json_body) const;

  // A signed GET of `path_and_query` (e.g. "/coffer/secret-changes?wait=20",
  // its query already percent-encoded) on the endpoint: Coffer's own
  // extensions. Signed as Send signs (service "secretsmanager", header
  // auth, the empty body's hash). `timeout` bounds this call (0: the
  // construction's); `cancel`, when set, ends it early (HttpCallRequest).
  // Errors as Send's.
  Result<HttpCallResponse> SendGet(std::string_view path_and_query,
                                   std::chrono::milliseconds timeout = {},
                                   const std::atomic<bool>* cancel = nullptr) const;

  // Makes this a client of another AWS JSON 1.1 service on its endpoint:
  // X-Amz-Target "TARGET_PREFIX.Operation", signed for `signing_name`
  // (e.g. "TrentService" and "kms" for KMS's ListAliases). Default:
  // "secretsmanager" and "secretsmanager".
  void set_service(std::string target_prefix, std::string signing_name) {
    target_prefix_ = std::move(target_prefix);
    signing_name_ = std::move(signing_name);
  }

  // The User-Agent header of every call ("coffer-builtin-rotator" unless set).
  void set_user_agent(std::string user_agent) { user_agent_ = std::move(user_agent); }

  // Bounds every later Call: each waits at most until `deadline` (and at
  // most the construction's timeout); a Call after it fails Unavailable.
  void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }

  const std::string& endpoint() const { return endpoint_; }
  const std::string& region() const { return region_; }

 private:
  Result<HttpCallResponse> SendSigned(const std::string& method, const std::string& url,
                                      const std::string& amz_target, std::string_view body,
                                      std::chrono::milliseconds timeout,
                                      const std::atomic<bool>* cancel = nullptr) const;
  std::string endpoint_;
  std::string region_;
  auth::sigv4::SigningCredentials credentials_;
  CredentialsSource source_;  // when set, asked instead of credentials_
  std::string user_agent_ = "coffer-builtin-rotator";
  std::string target_prefix_ = "secretsmanager";
  std::string signing_name_ = "secretsmanager";
  std::chrono::milliseconds timeout_;
  Transport transport_;
  std::string ca_file_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

// Maps an AWS JSON error answer (HTTP status and body) to a Status as
// described above. Exposed for tests.
Status SecretsManagerErrorStatus(int http_status, std::string_view body);

// The value of `name` in `env` (the last one wins), or nullptr.
const std::string* FindEnv(const std::vector<std::pair<std::string, std::string>>& env,
                           std::string_view name);

}  // namespace coffer::client
