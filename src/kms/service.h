// kms::Service: the AWS KMS operations Coffer serves (TrentService.*,
// symmetric ENCRYPT_DECRYPT keys only; docs/kms.md).
//
// Input is the request JSON, already parsed and validated against the KMS
// model by the protocol layer; handlers apply business rules only. Output is
// written as a JSON object through `out`; errors are a Status whose reason is
// the AWS `__type` and whose message is AWS's text (kms/messages.h). Nothing
// here knows HTTP.
//
// Each request runs in one storage transaction. Key material never leaves
// crypto::Keyring: ciphertext blobs are Keyring envelopes, which name their
// key and material version, so they decrypt after a rotation.
//
// Thread-safety: Handle() and PurgeExpired() may be called concurrently from
// any thread.
#pragma once

#include <string_view>

#include "auth/policy/access.h"
#include "coffer/result.h"
#include "coffer/status.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/request_context.h"
#include "crypto/keyring.h"
#include "storage/store.h"

namespace coffer::kms {

class Service {
 public:
  Service(storage::Store& store, crypto::Keyring& keyring, const Clock& clock);

  // `op` is the X-Amz-Target suffix, e.g. "Encrypt". Operations Coffer does
  // not serve -> UnsupportedOperationException.
  Status Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                JsonWriter& out);

  // Destroys keys whose deletion window has ended: their material (so every
  // ciphertext and secret they protected is unreadable for good), their
  // aliases and the key itself. Called by the server's background purger;
  // returns how many keys were destroyed.
  Result<size_t> PurgeExpired();

  // Rotates (AUTOMATIC) every Enabled key whose automatic rotation is due and
  // schedules its next one a period later. Called by the background purger;
  // returns how many keys were rotated.
  Result<size_t> RotateDue();

  storage::Store& store() { return store_; }
  crypto::Keyring& keyring() { return keyring_; }
  const Clock& clock() const { return clock_; }
  // Key policies, compiled once per text (kms/authorization.h).
  auth::policy::CompiledPolicyCache& policy_cache() { return policy_cache_; }

 private:
  storage::Store& store_;
  crypto::Keyring& keyring_;
  const Clock& clock_;
  auth::policy::CompiledPolicyCache policy_cache_;
};

}  // namespace coffer::kms
