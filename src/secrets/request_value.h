// RequestValue: a request's SecretString / SecretBinary, read and checked.
//
// Part of the secrets module's internals (namespace internal): for its
// operation files only, not for use outside src/secrets.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include "coffer/result.h"
#include "common/json.h"
#include "common/secure_string.h"

namespace coffer::secrets::internal {

// Reads SecretString / SecretBinary (base64 on the wire) of a request into
// `value`; `present` tells whether either member was given, `binary` which.
// Both given -> InvalidParameterException; more than 65,536 bytes ->
// InvalidParameterException (AWS texts, messages.h).
struct RequestValue {
  bool present = false;
  bool binary = false;
  SecureString bytes;
};
Result<RequestValue> ReadRequestValue(const JsonValue& in);

}  // namespace coffer::secrets::internal
