// Invoke: runs one invocation of a function binding (function.h). Commands
// and Python handlers run as child processes (subprocess.h) with a clean
// environment; URL functions get the event by POST (http_client.h); builtins
// run in-process (builtin.h). Output goes to Coffer's log, bounded per call.
#include <chrono>
#include <map>
#include <string>

#include "client/http_client.h"
#include "common/log.h"
#include "functions/builtin.h"
#include "functions/function.h"
#include "functions/subprocess.h"

namespace coffer::embedded {
extern const std::string_view kLambdaRunner;  // src/functions/lambda_runner.py
}

namespace coffer::functions {
namespace {

constexpr const char* kPython = "/usr/bin/python3";
// The most output of one call that goes to the log (the rest is counted only).
constexpr size_t kMaxLoggedBytes = 256 << 10;

// Logs a function's output lines up to kMaxLoggedBytes per call.
// Thread-compatible: one per call.
class OutputLog {
 public:
  OutputLog(const FunctionBinding& binding, const Invocation& invocation)
      : name_(binding.name), request_id_(invocation.request_id) {}

  ~OutputLog() {
    if (dropped_ > 0) {
      std::string dropped = std::to_string(dropped_);
      LogWarn("function output truncated",
              {{"function", name_}, {"request_id", request_id_}, {"dropped_bytes", dropped}});
    }
  }

  void Line(std::string_view stream, std::string_view line, bool truncated) {
    if (dropped_ > 0 || logged_ + line.size() > kMaxLoggedBytes) {  // dropping is for good
      dropped_ += line.size() + 1;
      return;
    }
    logged_ += line.size() + 1;
    if (truncated) {
      LogInfo("function output", {{"function", name_},
                                  {"request_id", request_id_},
                                  {"stream", stream},
                                  {"line", line},
                                  {"truncated", "true"}});
    } else {
      LogInfo(
          "function output",
          {{"function", name_}, {"request_id", request_id_}, {"stream", stream}, {"line", line}});
    }
  }

  // A response body: split into lines like process output.
  void Body(std::string_view body) {
    while (!body.empty()) {
      size_t nl = body.find('\n');
      std::string_view line = body.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      bool truncated = line.size() > kMaxLineBytes;
      Line("response", line.substr(0, kMaxLineBytes), truncated);
      if (nl == std::string_view::npos) break;
      body.remove_prefix(nl + 1);
    }
  }

 private:
  std::string_view name_;
  std::string_view request_id_;
  size_t logged_ = 0;
  size_t dropped_ = 0;
};

std::string Prefix(const FunctionBinding& binding) { return "function " + binding.name + " "; }

std::vector<std::string> ChildEnvironment(const FunctionBinding& binding,
                                          const Invocation& invocation) {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"LANG", "C.UTF-8"},
      {"TZ", "UTC"},
      {"AWS_LAMBDA_FUNCTION_NAME", binding.name},
      {"AWS_LAMBDA_FUNCTION_TIMEOUT", std::to_string(binding.timeout.count())},
      {"AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"},
  };
  for (const auto& [name, value] : binding.environment) env[name] = value;
  for (const auto& [name, value] : invocation.environment) env[name] = value;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

Status RunChild(const FunctionBinding& binding, const Invocation& invocation) {
  ProcessSpec spec;
  if (binding.kind == FunctionKind::kPythonHandler) {
    spec.argv = {kPython,
                 "-B",  // no __pycache__ beside the handler
                 "-u",
                 "-c",
                 std::string(embedded::kLambdaRunner),
                 binding.python_handler,
                 binding.name,
                 invocation.function_arn,
                 invocation.request_id,
                 std::to_string(binding.timeout.count())};
    size_t slash = binding.python_handler.rfind('/');
    spec.working_directory = slash == 0 ? "/" : binding.python_handler.substr(0, slash);
  } else {
    spec.argv = binding.command;
  }
  spec.env = ChildEnvironment(binding, invocation);
  spec.stdin_data = invocation.event_json;
  spec.timeout = binding.timeout;
  OutputLog log(binding, invocation);
  Result<ProcessOutcome> outcome =
      RunProcess(spec, [&](std::string_view stream, std::string_view line, bool truncated) {
        log.Line(stream, line, truncated);
      });
  if (!outcome.ok()) {
    if (outcome.status().code() == StatusCode::kInternal) return outcome.status();
    return Status::Unavailable("", Prefix(binding) + outcome.status().message());
  }
  if (outcome->timed_out) {
    return Status::Unavailable(
        "", Prefix(binding) + "timed out after " + std::to_string(binding.timeout.count()) + " s");
  }
  if (!outcome->exited) {
    return Status::Unavailable(
        "", Prefix(binding) + "was killed by signal " + std::to_string(outcome->signal));
  }
  if (outcome->exit_status != 0) {
    return Status::Unavailable(
        "", Prefix(binding) + "exited with status " + std::to_string(outcome->exit_status));
  }
  return Status::Ok();
}

Status CallUrl(const FunctionBinding& binding, const Invocation& invocation) {
  auto epoch_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()) +
                  binding.timeout;
  client::HttpCallRequest request;
  request.method = "POST";
  request.url = binding.url;
  request.body = invocation.event_json;
  request.timeout = binding.timeout;
  request.headers = {
      {"Content-Type", "application/json"},
      {"Lambda-Runtime-Aws-Request-Id", invocation.request_id},
      {"Lambda-Runtime-Invoked-Function-Arn", invocation.function_arn},
      {"Lambda-Runtime-Deadline-Ms", std::to_string(epoch_ms.count())},
  };
  static constexpr std::pair<std::string_view, std::string_view> kForwarded[] = {
      {"AWS_ACCESS_KEY_ID", "X-Coffer-Access-Key-Id"},
      {"AWS_SECRET_ACCESS_KEY", "X-Coffer-Secret-Access-Key"},
      {"AWS_SESSION_TOKEN", "X-Coffer-Session-Token"},
      {"AWS_REGION", "X-Coffer-Region"},
      {"AWS_ENDPOINT_URL", "X-Coffer-Endpoint-Url"},
  };
  for (const auto& [variable, header] : kForwarded) {
    for (const auto& [name, value] : invocation.environment) {
      if (name == variable) request.headers.emplace_back(header, value);
    }
  }
  Result<client::HttpCallResponse> response = client::HttpCall(request);
  if (!response.ok()) {
    if (response.status().message().find("timed out") != std::string::npos) {
      return Status::Unavailable("", Prefix(binding) + "timed out after " +
                                         std::to_string(binding.timeout.count()) + " s");
    }
    return Status::Unavailable("", Prefix(binding) + "call failed: " + response.status().message());
  }
  OutputLog(binding, invocation).Body(response->body);
  if (response->status < 200 || response->status > 299) {
    return Status::Unavailable(
        "", Prefix(binding) + "returned HTTP " + std::to_string(response->status));
  }
  return Status::Ok();
}

}  // namespace

Status Invoke(const FunctionBinding& binding, const Invocation& invocation) {
  switch (binding.kind) {
    case FunctionKind::kPythonHandler:
    case FunctionKind::kCommand: return RunChild(binding, invocation);
    case FunctionKind::kUrl: return CallUrl(binding, invocation);
    case FunctionKind::kBuiltin: return RunBuiltin(binding, invocation);
  }
  return Status::Internal("unknown function kind");
}

}  // namespace coffer::functions
