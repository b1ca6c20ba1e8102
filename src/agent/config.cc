#include "agent/config.h"

#include <arpa/inet.h>
#include <toml++/toml.h>

#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>

namespace coffer::agent {
namespace {

// AWS's texts (aws-secretsmanager-agent src/constants.rs).
constexpr char kBadLogLevel[] =
    "The log level specified in the configuration file isn't valid. The log level must be "
    "DEBUG, INFO, WARN, ERROR, or NONE.";
constexpr char kBadPort[] =
    "The HTTP port specified in the configuration file isn't valid. The HTTP port must be in "
    "the range 1024 to 65535.";
constexpr char kBadTtl[] =
    "The TTL in seconds specified in the configuration file isn't valid. The TTL in seconds "
    "must be in the range 0 to 3600.";
constexpr char kBadCacheSize[] =
    "The cache size specified in the configuration file isn't valid. The cache size must be "
    "in the range 1 to 1000.";
constexpr char kBadMaxConn[] =
    "The maximum number of connections specified in the configuration file isn't valid. The "
    "maximum number of connections must be in the range 1 to 1000.";
constexpr char kEmptyHeaders[] =
    "The list of SSRF headers in the configuration file can't be empty.";
constexpr char kEmptyEnv[] =
    "The list of SSRF environment variables in the configuration file can't be empty.";
constexpr char kBadPrefix[] =
    "The path prefix specified in the configuration file must begin with /.";

Status Bad(std::string_view key, std::string_view why) {
  return Status::InvalidArgument("Config", std::string(key) + ": " + std::string(why));
}

// An integer given as a TOML integer or a string of digits.
std::optional<int64_t> Integer(const toml::node& node) {
  if (auto i = node.value<int64_t>(); i && node.is_integer()) return *i;
  if (const auto* s = node.as_string()) {
    const std::string& text = s->get();
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) return v;
  }
  return std::nullopt;
}

Result<int64_t> IntegerIn(std::string_view key, const toml::node& node, int64_t lo, int64_t hi,
                          const char* message) {
  std::optional<int64_t> v = Integer(node);
  if (!v || *v < lo || *v > hi) return Bad(key, message);
  return *v;
}

Result<std::string> String(std::string_view key, const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  return Bad(key, "must be a string");
}

Result<bool> Bool(std::string_view key, const toml::node& node) {
  if (const auto* b = node.as_boolean()) return b->get();
  return Bad(key, "must be true or false");
}

Result<std::vector<std::string>> StringList(std::string_view key, const toml::node& node) {
  const auto* array = node.as_array();
  if (array == nullptr) return Bad(key, "must be an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *array) {
    const auto* s = item.as_string();
    if (s == nullptr || s->get().empty()) return Bad(key, "must be an array of non-empty strings");
    out.push_back(s->get());
  }
  return out;
}

Result<AgentLogLevel> LogLevelOf(const std::string& text) {
  std::string v;
  for (char c : text) v += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (v == "debug") return AgentLogLevel::kDebug;
  if (v == "info") return AgentLogLevel::kInfo;
  if (v == "warn") return AgentLogLevel::kWarn;
  if (v == "error") return AgentLogLevel::kError;
  if (v == "none") return AgentLogLevel::kNone;
  return Bad("log_level", kBadLogLevel);
}

bool IsIpAddress(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// Applies one key of the file to `c`.
Status Apply(const std::string& key, const toml::node& node, AgentConfig& c) {
  if (key == "log_level") {
    COFFER_ASSIGN_OR_RETURN(std::string v, String(key, node));
    COFFER_ASSIGN_OR_RETURN(c.log_level, LogLevelOf(v));
  } else if (key == "log_to_file") {
    COFFER_ASSIGN_OR_RETURN(c.log_to_file, Bool(key, node));
  } else if (key == "http_address") {
    COFFER_ASSIGN_OR_RETURN(c.http_address, String(key, node));
    if (!IsIpAddress(c.http_address)) return Bad(key, "must be an IPv4 or IPv6 address");
  } else if (key == "http_port") {
    COFFER_ASSIGN_OR_RETURN(int64_t v, IntegerIn(key, node, 0, 65535, kBadPort));
    if (v > 0 && v < 1024) return Bad(key, kBadPort);
    c.http_port = static_cast<uint16_t>(v);
  } else if (key == "ttl_seconds") {
    COFFER_ASSIGN_OR_RETURN(c.ttl_seconds, IntegerIn(key, node, 0, 3600, kBadTtl));
  } else if (key == "cache_size") {
    COFFER_ASSIGN_OR_RETURN(int64_t v, IntegerIn(key, node, 1, 1000, kBadCacheSize));
    c.cache_size = static_cast<size_t>(v);
  } else if (key == "ssrf_headers") {
    COFFER_ASSIGN_OR_RETURN(c.ssrf_headers, StringList(key, node));
    if (c.ssrf_headers.empty()) return Bad(key, kEmptyHeaders);
  } else if (key == "ssrf_env_variables") {
    COFFER_ASSIGN_OR_RETURN(c.ssrf_env_variables, StringList(key, node));
    if (c.ssrf_env_variables.empty()) return Bad(key, kEmptyEnv);
  } else if (key == "path_prefix") {
    COFFER_ASSIGN_OR_RETURN(c.path_prefix, String(key, node));
    if (c.path_prefix.empty() || c.path_prefix.front() != '/') return Bad(key, kBadPrefix);
  } else if (key == "max_conn") {
    COFFER_ASSIGN_OR_RETURN(int64_t v, IntegerIn(key, node, 1, 1000, kBadMaxConn));
    c.max_conn = static_cast<size_t>(v);
  } else if (key == "region") {
    COFFER_ASSIGN_OR_RETURN(c.region, String(key, node));
  } else if (key == "ignore_transient_errors") {
    COFFER_ASSIGN_OR_RETURN(c.ignore_transient_errors, Bool(key, node));
  } else if (key == "validate_credentials") {
    COFFER_ASSIGN_OR_RETURN(c.validate_credentials, Bool(key, node));
  } else if (key == "credentials_file_path") {
    COFFER_ASSIGN_OR_RETURN(c.credentials_file_path, String(key, node));
  } else if (key == "endpoint_url") {
    COFFER_ASSIGN_OR_RETURN(c.endpoint_url, String(key, node));
    if (c.endpoint_url.rfind("http://", 0) != 0 && c.endpoint_url.rfind("https://", 0) != 0) {
      return Bad(key, "must be an http:// or https:// URL");
    }
  } else if (key == "max_stale_seconds") {
    COFFER_ASSIGN_OR_RETURN(c.max_stale_seconds,
                            IntegerIn(key, node, 0, 86400, "must be in the range 0 to 86400"));
  } else if (key == "prefetch_secret_ids") {
    COFFER_ASSIGN_OR_RETURN(c.prefetch_secret_ids, StringList(key, node));
  } else if (key == "prefetch_name_prefixes") {
    COFFER_ASSIGN_OR_RETURN(c.prefetch_name_prefixes, StringList(key, node));
  } else if (key == "prefetch_tags") {
    const auto* table = node.as_table();
    if (table == nullptr) return Bad(key, "must be a table of tag = \"value\"");
    c.prefetch_tags.clear();
    for (const auto& [tag, value] : *table) {
      const auto* v = value.as_string();
      if (v == nullptr) return Bad(key, "must be a table of tag = \"value\"");
      c.prefetch_tags.emplace_back(std::string(tag.str()), v->get());
    }
  } else if (key == "watch") {
    COFFER_ASSIGN_OR_RETURN(c.watch, Bool(key, node));
  } else if (key == "watch_wait_seconds") {
    COFFER_ASSIGN_OR_RETURN(c.watch_wait_seconds,
                            IntegerIn(key, node, 1, 20, "must be in the range 1 to 20"));
  } else {
    return Bad(key, "unknown configuration key");
  }
  return Status::Ok();
}

}  // namespace

Result<AgentConfig> ParseAgentConfig(std::string_view toml_text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ": " << e.description();
    return Status::InvalidArgument("Config", msg.str());
  }
  AgentConfig c;
  for (const auto& entry : table) {
    COFFER_RETURN_IF_ERROR(Apply(std::string(entry.first.str()), entry.second, c));
  }
  return c;
}

Result<AgentConfig> LoadAgentConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("Config", "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseAgentConfig(text.str(), path);
}

bool IsLoopbackAddress(std::string_view address) {
  std::string s(address);
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    for (int i = 0; i < 15; ++i) {
      if (buf[i] != 0) return false;
    }
    return buf[15] == 1;
  }
  return false;
}

}  // namespace coffer::agent
