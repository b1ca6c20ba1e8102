// iam::Service: the AWS IAM operations Coffer serves (users, access keys,
// roles, groups, inline and managed policies, permissions boundaries, tags,
// policy simulation). Entities are IamEntityRecords (iam/entities.h), one
// JSON document each; access keys are rows of the access_keys table whose
// principal is the user's ARN.
//
// Input is the request as JSON (the protocol layer turned the Query
// parameters into the operation's input shape and validated it against the
// IAM model); output is the JSON of the output shape (timestamps as epoch
// seconds), which the protocol layer writes as XML. Policy documents in
// answers are percent-encoded (RFC 3986), as IAM's XML carries them.
// Errors: a Status whose reason is the IAM error code (iam/messages.h).
// When ctx.caller is set, every operation is first authorized as
// "iam:<Op>" on the entity's ARN ("*" for List*), AccessDenied otherwise.
//
// Access-key secrets are minted by the server (it holds the root key),
// through ServiceOptions.
//
// Thread-safety: Handle() may be called concurrently from any thread; each
// call runs in its own storage transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "coffer/status.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/request_context.h"
#include "common/secure_string.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::iam {

// A new access key: its row (secret sealed) and its secret, shown once.
struct MintedKey {
  storage::AccessKeyRecord record;
  SecureString secret;
};

struct ServiceOptions {
  // Mints a new active access key of `principal_arn` (the server:
  // server::MintAccessKey over its Barrier). Unset: CreateAccessKey fails.
  std::function<Result<MintedKey>(std::string account_id, std::string principal_arn,
                                  int64_t now_ms)>
      mint;
  // Reseals `updated` (a copy of `old` whose principal_arn or active column
  // changed) so its secret is bound to its new columns: the seal covers them
  // (server::AccessKeyAad). Unset: such changes fail with ServiceFailure.
  std::function<Result<storage::AccessKeyRecord>(const storage::AccessKeyRecord& old,
                                                 storage::AccessKeyRecord updated)>
      rebind;
  // Called after a key was deactivated or deleted (and committed), so the
  // server's CredentialCache drops it at once.
  std::function<void(std::string_view access_key_id)> invalidate;
};

class Service {
 public:
  Service(storage::Store& store, const Clock& clock, ServiceOptions options = {});

  // `op` is the IAM Action, e.g. "CreateUser". Operations Coffer does not
  // serve -> InvalidAction (the Query protocol's framework code).
  Status Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                JsonWriter& out);

  storage::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  const ServiceOptions& options() const { return options_; }

 private:
  storage::Store& store_;
  const Clock& clock_;
  ServiceOptions options_;
};

}  // namespace coffer::iam
