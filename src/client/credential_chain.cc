#include "client/credential_chain.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>

#include "client/aws_profiles.h"
#include "common/log.h"

namespace coffer::client {
namespace {

using auth::sigv4::SigningCredentials;

Status Bad(std::string msg) { return Status::InvalidArgument("", std::move(msg)); }

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Get(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> v = env(name);
  return v ? *v : std::string();
}

std::string Setting(const ProfileSettings& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? std::string() : it->second;
}

// Everything the profile walk needs.
struct ProfileWalk {
  const EnvLookup& env;
  const SharedFiles& files;
  std::string files_named;  // "CONFIG and CREDENTIALS", for errors
  std::shared_ptr<StsClient> sts;
};

Result<std::shared_ptr<CredentialProvider>> EnvironmentCredentials(const EnvLookup& env,
                                                                   bool required) {
  std::string akid = Get(env, "AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = env("AWS_SECRET_ACCESS_KEY");
  if (akid.empty() || !secret || secret->empty()) {
    if (!required) return std::shared_ptr<CredentialProvider>();
    return Bad(
        "credential_source = Environment, but AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY are not both set");
  }
  SigningCredentials creds{akid, SecureString(std::move(*secret)), Get(env, "AWS_SESSION_TOKEN")};
  return std::shared_ptr<CredentialProvider>(
      std::make_shared<StaticCredentialProvider>(std::move(creds), "environment"));
}

Result<std::shared_ptr<CredentialProvider>> ProfileCredentials(const ProfileWalk& walk,
                                                               const std::string& name,
                                                               std::set<std::string>& visited) {
  std::optional<ProfileSettings> p = FindProfile(walk.files, name);
  if (!p) return Bad("profile " + name + " is not in " + walk.files_named);
  if (!visited.insert(name).second) {
    return Bad("profile " + name + ": source_profile makes a cycle");
  }
  std::string role_arn = Setting(*p, "role_arn");
  std::string akid = Setting(*p, "aws_access_key_id");
  std::string secret = Setting(*p, "aws_secret_access_key");
  auto static_keys = [&]() -> Result<std::shared_ptr<CredentialProvider>> {
    if (akid.empty() || secret.empty()) {
      for (const char* key :
           {"credential_process", "sso_session", "sso_start_url", "web_identity_token_file"}) {
        if (!Setting(*p, key).empty()) {
          return Bad("profile " + name + ": " + key + " is not supported by Coffer's AWS clients");
        }
      }
      return Bad("profile " + name + " has no aws_access_key_id and aws_secret_access_key");
    }
    SigningCredentials creds{akid, SecureString(std::string_view(secret)),
                             Setting(*p, "aws_session_token")};
    return std::shared_ptr<CredentialProvider>(
        std::make_shared<StaticCredentialProvider>(std::move(creds), "profile " + name));
  };
  if (role_arn.empty()) return static_keys();
  if (!Setting(*p, "mfa_serial").empty()) {
    return Bad("profile " + name + ": mfa_serial is not supported by Coffer's AWS clients");
  }

  std::shared_ptr<CredentialProvider> source;
  std::string source_profile = Setting(*p, "source_profile");
  std::string credential_source = Setting(*p, "credential_source");
  if (!source_profile.empty() && !credential_source.empty()) {
    return Bad("profile " + name + " sets both source_profile and credential_source");
  }
  if (!source_profile.empty()) {
    if (source_profile == name) {
      COFFER_ASSIGN_OR_RETURN(source, static_keys());
    } else {
      COFFER_ASSIGN_OR_RETURN(source, ProfileCredentials(walk, source_profile, visited));
    }
  } else if (credential_source == "Environment") {
    COFFER_ASSIGN_OR_RETURN(source, EnvironmentCredentials(walk.env, true));
  } else if (!credential_source.empty()) {
    return Bad("profile " + name + ": credential_source " + credential_source +
               " is not supported by Coffer's AWS clients (only Environment)");
  } else if (!Setting(*p, "web_identity_token_file").empty()) {
    return Bad("profile " + name + ": web_identity_token_file is not supported by Coffer's AWS clients");
  } else {
    return Bad("profile " + name + " has role_arn but no source_profile or credential_source");
  }

  AssumeRoleRequest request;
  request.role_arn = role_arn;
  request.role_session_name = Setting(*p, "role_session_name");
  if (request.role_session_name.empty()) {
    request.role_session_name = "coffer-agent-" + std::to_string(SystemNowMs() / 1000);
  }
  request.external_id = Setting(*p, "external_id");
  if (std::string d = Setting(*p, "duration_seconds"); !d.empty()) {
    char* end = nullptr;
    long long v = std::strtoll(d.c_str(), &end, 10);
    if (*end != '\0' || v < 900 || v > 43200) {
      return Bad("profile " + name + ": duration_seconds must be an integer in [900, 43200]");
    }
    request.duration_seconds = v;
  }
  return std::shared_ptr<CredentialProvider>(
      std::make_shared<AssumeRoleProvider>(std::move(source), walk.sts, std::move(request),
                                           "role " + role_arn + " (profile " + name + ")"));
}

bool IsTrue(const std::string& v) { return v == "true" || v == "TRUE" || v == "True"; }

// The endpoint of `service_env` (AWS_ENDPOINT_URL_<X>) by the rules above.
Result<std::string> Endpoint(const EnvLookup& env, const UpstreamSettings& settings,
                             const std::optional<ProfileSettings>& profile,
                             const std::string& service_env, const std::string& public_url) {
  std::string url = settings.endpoint_url;
  std::string from = "endpoint_url";
  if (url.empty() && !IsTrue(Get(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    for (const std::string& name : {service_env, std::string("AWS_ENDPOINT_URL")}) {
      if (url.empty()) {
        url = Get(env, name);
        from = name;
      }
    }
    if (url.empty() && profile) {
      url = Setting(*profile, "endpoint_url");
      from = "the profile's endpoint_url";
    }
  }
  if (url.empty()) return public_url;
  if (Result<ParsedUrl> parsed = ParseHttpUrl(url); !parsed.ok()) {
    return Bad(from + ": " + parsed.status().message());
  }
  return url;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

AssumeRoleProvider::AssumeRoleProvider(std::shared_ptr<CredentialProvider> source,
                                       std::shared_ptr<StsClient> sts, AssumeRoleRequest request,
                                       std::string description, std::function<int64_t()> now_ms,
                                       std::chrono::milliseconds refresh_margin)
    : source_(std::move(source)),
      sts_(std::move(sts)),
      request_(std::move(request)),
      description_(std::move(description)),
      now_ms_(now_ms ? std::move(now_ms) : std::function<int64_t()>(&SystemNowMs)),
      refresh_margin_(refresh_margin) {}

Result<SigningCredentials> AssumeRoleProvider::Get() {
  MutexLock lock(mu_);
  const int64_t now = now_ms_();
  if (current_ && now < current_->expiration_ms - refresh_margin_.count()) {
    return current_->credentials;
  }
  Result<TemporaryCredentials> fresh = [&]() -> Result<TemporaryCredentials> {
    COFFER_ASSIGN_OR_RETURN(SigningCredentials source, source_->Get());
    return sts_->AssumeRole(source, request_);
  }();
  if (!fresh.ok()) {
    const bool still_valid = current_ && now < current_->expiration_ms;
    LogWarn("agent: AssumeRole failed", {{"role", request_.role_arn},
                                         {"error", fresh.status().ToString()},
                                         {"using_previous", still_valid ? "true" : "false"}});
    if (still_valid) return current_->credentials;
    return fresh.take_status();
  }
  LogInfo("agent: assumed role", {{"role", request_.role_arn},
                                  {"access_key_id", fresh->credentials.access_key_id},
                                  {"expiration_ms", std::to_string(fresh->expiration_ms)}});
  current_ = std::move(fresh).value();
  return current_->credentials;
}

int64_t AssumeRoleProvider::expiration_ms() {
  MutexLock lock(mu_);
  return current_ ? current_->expiration_ms : 0;
}

FileCredentialProvider::FileCredentialProvider(std::string path,
                                               std::chrono::milliseconds reload_interval,
                                               std::function<int64_t()> now_ms)
    : path_(std::move(path)),
      reload_interval_(reload_interval),
      now_ms_(now_ms ? std::move(now_ms) : std::function<int64_t()>(&SystemNowMs)) {}

Result<SigningCredentials> FileCredentialProvider::Get() {
  MutexLock lock(mu_);
  const int64_t now = now_ms_();
  if (checked_ && now - checked_ms_ < reload_interval_.count()) {
    if (current_) return *current_;
    return last_error_;
  }
  checked_ = true;
  checked_ms_ = now;
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    last_error_ = Bad("cannot read the credentials file " + path_);
  } else if (int64_t mtime =
                 static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
             mtime != mtime_ns_ || !current_) {
    Result<SharedFiles> files = LoadSharedFiles("", path_);
    std::optional<ProfileSettings> p;
    if (files.ok()) p = FindProfile(*files, "default");
    std::string akid = p ? Setting(*p, "aws_access_key_id") : "";
    std::string secret = p ? Setting(*p, "aws_secret_access_key") : "";
    if (!files.ok()) {
      last_error_ = files.status();
    } else if (akid.empty() || secret.empty()) {
      last_error_ = Bad("the credentials file " + path_ +
                        " has no [default] aws_access_key_id and aws_secret_access_key");
    } else {
      current_ = SigningCredentials{akid, SecureString(std::string_view(secret)),
                                    Setting(*p, "aws_session_token")};
      mtime_ns_ = mtime;
      LogInfo("agent: loaded the credentials file",
              {{"path", path_}, {"access_key_id", current_->access_key_id}});
    }
    auto wipe = [](ProfileSettings& settings) {
      for (auto& entry : settings) std::fill(entry.second.begin(), entry.second.end(), '\0');
    };
    if (p) wipe(*p);
    if (files.ok()) {
      for (auto& profile : files->credentials) wipe(profile.second);
    }
    std::fill(secret.begin(), secret.end(), '\0');
    if (!current_ || mtime != mtime_ns_) {
      LogWarn("agent: cannot use the credentials file",
              {{"path", path_},
               {"error", last_error_.message()},
               {"keeping_previous", current_ ? "true" : "false"}});
    }
  }
  if (current_) return *current_;
  return last_error_;
}

Result<Upstream> ResolveUpstream(const EnvLookup& env, const UpstreamSettings& settings) {
  std::string home = Get(env, "HOME");
  std::string config_path = Get(env, "AWS_CONFIG_FILE");
  if (config_path.empty() && !home.empty()) config_path = home + "/.aws/config";
  std::string credentials_path = Get(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty() && !home.empty()) credentials_path = home + "/.aws/credentials";
  COFFER_ASSIGN_OR_RETURN(SharedFiles files, LoadSharedFiles(config_path, credentials_path));

  std::string profile_name = Get(env, "AWS_PROFILE");
  if (profile_name.empty()) profile_name = Get(env, "AWS_DEFAULT_PROFILE");
  const bool profile_named = !profile_name.empty();
  if (!profile_named) profile_name = "default";
  std::optional<ProfileSettings> profile = FindProfile(files, profile_name);
  if (profile_named && !profile) {
    return Bad("AWS_PROFILE names profile " + profile_name + ", which is not in " + config_path +
               " or " + credentials_path);
  }

  Upstream up;
  up.region = settings.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (up.region.empty()) up.region = Get(env, name);
  }
  if (up.region.empty() && profile) up.region = Setting(*profile, "region");
  if (up.region.empty()) {
    return Bad(
        "no region: set region in the agent's configuration, AWS_REGION, or region in "
        "profile " +
        profile_name);
  }
  COFFER_ASSIGN_OR_RETURN(up.secretsmanager_endpoint,
                          Endpoint(env, settings, profile, "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                                   "https://secretsmanager." + up.region + ".amazonaws.com"));
  COFFER_ASSIGN_OR_RETURN(up.sts_endpoint, Endpoint(env, settings, profile, "AWS_ENDPOINT_URL_STS",
                                                    "https://sts." + up.region + ".amazonaws.com"));
  up.ca_bundle = Get(env, "AWS_CA_BUNDLE");
  if (up.ca_bundle.empty() && profile) up.ca_bundle = Setting(*profile, "ca_bundle");

  if (!settings.credentials_file_path.empty()) {
    up.credentials = std::make_shared<FileCredentialProvider>(settings.credentials_file_path);
    return up;
  }
  COFFER_ASSIGN_OR_RETURN(up.credentials, EnvironmentCredentials(env, false));
  if (up.credentials) return up;
  if (!profile) {
    return Bad(
        "no credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set and "
        "there is no [default] profile in " +
        config_path + " or " + credentials_path);
  }
  ProfileWalk walk{env, files, config_path + " or " + credentials_path,
                   std::make_shared<StsClient>(up.sts_endpoint, up.region, settings.timeout,
                                               settings.transport, up.ca_bundle)};
  std::set<std::string> visited;
  COFFER_ASSIGN_OR_RETURN(up.credentials, ProfileCredentials(walk, profile_name, visited));
  return up;
}

}  // namespace coffer::client
