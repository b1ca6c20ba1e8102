// Config: everything `coffer serve` needs, merged from (lowest to highest
// precedence) built-in defaults, a TOML file (--config), COFFER_* environment
// variables and command-line flags. See docs/configuration.md.
//
// Thread-safety: a value type, filled once at start-up and then read-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "coffer/result.h"
#include "functions/function.h"

namespace coffer::server {

enum class AuthMode { kSigV4, kPermissive };

struct Config {
  std::string data_dir = "./data";
  // The storage engine (issue 24): empty = SQLite in DATA_DIR/coffer.db;
  // "postgresql://USER:PASSWORD@HOST:PORT/DB?…" = the PostgreSQL engine
  // ([store] url, COFFER_STORE_URL, --store-url). The data directory still
  // holds the root key and the credentials file. Holds a password: never
  // logged.
  std::string store_url;
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 7878;
  std::string region = "us-east-1";
  AuthMode auth = AuthMode::kSigV4;
  // Permissive mode listens only on loopback unless this is set
  // (--allow-remote-permissive): it lets anyone who can connect act as the
  // administrator.
  bool allow_remote_permissive = false;
  std::string account_id;  // permissive mode: the account every caller acts in
  std::optional<std::string> root_key_file;
  // COFFER_ROOT_KEY (never logged). ApplyEnvironment wipes and unsets the
  // variable once copied here; Serve wipes this copy once the key is loaded.
  std::optional<std::string> root_key_env;
  std::string tls_cert_file;
  // The audit trail (issue 20): JSON lines, one per request, made durable
  // before the answer. Empty: DATA_DIR/audit.log; "off": no trail.
  std::string audit_log;
  std::string tls_key_file;
  int threads = 0;  // 0 = one per core
  size_t max_body_bytes = 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  size_t max_connections = 4096;
  size_t max_connections_per_address = 256;  // 0 = no limit
  std::chrono::milliseconds first_byte_timeout{5000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::seconds purge_interval{60};
  // How often the credential cache reads the store's auth generation: a key
  // changed by another process or node stops working within this bound.
  std::chrono::milliseconds auth_poll_interval{250};
  // Per-account requests per second (token bucket; 0 = unlimited) and burst
  // (0 = the rate). Over it: ThrottlingException.
  double rate_limit_rps = 0;
  double rate_limit_burst = 0;
  std::string log_level = "info";
  // A JSON file of KMS keys, secrets and IAM users applied at every start
  // (server/seed.h); empty = none.
  std::string seed_file;
  // The TOML file the configuration came from (--config; empty: none):
  // SIGHUP reads its [functions] again.
  std::string config_file;
  // Rotation (issue 21): the [functions.NAME] bindings rotation functions are
  // found by, and the engine's [rotation] settings.
  std::map<std::string, functions::FunctionBinding, std::less<>> functions;
  struct Rotation {
    std::chrono::milliseconds poll_interval{1000};
    int max_attempts = 5;
    std::chrono::milliseconds first_retry_delay{30000};
    int workers = 2;
    // The URL functions call Coffer at (AWS_ENDPOINT_URL,
    // SECRETS_MANAGER_ENDPOINT); empty: the listener's own, loopback when it
    // listens on every address.
    std::string endpoint_url;
  } rotation;
};

// True for a loopback listen host: 127.0.0.0/8, ::1 (or ::ffff:127.x.x.x)
// and "localhost". Any other name or address (0.0.0.0, ::) is not.
bool IsLoopbackHost(const std::string& host);
// Parses "HOST:PORT" (IPv4, name, or [IPv6]:PORT).
Status ParseListen(const std::string& listen, Config& config);
// Reads a TOML file into `config` (keys: data_dir, [store] url, listen, region, auth,
// account_id, root_key_file, tls_cert, tls_key, threads, max_body_bytes,
// max_header_bytes, max_connections, max_connections_per_address,
// first_byte_timeout_ms, idle_timeout_ms, read_timeout_ms,
// purge_interval_s, auth_poll_interval_ms, log_level, allow_remote_permissive).
// Unknown keys are an error.
Status LoadConfigFile(const std::string& path, Config& config);
// Applies COFFER_DATA_DIR, COFFER_STORE_URL, COFFER_LISTEN, COFFER_REGION, COFFER_AUTH,
// COFFER_ACCOUNT_ID, COFFER_ROOT_KEY_FILE, COFFER_ROOT_KEY, COFFER_TLS_CERT,
// COFFER_TLS_KEY, COFFER_THREADS, COFFER_LOG_LEVEL,
// COFFER_ALLOW_REMOTE_PERMISSIVE (true/false/1/0). COFFER_ROOT_KEY is wiped
// from the environment (overwritten, then unset) once read.
Status ApplyEnvironment(Config& config);
// Checks the merged result (e.g. permissive mode needs a 12-digit account id
// and, without allow_remote_permissive, a loopback listen host).
Status Validate(const Config& config);

}  // namespace coffer::server
