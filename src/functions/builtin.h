// Built-in rotation functions: rotators compiled into Coffer for users who
// want rotation without writing a function (issue 21 item 3). A builtin runs
// in-process but behaves exactly like an external function: it reads its
// credentials and Coffer's URL from the Invocation's environment and talks to
// Secrets Manager over HTTP with SigV4, so policies and the audit trail apply
// to it as to any function.
//
// Thread-safety: RunBuiltin may be called from several threads at once.
#pragma once

#include <string_view>

#include "coffer/result.h"
#include "functions/function.h"

namespace coffer::functions {

// True for a name RunBuiltin knows ("postgresql-single-user").
bool IsKnownBuiltin(std::string_view name);

// Runs binding.builtin for one step (the event in invocation.event_json).
// Same success/error contract as Invoke.
Status RunBuiltin(const FunctionBinding& binding, const Invocation& invocation);

}  // namespace coffer::functions
