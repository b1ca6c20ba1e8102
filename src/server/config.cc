#include "server/config.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <toml++/toml.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <regex>

#include "functions/bindings.h"

namespace coffer::server {
namespace {

Status Bad(std::string msg) { return Status::InvalidArgument("Config", std::move(msg)); }

Status ParseAuth(const std::string& v, Config& c) {
  if (v == "sigv4")
    c.auth = AuthMode::kSigV4;
  else if (v == "permissive")
    c.auth = AuthMode::kPermissive;
  else
    return Bad("auth must be 'sigv4' or 'permissive', not '" + v + "'");
  return Status::Ok();
}

Result<bool> ParseBool(const std::string& name, const std::string& v) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return Bad(name + " must be true or false");
}

// Copies COFFER_ROOT_KEY into `c`, then overwrites the variable's bytes in
// place (the process's environment block, which /proc/PID/environ shows) and
// unsets it, so that the only copy left is the one Serve wipes after use.
void TakeRootKeyFromEnvironment(Config& c) {
  char* v = std::getenv("COFFER_ROOT_KEY");
  if (v == nullptr) return;
  if (*v) {
    if (c.root_key_env) OPENSSL_cleanse(c.root_key_env->data(), c.root_key_env->size());
    c.root_key_env.emplace(v);
  }
  OPENSSL_cleanse(v, std::strlen(v));
  ::unsetenv("COFFER_ROOT_KEY");
}

// `v` when it is in [lo, hi]; otherwise the error every integer setting gives.
Result<int64_t> IntIn(const std::string& name, std::optional<int64_t> v, int64_t lo, int64_t hi) {
  if (!v || *v < lo || *v > hi)
    return Bad(name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
               "]");
  return *v;
}

Result<int64_t> ParseInt(const std::string& name, const std::string& v, int64_t lo, int64_t hi) {
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno) return IntIn(name, std::nullopt, lo, hi);
  return IntIn(name, static_cast<int64_t>(n), lo, hi);
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  std::string h = host;
  for (char& ch : h) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (h == "localhost" || h == "localhost.") return true;
  unsigned char addr[16];
  if (::inet_pton(AF_INET, h.c_str(), addr) == 1) return addr[0] == 127;
  if (::inet_pton(AF_INET6, h.c_str(), addr) == 1) {
    static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(addr, kLoopback, 16) == 0) return true;
    return std::memcmp(addr, kMapped, 12) == 0 && addr[12] == 127;
  }
  return false;
}

Status ParseListen(const std::string& listen, Config& config) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Bad("listen must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = ParseInt("listen port", listen.substr(colon + 1), 0, 65535);
  if (!port.ok()) return port.status();
  config.listen_host = host;
  config.listen_port = static_cast<uint16_t>(*port);
  return Status::Ok();
}

namespace {

// [rotation]: the engine's settings (docs/rotation.md).
Status LoadRotationTable(const toml::table& t, Config::Rotation& r) {
  for (auto&& [key, value] : t) {
    const std::string k = "rotation." + std::string(key.str());
    if (k == "rotation.endpoint_url") {
      auto v = value.value<std::string>();
      if (!v) return Bad(k + " must be a string");
      r.endpoint_url = *v;
      continue;
    }
    const std::optional<int64_t> number = value.value<int64_t>();
    auto in = [&](int64_t lo, int64_t hi) { return IntIn(k, number, lo, hi); };
    if (k == "rotation.poll_interval_ms") {
      COFFER_ASSIGN_OR_RETURN(int64_t ms, in(10, 3600000));
      r.poll_interval = std::chrono::milliseconds(ms);
    } else if (k == "rotation.max_attempts") {
      COFFER_ASSIGN_OR_RETURN(r.max_attempts, in(1, 100));
    } else if (k == "rotation.retry_delay_ms") {
      COFFER_ASSIGN_OR_RETURN(int64_t ms, in(1, 86400000));
      r.first_retry_delay = std::chrono::milliseconds(ms);
    } else if (k == "rotation.workers") {
      COFFER_ASSIGN_OR_RETURN(r.workers, in(1, 64));
    } else {
      return Bad("unknown key '" + k + "'");
    }
  }
  return Status::Ok();
}

}  // namespace

Status LoadConfigFile(const std::string& path, Config& c) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Bad("cannot parse " + path + ": " + std::string(e.description()));
  }
  for (auto&& [key, value] : t) {
    auto& node = value;  // clang 14 cannot capture a structured binding in a lambda
    std::string k(key.str());
    auto str = [&]() -> std::optional<std::string> { return node.value<std::string>(); };
    auto num = [&]() -> std::optional<int64_t> { return node.value<int64_t>(); };
    auto need_str = [&](std::string& dst) -> Status {
      auto v = str();
      if (!v) return Bad(k + " must be a string");
      dst = *v;
      return Status::Ok();
    };
    auto need_num = [&](int64_t lo, int64_t hi) { return IntIn(k, num(), lo, hi); };
    if (k == "data_dir") {
      COFFER_RETURN_IF_ERROR(need_str(c.data_dir));
    } else if (k == "listen") {
      std::string v;
      COFFER_RETURN_IF_ERROR(need_str(v));
      COFFER_RETURN_IF_ERROR(ParseListen(v, c));
    } else if (k == "region") {
      COFFER_RETURN_IF_ERROR(need_str(c.region));
    } else if (k == "auth") {
      std::string v;
      COFFER_RETURN_IF_ERROR(need_str(v));
      COFFER_RETURN_IF_ERROR(ParseAuth(v, c));
    } else if (k == "account_id") {
      COFFER_RETURN_IF_ERROR(need_str(c.account_id));
    } else if (k == "root_key_file") {
      std::string v;
      COFFER_RETURN_IF_ERROR(need_str(v));
      c.root_key_file = v;
    } else if (k == "audit_log") {
      COFFER_RETURN_IF_ERROR(need_str(c.audit_log));
    } else if (k == "tls_cert") {
      COFFER_RETURN_IF_ERROR(need_str(c.tls_cert_file));
    } else if (k == "tls_key") {
      COFFER_RETURN_IF_ERROR(need_str(c.tls_key_file));
    } else if (k == "log_level") {
      COFFER_RETURN_IF_ERROR(need_str(c.log_level));
    } else if (k == "seed") {
      COFFER_RETURN_IF_ERROR(need_str(c.seed_file));
    } else if (k == "allow_remote_permissive") {
      auto v = node.value<bool>();
      if (!v) return Bad(k + " must be true or false");
      c.allow_remote_permissive = *v;
    } else if (k == "threads") {
      COFFER_ASSIGN_OR_RETURN(c.threads, need_num(0, 256));
    } else if (k == "max_body_bytes") {
      COFFER_ASSIGN_OR_RETURN(c.max_body_bytes, need_num(1024, 64 << 20));
    } else if (k == "max_header_bytes") {
      COFFER_ASSIGN_OR_RETURN(c.max_header_bytes, need_num(1024, 1 << 20));
    } else if (k == "max_connections") {
      COFFER_ASSIGN_OR_RETURN(c.max_connections, need_num(1, 1000000));
    } else if (k == "max_connections_per_address") {
      COFFER_ASSIGN_OR_RETURN(c.max_connections_per_address, need_num(0, 1000000));
    } else if (k == "first_byte_timeout_ms") {
      COFFER_ASSIGN_OR_RETURN(int64_t v, need_num(100, 3600000));
      c.first_byte_timeout = std::chrono::milliseconds(v);
    } else if (k == "idle_timeout_ms") {
      COFFER_ASSIGN_OR_RETURN(int64_t v, need_num(100, 3600000));
      c.idle_timeout = std::chrono::milliseconds(v);
    } else if (k == "read_timeout_ms") {
      COFFER_ASSIGN_OR_RETURN(int64_t v, need_num(100, 3600000));
      c.read_timeout = std::chrono::milliseconds(v);
    } else if (k == "rate_limit_rps") {
      COFFER_ASSIGN_OR_RETURN(int64_t v, need_num(0, 10000000));
      c.rate_limit_rps = static_cast<double>(v);
    } else if (k == "rate_limit_burst") {
      COFFER_ASSIGN_OR_RETURN(int64_t v, need_num(0, 10000000));
      c.rate_limit_burst = static_cast<double>(v);
    } else if (k == "auth_poll_interval_ms") {
      COFFER_ASSIGN_OR_RETURN(int64_t v, need_num(10, 60000));
      c.auth_poll_interval = std::chrono::milliseconds(v);
    } else if (k == "functions") {
      const toml::table* functions = node.as_table();
      if (!functions) return Bad("functions must be a table of [functions.NAME] tables");
      COFFER_ASSIGN_OR_RETURN(auto parsed, functions::ParseFunctionBindings(*functions));
      c.functions.clear();
      for (auto& [name, binding] : parsed) c.functions.emplace(name, std::move(binding));
    } else if (k == "store") {
      const toml::table* store = node.as_table();
      if (!store) return Bad("store must be a table ([store] url = \"postgresql://…\")");
      for (auto&& [store_key, store_value] : *store) {
        if (store_key.str() != "url")
          return Bad("unknown key '" + std::string(store_key.str()) + "' in [store] of " + path);
        auto url = store_value.value<std::string>();
        if (!url) return Bad("store.url must be a string");
        c.store_url = *url;
      }
    } else if (k == "rotation") {
      const toml::table* rotation = node.as_table();
      if (!rotation) return Bad("rotation must be a table");
      COFFER_RETURN_IF_ERROR(LoadRotationTable(*rotation, c.rotation));
    } else if (k == "purge_interval_s") {
      COFFER_ASSIGN_OR_RETURN(int64_t v, need_num(1, 86400));
      c.purge_interval = std::chrono::seconds(v);
    } else {
      return Bad("unknown key '" + k + "' in " + path);
    }
  }
  return Status::Ok();
}

Status ApplyEnvironment(Config& c) {
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  if (auto v = env("COFFER_DATA_DIR")) c.data_dir = *v;
  if (auto v = env("COFFER_STORE_URL")) c.store_url = *v;
  if (auto v = env("COFFER_LISTEN")) COFFER_RETURN_IF_ERROR(ParseListen(*v, c));
  if (auto v = env("COFFER_REGION")) c.region = *v;
  if (auto v = env("COFFER_AUTH")) COFFER_RETURN_IF_ERROR(ParseAuth(*v, c));
  if (auto v = env("COFFER_ACCOUNT_ID")) c.account_id = *v;
  if (auto v = env("COFFER_ROOT_KEY_FILE")) c.root_key_file = *v;
  TakeRootKeyFromEnvironment(c);
  if (auto v = env("COFFER_TLS_CERT")) c.tls_cert_file = *v;
  if (auto v = env("COFFER_AUDIT_LOG")) c.audit_log = *v;
  if (auto v = env("COFFER_TLS_KEY")) c.tls_key_file = *v;
  if (auto v = env("COFFER_LOG_LEVEL")) c.log_level = *v;
  if (auto v = env("COFFER_SEED")) c.seed_file = *v;
  if (auto v = env("COFFER_ALLOW_REMOTE_PERMISSIVE")) {
    COFFER_ASSIGN_OR_RETURN(c.allow_remote_permissive,
                            ParseBool("COFFER_ALLOW_REMOTE_PERMISSIVE", *v));
  }
  if (auto v = env("COFFER_THREADS")) {
    COFFER_ASSIGN_OR_RETURN(int64_t n, ParseInt("COFFER_THREADS", *v, 0, 256));
    c.threads = static_cast<int>(n);
  }
  return Status::Ok();
}

Status Validate(const Config& c) {
  static const std::regex kAccount("^[0-9]{12}$");
  static const std::regex kRegion("^[a-z]{2}(-[a-z]+)+-[0-9]+$");
  if (!std::regex_match(c.region, kRegion))
    return Bad("region '" + c.region + "' is not a region name");
  if (!c.account_id.empty() && !std::regex_match(c.account_id, kAccount))
    return Bad("account id must be 12 digits");
  if (c.auth == AuthMode::kPermissive && c.account_id.empty())
    return Bad("--auth permissive needs --account-id (e.g. 123456789012 or 000000000000)");
  if (c.auth == AuthMode::kPermissive && !c.allow_remote_permissive &&
      !IsLoopbackHost(c.listen_host))
    return Bad(
        "--auth permissive lets anyone who can connect act as the administrator, so it "
        "listens only on a loopback address (127.0.0.0/8, ::1, localhost), not '" +
        c.listen_host + "'; add --allow-remote-permissive to listen there anyway");
  // The URL itself is never repeated: it holds the database password.
  if (!c.store_url.empty() && c.store_url.rfind("postgresql://", 0) != 0 &&
      c.store_url.rfind("postgres://", 0) != 0)
    return Bad("the store url must start with postgresql:// (empty: SQLite in the data directory)");
  if (c.tls_cert_file.empty() != c.tls_key_file.empty())
    return Bad("--tls-cert and --tls-key go together");
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error")
    return Bad("log level must be debug, info, warn or error");
  if (!(c.rate_limit_rps >= 0) || !(c.rate_limit_burst >= 0) || c.rate_limit_rps > 1e7 ||
      c.rate_limit_burst > 1e7)
    return Bad("rate limits must be between 0 and 10000000");
  return Status::Ok();
}

}  // namespace coffer::server
