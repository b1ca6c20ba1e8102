#include "agent/agent_command.h"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "agent/agent_metrics.h"
#include "agent/agent_server.h"
#include "agent/config.h"
#include "agent/handler.h"
#include "agent/prefetch.h"
#include "agent/secret_cache.h"
#include "agent/ssrf_token.h"
#include "agent/upstream.h"
#include "agent/upstream_pool.h"
#include "agent/watch.h"
#include "client/credential_chain.h"
#include "client/sm_client.h"
#include "client/sts_client.h"
#include "common/log.h"

namespace coffer::agent {
namespace {

constexpr char kUsage[] = "usage: coffer agent [--config FILE]\n";
// Threads that wait for the upstream (cache misses and refreshNow).
constexpr int kUpstreamThreads = 16;
// Each upstream call, as AWS's agent bounds a request (MAX_REQ_TIME_SEC 61).
constexpr std::chrono::seconds kUpstreamTimeout{60};

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "coffer agent: %s\n", message.c_str());
  return code;
}

void ApplyLogLevel(AgentLogLevel level) {
  switch (level) {
    case AgentLogLevel::kDebug: SetLogLevel(LogLevel::kDebug); break;
    case AgentLogLevel::kInfo: SetLogLevel(LogLevel::kInfo); break;
    case AgentLogLevel::kWarn: SetLogLevel(LogLevel::kWarn); break;
    // Coffer's log has no level above error: NONE keeps errors only.
    case AgentLogLevel::kError:
    case AgentLogLevel::kNone: SetLogLevel(LogLevel::kError); break;
  }
}

}  // namespace

int AgentMain(int argc, char** argv) {
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
      config_file = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_file = arg.substr(9);
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fputs(kUsage, stderr);
      return Fail(
          2, arg == "--config" || arg == "-c" ? "--config needs a file" : "unknown option " + arg);
    }
  }
  AgentConfig config;
  if (!config_file.empty()) {
    Result<AgentConfig> loaded = LoadAgentConfig(config_file);
    if (!loaded.ok()) return Fail(2, loaded.status().message());
    config = std::move(loaded).value();
  }
  ApplyLogLevel(config.log_level);
  // Before any thread starts (they inherit the mask): only sigwait below
  // takes the stop signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  const client::EnvLookup env = client::ProcessEnvironment();

  Result<SsrfToken> token = SsrfToken::Read(config.ssrf_env_variables, env);
  if (!token.ok()) return Fail(1, token.status().message());

  client::UpstreamSettings settings;
  settings.region = config.region;
  settings.endpoint_url = config.endpoint_url;
  settings.credentials_file_path = config.credentials_file_path;
  settings.timeout = kUpstreamTimeout;
  Result<client::Upstream> upstream = client::ResolveUpstream(env, settings);
  if (!upstream.ok()) return Fail(1, upstream.status().message());
  std::shared_ptr<client::CredentialProvider> credentials = upstream->credentials;
  LogInfo("agent: upstream", {{"endpoint", upstream->secretsmanager_endpoint},
                              {"region", upstream->region},
                              {"credentials", credentials->Describe()}});
  if (config.validate_credentials) {
    client::StsClient sts(upstream->sts_endpoint, upstream->region, kUpstreamTimeout, nullptr,
                          upstream->ca_bundle);
    Result<auth::sigv4::SigningCredentials> creds = credentials->Get();
    Result<std::string> arn =
        creds.ok() ? sts.GetCallerIdentity(*creds) : Result<std::string>(creds.status());
    if (!arn.ok()) {
      return Fail(1, "the credentials (" + credentials->Describe() +
                         ") did not pass STS GetCallerIdentity: " + arn.status().ToString());
    }
    LogInfo("agent: credentials checked", {{"caller", *arn}});
  }

  client::SecretsManagerClient sm(
      upstream->secretsmanager_endpoint, upstream->region,
      [credentials]() { return credentials->Get(); }, kUpstreamTimeout, nullptr,
      upstream->ca_bundle);
  sm.set_user_agent("coffer-agent/0.1.0 aws-secrets-manager-agent-compatible");
  AgentMetrics metrics;
  SecretCache cache(
      config.cache_size, std::chrono::seconds(config.ttl_seconds), nullptr,
      std::chrono::seconds(config.ignore_transient_errors ? config.max_stale_seconds : 0));
  // Subscribe to change notices before the prefetch: nothing that changes
  // while it runs is missed.
  std::unique_ptr<ChangeWatcher> watcher;
  if (config.watch && cache.enabled()) {
    ChangeWatcher::Options options;
    options.wait = std::chrono::seconds(config.watch_wait_seconds);
    watcher = std::make_unique<ChangeWatcher>(
        [sm](std::string_view path, std::chrono::milliseconds timeout,
             const std::atomic<bool>* cancel) { return sm.SendGet(path, timeout, cancel); },
        cache, &metrics, options);
    watcher->Subscribe();
  }
  PrefetchSpec spec{config.prefetch_secret_ids, config.prefetch_name_prefixes,
                    config.prefetch_tags};
  if (!spec.empty() && cache.enabled()) {
    PrefetchReport report =
        Prefetch([&sm](std::string_view body) { return sm.Send("BatchGetSecretValue", body); },
                 spec, config.cache_size, cache, &metrics);
    LogInfo("agent: prefetched", {{"secrets", std::to_string(report.secrets)},
                                  {"calls", std::to_string(report.calls)},
                                  {"errors", std::to_string(report.errors)}});
  }
  if (watcher) watcher->Start();
  SecretsManagerFetcher fetcher(std::move(sm));
  AgentHandler handler(config, std::move(token).value(), cache, fetcher, &metrics);
  UpstreamPool pool(handler, kUpstreamThreads);

  if (!IsLoopbackAddress(config.http_address)) {
    LogWarn(
        "agent: listening on a non-loopback address: anything that can reach it and knows "
        "the SSRF token can read the secrets this agent's credentials can",
        {{"http_address", config.http_address}});
  }

  Result<std::unique_ptr<http::Server>> server = StartAgentServer(config, handler, pool);
  if (!server.ok()) return Fail(1, server.status().message());
  const bool v6 = config.http_address.find(':') != std::string::npos;
  const std::string url = "http://" + (v6 ? "[" + config.http_address + "]" : config.http_address) +
                          ":" + std::to_string((*server)->port());
  std::printf("listening on %s\n", url.c_str());
  std::fflush(stdout);
  LogInfo("agent: listening", {{"url", url},
                               {"ttl_seconds", std::to_string(config.ttl_seconds)},
                               {"cache_size", std::to_string(config.cache_size)}});

  int sig = 0;
  sigwait(&stop_signals, &sig);
  LogInfo("agent: stopping", {{"signal", strsignal(sig)}});
  (*server)->Stop();
  (*server)->Wait();
  pool.Stop();
  if (watcher) watcher->Stop();
  return 0;
}

}  // namespace coffer::agent
