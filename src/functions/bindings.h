// Reading the `[functions.NAME]` tables of Coffer's configuration into
// FunctionBinding values (function.h), and parsing the Lambda function ARNs
// that RotateSecret's RotationLambdaARN names them by.
//
// Thread-safety: pure functions.
#pragma once

#include <toml++/toml.h>

#include <map>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "functions/function.h"

namespace coffer::functions {

// `functions_table` is the table under the configuration's "functions" key;
// each of its sub-tables is one binding, keyed by the function name. Every
// error is InvalidArgument with the message "functions.NAME: <what is wrong>".
Result<std::map<std::string, FunctionBinding>> ParseFunctionBindings(
    const toml::table& functions_table);

// True for a Lambda function name: [A-Za-z0-9_-]{1,64}.
bool IsValidFunctionName(std::string_view name);

// arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]. The qualifier
// ($LATEST, an alias or a version) is accepted and ignored.
struct LambdaArn {
  std::string region;
  std::string account;
  std::string name;
};
Result<LambdaArn> ParseLambdaArn(std::string_view arn);

}  // namespace coffer::functions
