// Resolution: finding the secret a request's SecretId names (name, full or
// partial ARN), the ARN and name rules, the value owner of a replica, and the
// opening steps of every operation that changes a secret (OpenWritableSecret).
//
// Part of the secrets module's internals (namespace internal): for its
// operation files only, not for use outside src/secrets.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "auth/policy/context.h"
#include "coffer/result.h"
#include "common/request_context.h"
#include "secrets/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::secrets::internal {

// Finds the secret named by a SecretId (name, full ARN or partial ARN, in the
// caller's account and region; aws-compat §1.4; for a request with a caller,
// a full ARN may also name another account's secret in this region). Checks the name characters
// first (ValidationException "Invalid name…"). Not found ->
// ResourceNotFoundException "Secrets Manager can't find the specified secret."
// Pending-deletion secrets are returned (callers decide). The record may be
// the store's cached one, shared: for handlers that only read it.
Result<storage::Row<storage::SecretRecord>> ResolveSecretRow(storage::Txn& txn,
                                                             const RequestContext& ctx,
                                                             std::string_view secret_id);
// The same, as a record of the caller's own (for handlers that change it).
Result<storage::SecretRecord> ResolveSecret(storage::Txn& txn, const RequestContext& ctx,
                                            std::string_view secret_id);

// InvalidRequestException "You can't perform this operation on the secret
// because it was marked for deletion." when `s` is pending deletion.
Status RequireNotDeleted(const storage::SecretRecord& s);

// InvalidRequestException when `s` is a replica (writes go to the primary).
Status RequirePrimary(const storage::SecretRecord& s);

// True when `name` uses only the characters AWS allows in a secret name
// (ASCII letters, digits and /_+=.@-).
bool IsValidSecretName(std::string_view name);

// The ARN of a secret: arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX.
std::string SecretArn(std::string_view region, std::string_view account_id, std::string_view name,
                      std::string_view suffix);
// A fresh 6-character alphanumeric ARN suffix (one per create).
std::string NewArnSuffix();

// The record whose versions hold a secret's values: `s` itself for a
// primary, its primary for a replica (replicas share the primary's values),
// loaded into `primary`, which must outlive the pointer. Not a copy: this is
// on GetSecretValue's path, where copying `s` cost two SecretRecord copies.
Result<const storage::SecretRecord*> ValueOwner(storage::Txn& txn, const storage::SecretRecord& s,
                                                storage::Row<storage::SecretRecord>& primary);

// The opening of an operation that changes one secret: a write transaction,
// the secret `secret_id` names (ResolveSecret, a copy the caller may change),
// authorization of `action` on it with the request's `keys`
// (authorization.h, ResolveAuthorized), then RequireNotDeleted and
// RequirePrimary, in that order (eight operations
// open so: CancelRotateSecret, DeleteResourcePolicy, PutResourcePolicy,
// PutSecretValue, ReplicateSecretToRegions, RotateSecret, UpdateSecret,
// UpdateSecretVersionStage).
struct WritableSecret {
  std::unique_ptr<storage::Txn> txn;
  storage::SecretRecord secret;
};
Result<WritableSecret> OpenWritableSecret(Service& svc, const RequestContext& ctx,
                                          std::string_view secret_id, std::string_view action,
                                          auth::policy::ContextKeys* keys = nullptr);

}  // namespace coffer::secrets::internal
