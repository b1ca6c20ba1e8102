// AgentConfig: the `coffer agent --config FILE` settings. The keys, defaults,
// ranges and error texts are those of AWS's Secrets Manager Agent
// (aws-secretsmanager-agent config.rs/constants.rs, docs/agent.md), so its
// configuration file works unchanged; Coffer adds `endpoint_url`,
// `max_stale_seconds`, the `prefetch_*` keys and `watch`/`watch_wait_seconds`. Numbers may
// be TOML integers or strings of digits (AWS's loader takes both). An unknown
// key or a bad value is an InvalidArgument whose message starts with the key.
//
// Thread-safety: a value type; the parser is a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::agent {

enum class AgentLogLevel { kDebug, kInfo, kWarn, kError, kNone };

struct AgentConfig {
  AgentLogLevel log_level = AgentLogLevel::kInfo;
  bool log_to_file = true;                 // accepted for compatibility; Coffer logs to stderr
  std::string http_address = "127.0.0.1";  // an IP address; a warning when not loopback
  uint16_t http_port = 2773;               // 1024..65535, or 0 for any free port
  int64_t ttl_seconds = 300;               // 0..3600; 0 = no caching
  size_t cache_size = 1000;                // 1..1000 entries
  std::vector<std::string> ssrf_headers = {"X-Aws-Parameters-Secrets-Token", "X-Vault-Token"};
  std::vector<std::string> ssrf_env_variables = {"AWS_TOKEN", "AWS_SESSION_TOKEN",
                                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN"};
  std::string path_prefix = "/v1/";     // must start with '/'
  size_t max_conn = 800;                // 1..1000
  std::string region;                   // empty: the AWS chain's
  bool ignore_transient_errors = true;  // serve stale on a transient upstream error
  bool validate_credentials = true;     // STS GetCallerIdentity at start
  std::string credentials_file_path;    // non-empty: credentials from this file's [default]
  std::string endpoint_url;             // Coffer's: the server's URL (empty: the chain's)
  // Coffer's: how long past ttl_seconds a value may be served on a transient
  // upstream error (0..86400; 0 = never stale).
  int64_t max_stale_seconds = 3600;
  // Coffer's: fetched at start with BatchGetSecretValue (docs/agent.md).
  std::vector<std::string> prefetch_secret_ids;     // names or ARNs
  std::vector<std::string> prefetch_name_prefixes;  // Filters name=<prefix>, one call chain each
  std::vector<std::pair<std::string, std::string>> prefetch_tags;  // all of them: tag-key/value
  // Coffer's: subscribe to the server's change notices (push invalidation).
  bool watch = true;
  int64_t watch_wait_seconds = 20;  // 1..20, the long poll's wait
};

// Parses TOML text; `source` names the file in parse errors.
Result<AgentConfig> ParseAgentConfig(std::string_view toml_text, std::string_view source);
// Reads and parses FILE.
Result<AgentConfig> LoadAgentConfig(const std::string& path);

// True for 127.0.0.0/8 and ::1.
bool IsLoopbackAddress(std::string_view address);

}  // namespace coffer::agent
