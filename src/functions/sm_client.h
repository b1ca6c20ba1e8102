// SecretsManagerClient: a minimal AWS Secrets Manager client for the built-in
// rotators (builtin.h). Each Call is one AWS JSON 1.1 POST to Coffer's URL,
// signed with SigV4 (service "secretsmanager") by the credentials the
// rotation engine handed to the function, so Coffer's policies and audit
// trail apply to a builtin exactly as to an external function.
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

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4/signer.h"
#include "coffer/result.h"
#include "functions/function.h"
#include "functions/http_client.h"

namespace coffer::functions {

class SecretsManagerClient {
 public:
  // How a request is sent: HttpCall unless a test injects another.
  using Transport = std::function<Result<HttpCallResponse>(const HttpCallRequest&)>;

  // `endpoint` is an http(s) URL such as "http://127.0.0.1:8080".
  // `ca_file`: PEM of the CA to trust for https (empty: the system's).
  SecretsManagerClient(std::string endpoint, std::string region,
                       auth::sigv4::SigningCredentials credentials,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       Transport transport = nullptr, std::string ca_file = "");

  // Reads SECRETS_MANAGER_ENDPOINT (else AWS_ENDPOINT_URL), AWS_REGION (else
  // AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  // AWS_SESSION_TOKEN (optional) and AWS_CA_BUNDLE (optional) from the
  // invocation's environment. InvalidArgument naming the missing variable.
  static Result<SecretsManagerClient> FromEnvironment(
      const Invocation& invocation, std::chrono::milliseconds timeout = std::chrono::seconds(30),
      Transport transport = nullptr);

  // Calls `operation` (e.g. "DescribeSecret") with `json_body`; the response
  // body on 2xx. The body of GetSecretValue holds a secret: callers wipe it.
  Result<std::string> Call(std::string_view operation, std::string_view json_body) const;

  // Bounds every later Call: each waits at most until `deadline` (and at
  // most the construction's timeout); a Call after it fails Unavailable.
  void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }

  const std::string& endpoint() const { return endpoint_; }
  const std::string& region() const { return region_; }

 private:
  std::string endpoint_;
  std::string region_;
  auth::sigv4::SigningCredentials credentials_;
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

}  // namespace coffer::functions
