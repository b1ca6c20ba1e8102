// RotationRuntime (rotation_runtime.h).

#include "server/rotation_runtime.h"

#include "common/log.h"

namespace coffer::server {

RotationRuntime::RotationRuntime(const Config& config) : config_(config) {
  registry_.Replace(config.functions);
}

RotationRuntime::~RotationRuntime() { Stop(); }

void RotationRuntime::Hook(secrets::ServiceOptions& options) {
  options.check_rotation_function = [this](std::string_view arn, std::string_view account) {
    rotation::RotationEngine* engine = live_.load(std::memory_order_acquire);
    if (!engine) return Status::Unavailable("", "rotation is not running yet");
    return engine->CheckFunction(arn, account);
  };
  options.rotation_requested = [this](int64_t secret_id, bool test_only, std::string_view token) {
    if (rotation::RotationEngine* engine = live_.load(std::memory_order_acquire))
      engine->Request(secret_id, test_only, token);
  };
}

std::string RotationRuntime::FunctionEndpoint(const Config& config,
                                              const std::string& listener_url) {
  if (!config.rotation.endpoint_url.empty()) return config.rotation.endpoint_url;
  std::string url = listener_url;
  for (const auto& [wildcard, loopback] :
       {std::pair<std::string, std::string>{"//0.0.0.0:", "//127.0.0.1:"},
        {"//[::]:", "//[::1]:"}}) {
    if (auto at = url.find(wildcard); at != std::string::npos)
      url.replace(at, wildcard.size(), loopback);
  }
  return url;
}

void RotationRuntime::Start(secrets::Service& secrets, sts::Service& sts,
                            const std::string& listener_url, std::function<bool()> is_leader) {
  rotation::EngineOptions options;
  options.poll_interval = config_.rotation.poll_interval;
  options.max_attempts = config_.rotation.max_attempts;
  options.first_retry_delay = config_.rotation.first_retry_delay;
  options.workers = static_cast<size_t>(config_.rotation.workers);
  options.is_leader = std::move(is_leader);
  const std::string endpoint = FunctionEndpoint(config_, listener_url);
  options.endpoint_url = endpoint;
  if (listener_url.starts_with("https://")) options.ca_bundle = config_.tls_cert_file;
  auto credentials = [&sts](const functions::FunctionBinding& binding,
                            std::string_view session_name,
                            int64_t seconds) -> Result<rotation::FunctionCredentials> {
    COFFER_ASSIGN_OR_RETURN(
        sts::IssuedCredentials issued,
        sts.AssumeRoleForService("lambda.amazonaws.com", binding.role_arn, session_name, seconds));
    return rotation::FunctionCredentials{std::move(issued.access_key_id),
                                         std::move(issued.secret_access_key),
                                         std::move(issued.session_token)};
  };
  engine_ = std::make_unique<rotation::RotationEngine>(secrets, registry_, std::move(credentials),
                                                       std::move(options));
  engine_->Start();
  live_.store(engine_.get(), std::memory_order_release);
  LogInfo("rotation engine started",
          {{"functions", std::to_string(registry_.size())}, {"endpoint", endpoint}});
}

void RotationRuntime::Reload() {
  if (config_.config_file.empty()) {
    LogInfo("SIGHUP: no configuration file to reload (--config)");
    return;
  }
  Config fresh;
  if (Status loaded = LoadConfigFile(config_.config_file, fresh); !loaded.ok()) {
    LogError("SIGHUP: configuration not reloaded, the functions in use stay",
             {{"file", config_.config_file}, {"error", loaded.message()}});
    return;
  }
  registry_.Replace(std::move(fresh.functions));
  LogInfo("SIGHUP: rotation functions reloaded",
          {{"file", config_.config_file}, {"functions", std::to_string(registry_.size())}});
}

void RotationRuntime::Stop() {
  live_.store(nullptr, std::memory_order_release);
  if (engine_) engine_->Stop();
}

}  // namespace coffer::server
