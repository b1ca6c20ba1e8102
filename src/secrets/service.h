// secrets::Service: the 23 AWS Secrets Manager operations.
//
// Input is the request JSON, already parsed and validated against the service
// model by the protocol layer (types, required members, lengths, ranges,
// patterns, enums), so handlers only apply business rules. Output is written
// as a JSON object through `out`; errors are returned as a Status whose reason
// is the AWS `__type` and whose message is AWS's text (secrets/messages.h).
// Nothing here knows HTTP.
//
// Each request runs in one storage transaction; staging-label invariants are
// kept inside it. Values are sealed by crypto::Keyring before they reach the
// store, and opened only to answer GetSecretValue/BatchGetSecretValue or to
// compare for ClientRequestToken idempotency.
//
// Thread-safety: Handle() may be called concurrently from any thread.
#pragma once

#include <functional>

#include <string_view>

#include "auth/policy/access.h"
#include "coffer/status.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/request_context.h"
#include "crypto/keyring.h"
#include "storage/store.h"

namespace coffer::secrets {

struct ServiceOptions {
  ServiceOptions() = default;
  explicit ServiceOptions(std::string key) : token_key(std::move(key)) {}

  // Key used to authenticate pagination tokens (random per data dir is fine:
  // tokens need not survive restarts, but must not be forgeable).
  std::string token_key;
  // Rotation (issue 21), set by the server. Whether Coffer can invoke the
  // rotation function `lambda_arn` for a secret of `account_id` (a binding
  // exists and its role trusts lambda.amazonaws.com). Unset, or an error:
  // RotateSecret answers as AWS does when it cannot invoke the function, and
  // stores nothing.
  std::function<Status(std::string_view lambda_arn, std::string_view account_id)>
      check_rotation_function;
  // Called after RotateSecret committed: run the rotation of version `token`
  // now, or (test_only: RotateImmediately=false, token empty) the testSecret
  // run. Must not block.
  std::function<void(int64_t secret_id, bool test_only, std::string_view token)> rotation_requested;
};

class Service {
 public:
  Service(storage::Store& store, crypto::Keyring& keyring, const Clock& clock,
          ServiceOptions options);

  // `op` is the X-Amz-Target suffix, e.g. "GetSecretValue". Unknown ops are
  // rejected by the protocol layer before this is called.
  Status Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                JsonWriter& out);

  // Permanently deletes secrets whose recovery window has ended. Called by the
  // server's background purger; returns how many were purged.
  Result<size_t> PurgeExpired();

  storage::Store& store() { return store_; }
  crypto::Keyring& keyring() { return keyring_; }
  const Clock& clock() const { return clock_; }
  const ServiceOptions& options() const { return options_; }
  // Resource policies and key policies, compiled once per text
  // (secrets/authorization.h).
  auth::policy::CompiledPolicyCache& policy_cache() { return policy_cache_; }

 private:
  storage::Store& store_;
  crypto::Keyring& keyring_;
  const Clock& clock_;
  ServiceOptions options_;
  auth::policy::CompiledPolicyCache policy_cache_;
};

}  // namespace coffer::secrets
