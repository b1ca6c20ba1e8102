// Placeholder until the PostgreSQL rotator lands (replaced by its author).
#include "functions/builtin.h"

namespace coffer::functions {

bool IsKnownBuiltin(std::string_view) { return false; }

Status RunBuiltin(const FunctionBinding& binding, const Invocation&) {
  return Status::InvalidArgument("", "unknown built-in function " + binding.builtin);
}

}  // namespace coffer::functions
