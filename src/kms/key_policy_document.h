// Key policies: the default policy of a new customer managed key and the
// checks a policy document must pass before it is stored
// (MalformedPolicyDocumentException). Policies are stored and returned
// verbatim, and enforced by kms/authorization.h (a stored policy the stricter
// IAM grammar of auth/policy cannot read allows nothing).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "coffer/status.h"

namespace coffer::kms {

// The policy AWS gives a key created without one: the account root may do
// kms:* [docs: key-policy-default].
std::string DefaultKeyPolicy(std::string_view account_id);

// OK when `policy` is a JSON object with a supported Version (when present)
// and a Statement (object or non-empty array of objects) whose every entry has
// Effect Allow|Deny, a Principal ("*" or an object of strings / string arrays)
// and an Action or NotAction. Otherwise MalformedPolicyDocumentException.
Status ValidateKeyPolicy(std::string_view policy);

}  // namespace coffer::kms
