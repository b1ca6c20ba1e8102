// KeyError: the typed reasons the key layer (Keyring, envelopes) fails with,
// so that callers switch on a reason instead of comparing strings.
//
// A failure is a Status whose code and reason() come from KeyErrorStatus; the
// message is built where the key is known ("<arn> is disabled."). The reason
// tokens are KMS's own error names, because KMS passes these failures to its
// clients unchanged; what each token becomes on the wire (type, HTTP status,
// message spelling) is a row of the KMS table in protocol/error_table.cc.
// Secrets Manager rewrites them (secrets/key_failure.cc: EncryptionFailure /
// DecryptionFailure) by switching on KeyErrorOf.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "coffer/status.h"

namespace coffer::crypto {

enum class KeyError : unsigned char {
  kKeyNotFound,       // the key, its alias or a material version does not exist
  kKeyDisabled,       // the key is disabled
  kKeyInvalidState,   // pending deletion, pending import or another unusable state
  kBadCiphertext,     // envelope damaged, or sealed under another context (empty message)
  kWrongKeyUsage,     // the key cannot encrypt or decrypt
  kInvalidInput,      // a key spec, context or value the key layer refuses
  kKeyExists,         // a key with that id already exists
  kTooManyMaterials,  // the key's material versions are exhausted
};

namespace internal {

struct KeyErrorInfo {
  KeyError error;
  StatusCode code;
  std::string_view reason;
};

inline constexpr std::array<KeyErrorInfo, 8> kKeyErrors = {{
    {KeyError::kKeyNotFound, StatusCode::kNotFound, "NotFoundException"},
    {KeyError::kKeyDisabled, StatusCode::kFailedPrecondition, "DisabledException"},
    {KeyError::kKeyInvalidState, StatusCode::kFailedPrecondition, "KMSInvalidStateException"},
    {KeyError::kBadCiphertext, StatusCode::kInvalidArgument, "InvalidCiphertextException"},
    {KeyError::kWrongKeyUsage, StatusCode::kInvalidArgument, "InvalidKeyUsageException"},
    {KeyError::kInvalidInput, StatusCode::kInvalidArgument, "ValidationException"},
    {KeyError::kKeyExists, StatusCode::kAlreadyExists, "AlreadyExistsException"},
    {KeyError::kTooManyMaterials, StatusCode::kResourceExhausted, "LimitExceededException"},
}};

}  // namespace internal

// The reason token carried in Status::reason() for `e`.
constexpr std::string_view KeyErrorReason(KeyError e) {
  return internal::kKeyErrors[static_cast<size_t>(e)].reason;
}

// The failure `e` with `message` (shown to KMS clients as is).
inline Status KeyErrorStatus(KeyError e, std::string message) {
  const internal::KeyErrorInfo& info = internal::kKeyErrors[static_cast<size_t>(e)];
  return Status(info.code, std::string(info.reason), std::move(message));
}

// The KeyError a key-layer failure carries; nullopt for any other status
// (OK, internal, data loss). Only meaningful on statuses from this module.
inline std::optional<KeyError> KeyErrorOf(const Status& status) {
  if (status.ok() || status.reason().empty()) return std::nullopt;
  for (const internal::KeyErrorInfo& info : internal::kKeyErrors)
    if (info.reason == status.reason()) return info.error;
  return std::nullopt;
}

}  // namespace coffer::crypto
