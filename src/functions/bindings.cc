#include "functions/bindings.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <optional>
#include <set>

#include "client/http_client.h"
#include "functions/builtin.h"

namespace coffer::functions {
namespace {

// Variables Coffer sets for every invocation (or Lambda reserves): a binding
// may not define them.
constexpr std::array<std::string_view, 13> kReservedVariables = {"AWS_ACCESS_KEY_ID",
                                                                 "AWS_SECRET_ACCESS_KEY",
                                                                 "AWS_SESSION_TOKEN",
                                                                 "AWS_REGION",
                                                                 "AWS_DEFAULT_REGION",
                                                                 "AWS_ENDPOINT_URL",
                                                                 "SECRETS_MANAGER_ENDPOINT",
                                                                 "AWS_EXECUTION_ENV",
                                                                 "_HANDLER",
                                                                 "LAMBDA_TASK_ROOT",
                                                                 "LAMBDA_RUNTIME_DIR",
                                                                 "AWS_LAMBDA_RUNTIME_API",
                                                                 "AWS_XRAY_DAEMON_ADDRESS"};

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool AllOf(std::string_view s, std::string_view extra) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && extra.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsValidVariableName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return AllOf(name, "_");
}

// arn:aws:iam::<12 digits>:role/<path/>name
bool IsValidRoleArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:iam::";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return false;
  arn.remove_prefix(kPrefix.size());
  if (arn.size() < 13 || !IsDigits(arn.substr(0, 12), 12)) return false;
  arn.remove_prefix(12);
  if (arn.substr(0, 6) != ":role/") return false;
  std::string_view path_and_name = arn.substr(6);
  std::string_view name = path_and_name.substr(path_and_name.rfind('/') + 1);
  if (name.empty() || name.size() > 64 || path_and_name.find("//") != std::string_view::npos) {
    return false;
  }
  return AllOf(path_and_name, "+=,.@_-/");
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr addr{};
  if (inet_pton(AF_INET, host.c_str(), &addr) != 1) return false;
  return (ntohl(addr.s_addr) >> 24) == 127;
}

// Parses one [functions.NAME] table. Thread-compatible; one per binding.
class BindingParser {
 public:
  explicit BindingParser(std::string name) { binding_.name = std::move(name); }

  Result<FunctionBinding> Parse(const toml::table& table) {
    int kinds = 0;
    for (const auto& [key_node, node] : table) {
      std::string key(key_node.str());
      Status s;
      if (key == "python_handler" || key == "command" || key == "url" || key == "builtin") {
        ++kinds;
        s = ParseKind(key, node);
      } else if (key == "role_arn") {
        auto v = node.value_exact<std::string>();
        if (!v || !IsValidRoleArn(*v)) {
          s = Error("role_arn must be arn:aws:iam::<12-digit account>:role/<name>");
        } else {
          binding_.role_arn = *v;
        }
      } else if (key == "timeout_seconds") {
        const auto* v = node.as_integer();
        if (v == nullptr || v->get() < 1 || v->get() > 900) {
          s = Error("timeout_seconds must be an integer from 1 to 900");
        } else {
          binding_.timeout = std::chrono::seconds(v->get());
        }
      } else if (key == "environment") {
        s = ParseEnvironment(node);
      } else {
        s = Error("unknown key \"" + key + "\"");
      }
      COFFER_RETURN_IF_ERROR(s);
    }
    if (kinds != 1) {
      return Error("exactly one of python_handler, command, url or builtin is required");
    }
    if (binding_.role_arn.empty()) return Error("role_arn is required");
    return std::move(binding_);
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("", "functions." + binding_.name + ": " + what);
  }

  Status ParseKind(const std::string& key, const toml::node& node) {
    if (key == "command") {
      const toml::array* array = node.as_array();
      if (array == nullptr || array->empty()) {
        return Error("command must be a non-empty array of strings");
      }
      for (const auto& element : *array) {
        auto arg = element.value_exact<std::string>();
        if (!arg || arg->find('\0') != std::string::npos) {
          return Error("command must be a non-empty array of strings");
        }
        binding_.command.push_back(*arg);
      }
      if (binding_.command[0].empty()) return Error("command[0] must not be empty");
      binding_.kind = FunctionKind::kCommand;
      return Status::Ok();
    }
    auto value = node.value_exact<std::string>();
    if (!value || value->find('\0') != std::string::npos) return Error(key + " must be a string");
    if (key == "python_handler") {
      if (value->empty() || (*value)[0] != '/') {
        return Error("python_handler must be an absolute path");
      }
      if (value->size() <= 4 || value->substr(value->size() - 3) != ".py" ||
          (*value)[value->size() - 4] == '/') {
        return Error("python_handler must name a .py file");
      }
      binding_.kind = FunctionKind::kPythonHandler;
      binding_.python_handler = *value;
    } else if (key == "url") {
      auto url = client::ParseHttpUrl(*value);
      if (!url.ok()) return Error("url: " + url.status().message());
      if (!url->tls && !IsLoopbackHost(url->host)) {
        return Error(
            "url must be https:// unless the host is loopback (credentials travel with it)");
      }
      binding_.kind = FunctionKind::kUrl;
      binding_.url = *value;
    } else {  // builtin
      if (!IsKnownBuiltin(*value)) return Error("unknown builtin \"" + *value + "\"");
      binding_.kind = FunctionKind::kBuiltin;
      binding_.builtin = *value;
    }
    return Status::Ok();
  }

  Status ParseEnvironment(const toml::node& node) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Error("environment must be a table of strings");
    for (const auto& [key_node, value_node] : *table) {
      std::string name(key_node.str());
      if (!IsValidVariableName(name)) {
        return Error("environment: invalid variable name \"" + name + "\"");
      }
      bool reserved = name.rfind("AWS_LAMBDA_", 0) == 0;
      for (std::string_view r : kReservedVariables) reserved |= name == r;
      if (reserved) return Error("environment: " + name + " is reserved");
      auto value = value_node.value_exact<std::string>();
      if (!value || value->find('\0') != std::string::npos) {
        return Error("environment: " + name + " must be a string");
      }
      binding_.environment[name] = *value;
    }
    return Status::Ok();
  }

  FunctionBinding binding_;
};

}  // namespace

bool IsValidFunctionName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && AllOf(name, "_-");
}

Result<std::map<std::string, FunctionBinding>> ParseFunctionBindings(
    const toml::table& functions_table) {
  std::map<std::string, FunctionBinding> out;
  for (const auto& [key_node, node] : functions_table) {
    std::string name(key_node.str());
    if (!IsValidFunctionName(name)) {
      return Status::InvalidArgument(
          "", "functions." + name + ": the name must be 1 to 64 of A-Z, a-z, 0-9, _ and -");
    }
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Status::InvalidArgument("", "functions." + name + ": must be a table");
    }
    COFFER_ASSIGN_OR_RETURN(FunctionBinding binding, BindingParser(name).Parse(*table));
    out.emplace(name, std::move(binding));
  }
  return out;
}

Result<LambdaArn> ParseLambdaArn(std::string_view arn) {
  auto invalid = [] {
    return Status::InvalidArgument(
        "", "invalid Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)");
  };
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = arn.find(':', start);
    parts.push_back(arn.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (parts.size() != 7 && parts.size() != 8) return invalid();
  if (parts[0] != "arn" || parts[1] != "aws" || parts[2] != "lambda" || parts[5] != "function") {
    return invalid();
  }
  std::string_view region = parts[3];
  if (region.empty() || region.size() > 32 || !AllOf(region, "-") ||
      !std::isalpha(static_cast<unsigned char>(region[0]))) {
    return invalid();
  }
  if (!IsDigits(parts[4], 12) || !IsValidFunctionName(parts[6])) return invalid();
  if (parts.size() == 8) {
    std::string_view q = parts[7];
    if (q != "$LATEST" && (q.empty() || q.size() > 128 || !AllOf(q, "_-"))) return invalid();
  }
  return LambdaArn{std::string(region), std::string(parts[4]), std::string(parts[6])};
}

}  // namespace coffer::functions
