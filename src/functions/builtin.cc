// The built-in rotators by name (builtin.h).
#include "functions/builtin.h"

#include "functions/postgres_rotator.h"

namespace coffer::functions {

namespace {
constexpr std::string_view kPostgresSingleUser = "postgresql-single-user";
}  // namespace

bool IsKnownBuiltin(std::string_view name) { return name == kPostgresSingleUser; }

Status RunBuiltin(const FunctionBinding& binding, const Invocation& invocation) {
  if (binding.builtin == kPostgresSingleUser) return RunPostgresSingleUser(binding, invocation);
  return Status::InvalidArgument("", "unknown built-in function " + binding.builtin);
}

}  // namespace coffer::functions
