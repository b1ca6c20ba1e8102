// Rotation functions (issue 21): what a `[functions.NAME]` table of the
// configuration binds a Lambda function name to, and one invocation of it.
//
// Coffer acts as the Lambda service for rotation: RotateSecret's
// RotationLambdaARN `arn:aws:lambda:REGION:ACCOUNT:function:NAME` finds the
// binding NAME, and the rotation engine (src/rotation) invokes it once per
// step with AWS's event JSON and temporary credentials of `role_arn`. How it
// runs is exactly one of: a Python file with lambda_handler(event, context)
// (run by Coffer's embedded runner under /usr/bin/python3), a command (event
// JSON on stdin, exit 0 = success), a URL (POST the event, 2xx = success) or
// a built-in rotator compiled into Coffer (builtin.h).
//
// Thread-safety: value types; Invoke may be called from several threads at
// once (each call owns its process or connection).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::functions {

enum class FunctionKind { kPythonHandler, kCommand, kUrl, kBuiltin };

struct FunctionBinding {
  std::string name;  // NAME of [functions.NAME]: the ARN's function name
  FunctionKind kind = FunctionKind::kCommand;
  std::string python_handler;        // kPythonHandler: path of the .py file
  std::vector<std::string> command;  // kCommand: argv (argv[0] a path or a name on PATH)
  std::string url;                   // kUrl: http:// or https://
  std::string builtin;               // kBuiltin: e.g. "postgresql-single-user"
  std::string role_arn;              // credentials the function runs with
  std::chrono::seconds timeout{30};  // 1..900, as Lambda's
  std::map<std::string, std::string> environment;  // extra variables, verbatim
  bool operator==(const FunctionBinding&) const = default;
};

// One call of a function: the event and the environment it runs with.
struct Invocation {
  std::string function_arn;  // arn:aws:lambda:REGION:ACCOUNT:function:NAME
  std::string request_id;    // a fresh UUID: the context's aws_request_id
  std::string event_json;    // {"Step":…,"SecretId":…,"ClientRequestToken":…,"RotationToken":…}
  // Set by the engine: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
  // AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL,
  // SECRETS_MANAGER_ENDPOINT. The binding's `environment` is added by Invoke
  // (the engine's variables win on a clash). Holds a secret access key:
  // never log it.
  std::vector<std::pair<std::string, std::string>> environment;
};

// Runs the function once and waits for it, at most binding.timeout. OK when
// it succeeded; otherwise an error whose message says why in words that hold
// no output of the function (e.g. "exited with status 1", "timed out after
// 30 s", "HTTP 500"). The function's stdout/stderr (or the HTTP response
// body) go to Coffer's log, one line per line, with the function's name and
// the request id.
Status Invoke(const FunctionBinding& binding, const Invocation& invocation);

}  // namespace coffer::functions
