// The standard AWS credential chain, region and endpoint resolution, as the
// SDKs do them, for clients outside the server (the caching agent):
//
//   credentials: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)
//     from the environment; else the profile AWS_PROFILE (else
//     AWS_DEFAULT_PROFILE, else "default") of the shared files
//     (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials; AWS_CONFIG_FILE,
//     else ~/.aws/config; aws_profiles.h): its role_arn through STS
//     AssumeRole with the credentials of source_profile (recursively) or of
//     credential_source = Environment, else its static keys. Not built:
//     web identity, SSO, credential_process, container and instance metadata
//     (a profile that needs them is an error that says so).
//   region: the caller's setting, else AWS_REGION, AWS_DEFAULT_REGION, the
//     profile's `region`.
//   endpoint: the caller's setting, else AWS_ENDPOINT_URL_<SERVICE>
//     (SECRETS_MANAGER, STS), AWS_ENDPOINT_URL, the profile's
//     `endpoint_url` (all three skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
//     is true), else the service's public AWS endpoint for the region.
//   CA bundle: AWS_CA_BUNDLE, else the profile's `ca_bundle` (else the system's).
// A caller's credentials_file_path replaces the credentials part of the chain
// (FileCredentialProvider), as AWS's agent's does.
//
// Thread-safety: CredentialProvider::Get may be called from several threads
// at once (AssumeRoleProvider serialises refreshes with a mutex, so one
// AssumeRole call renews for all); the rest are value types and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "auth/sigv4/signer.h"
#include "client/sm_client.h"
#include "client/sts_client.h"
#include "coffer/result.h"
#include "common/thread_annotations.h"

namespace coffer::client {

// An environment variable's value; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
// The process's environment (getenv).
EnvLookup ProcessEnvironment();

// Where a client's signing credentials come from.
// Thread-safety: Get may be called from several threads at once.
class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  // Credentials good for a call now.
  virtual Result<auth::sigv4::SigningCredentials> Get() = 0;
  // Where they come from, for logs ("environment", "profile dev", "role
  // arn:… (profile dev)"). Holds no secret.
  virtual std::string Describe() const = 0;
};

// Fixed keys (the environment's, a profile's). Thread-safety: immutable.
class StaticCredentialProvider final : public CredentialProvider {
 public:
  StaticCredentialProvider(auth::sigv4::SigningCredentials creds, std::string description)
      : creds_(std::move(creds)), description_(std::move(description)) {}
  Result<auth::sigv4::SigningCredentials> Get() override { return creds_; }
  std::string Describe() const override { return description_; }

 private:
  const auth::sigv4::SigningCredentials creds_;
  const std::string description_;
};

// AssumeRoleProvider: a role's temporary credentials, assumed with the source's credentials and
// assumed again once less than `refresh_margin` of them is left. When the
// renewal fails while the old ones still work, the old ones are used (and
// the renewal tried again on the next Get).
// Thread-safety: one mutex; a renewal holds it, so callers wait for one
// AssumeRole instead of each making their own.
class AssumeRoleProvider final : public CredentialProvider {
 public:
  AssumeRoleProvider(std::shared_ptr<CredentialProvider> source, std::shared_ptr<StsClient> sts,
                     AssumeRoleRequest request, std::string description,
                     std::function<int64_t()> now_ms = nullptr,
                     std::chrono::milliseconds refresh_margin = std::chrono::minutes(5));
  Result<auth::sigv4::SigningCredentials> Get() override;
  std::string Describe() const override { return description_; }
  // The expiration of the credentials held (0 before the first Get).
  int64_t expiration_ms();

 private:
  const std::shared_ptr<CredentialProvider> source_;
  const std::shared_ptr<StsClient> sts_;
  const AssumeRoleRequest request_;
  const std::string description_;
  const std::function<int64_t()> now_ms_;
  const std::chrono::milliseconds refresh_margin_;
  Mutex mu_;
  std::optional<TemporaryCredentials> current_ GUARDED_BY(mu_);
};

// FileCredentialProvider: the [default] keys of one credentials file (AWS agent's
// `credentials_file_path`, for credentials another process writes and
// rotates, such as IAM Roles Anywhere's helper): read at the first Get and
// read again when the file's modification time has changed, looked at no
// more often than every `reload_interval` (AWS's agent: 5 minutes). A
// missing, unreadable or incomplete file fails Get until it is fixed; a bad
// rewrite keeps the last good keys.
// Thread-safety: one mutex around the keys and the reload.
class FileCredentialProvider final : public CredentialProvider {
 public:
  explicit FileCredentialProvider(
      std::string path, std::chrono::milliseconds reload_interval = std::chrono::minutes(5),
      std::function<int64_t()> now_ms = nullptr);
  Result<auth::sigv4::SigningCredentials> Get() override;
  std::string Describe() const override { return "credentials file " + path_; }

 private:
  const std::string path_;
  const std::chrono::milliseconds reload_interval_;
  const std::function<int64_t()> now_ms_;
  Mutex mu_;
  std::optional<auth::sigv4::SigningCredentials> current_ GUARDED_BY(mu_);
  Status last_error_ GUARDED_BY(mu_);
  int64_t checked_ms_ GUARDED_BY(mu_) = 0;
  bool checked_ GUARDED_BY(mu_) = false;
  int64_t mtime_ns_ GUARDED_BY(mu_) = -1;
};

// What the caller sets over the chain (the agent's `region`, `endpoint_url`,
// `credentials_file_path`). A value type.
struct UpstreamSettings {
  std::string region;        // empty: from the chain
  std::string endpoint_url;  // empty: from the chain; used for Secrets Manager and STS
  // Non-empty: the credentials are this file's [default] keys
  // (FileCredentialProvider), not the chain's.
  std::string credentials_file_path;
  std::chrono::milliseconds timeout{30000};   // of each STS call
  SecretsManagerClient::Transport transport;  // tests; empty: HttpCall
};

// The resolved upstream. A value type (the provider is shared and thread-safe).
struct Upstream {
  std::shared_ptr<CredentialProvider> credentials;
  std::string region;
  std::string secretsmanager_endpoint;
  std::string sts_endpoint;
  std::string ca_bundle;  // empty: the system's CA certificates
};

// Resolves all of the above. InvalidArgument that names the variable,
// profile or file at fault when there are no credentials or no region.
Result<Upstream> ResolveUpstream(const EnvLookup& env, const UpstreamSettings& settings);

}  // namespace coffer::client
