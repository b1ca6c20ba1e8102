// Authorization of the Secrets Manager operations (issue 20; aws-compat §1.8
// actions, §6.2 condition keys): every operation asks auth::policy::Authorize
// whether ctx.caller may perform its action(s) on the secret, with the
// secret's resource policy and the condition keys the Service Authorization
// Reference lists for that action; and, when it seals or opens a value, whether
// the same caller may use the KMS key through Secrets Manager (the key policy
// is then required, kms:ViaService is secretsmanager.REGION.amazonaws.com).
//
// A null ctx.caller is Coffer's own work (the purge, unit tests of business
// rules): every function here then allows.
//
// Part of the secrets module's internals (namespace internal): for its
// operation files only, not for use outside src/secrets.
//
// Thread-safety: free functions; they touch only what is passed in (the
// Service's CompiledPolicyCache is thread-safe).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/policy/access.h"
#include "coffer/result.h"
#include "common/json.h"
#include "common/request_context.h"
#include "secrets/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::secrets::internal {

using auth::policy::ContextKeys;

// "secretsmanager:" + op, held in place (a std::string of it was an
// allocation per request): pass it straight to a std::string_view parameter.
class SmActionName {
 public:
  explicit SmActionName(std::string_view op);
  operator std::string_view() const {  // NOLINT(google-explicit-constructor)
    return long_.empty() ? std::string_view(buf_, size_) : std::string_view(long_);
  }

 private:
  char buf_[64];
  size_t size_ = 0;
  std::string long_;  // an op too long for buf_ (none is)
};
inline SmActionName SmAction(std::string_view op) { return SmActionName(op); }

// The request's tags as aws:RequestTag/<key> and aws:TagKeys (CreateSecret,
// TagResource).
void AddRequestTags(ContextKeys& keys, const std::vector<storage::Tag>& tags);

// secretsmanager:KmsKeyId (as given) and secretsmanager:KmsKeyArn (the ARN it
// names in `ctx`'s account and region) of a request's KmsKeyId.
void AddKmsKeyKeys(ContextKeys& keys, const RequestContext& ctx, std::string_view key_spec);

// secretsmanager:AddReplicaRegions: the regions of an AddReplicaRegions member.
void AddReplicaRegionKeys(ContextKeys& keys, const JsonValue& in);

// Authorizes `action` (e.g. "secretsmanager:GetSecretValue") on `s` for
// ctx.caller: resource s.arn owned by s.account_id, the secret's resource
// policy, and its own keys (secretsmanager:SecretId, secretsmanager: and
// aws:ResourceTag/<key>, secretsmanager:SecretPrimaryRegion,
// secretsmanager:resource/AllowRotationLambdaArn, secretsmanager:resource/Type)
// added to `keys` (the action's request keys; may be null).
// AccessDeniedException with AWS's message when denied.
Status AuthorizeSecret(Service& svc, const RequestContext& ctx, const storage::SecretRecord& s,
                       std::string_view action, ContextKeys* keys = nullptr);

// Authorizes an action without a resource (Resource "*": ListSecrets,
// GetRandomPassword, BatchGetSecretValue).
Status AuthorizeUnscoped(const RequestContext& ctx, std::string_view action,
                         ContextKeys* keys = nullptr);

// For a SecretId that resolved to nothing (`failure`, ResourceNotFound): AWS
// authorizes on the ARN the caller named (a name becomes
// arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME), so a caller that may not
// perform `action` there is answered AccessDeniedException, any other the
// `failure`. Other failures pass through.
Status AuthorizeMissing(const RequestContext& ctx, std::string_view secret_id,
                        std::string_view action, Status failure, ContextKeys* keys = nullptr);

// ResolveSecretRow / ResolveSecret followed by AuthorizeSecret (and
// AuthorizeMissing when nothing is found).
Result<storage::Row<storage::SecretRecord>> ResolveAuthorizedRow(Service& svc, storage::Txn& txn,
                                                                 const RequestContext& ctx,
                                                                 std::string_view secret_id,
                                                                 std::string_view action,
                                                                 ContextKeys* keys = nullptr);
Result<storage::SecretRecord> ResolveAuthorized(Service& svc, storage::Txn& txn,
                                                const RequestContext& ctx,
                                                std::string_view secret_id, std::string_view action,
                                                ContextKeys* keys = nullptr);

// --- KMS through Secrets Manager ---

// The policy a key is evaluated with: its stored policy, except for an AWS
// managed key, whose policy is AWS's fixed one (crypto::DefaultSecretsKeyPolicy)
// whatever an older Coffer stored.
std::string EffectivePolicy(const storage::KmsKeyRecord& key);

// Authorizes `kms_action` ("kms:GenerateDataKey", "kms:Decrypt") on `key` for
// ctx.caller as Secrets Manager's call on its behalf: the key policy is
// required; keys kms:ViaService, kms:CallerAccount,
// kms:EncryptionContext:SecretARN / :SecretVersionId, kms:EncryptionContextKeys
// and aws:ResourceTag/<key>. Denied -> AccessDeniedException "Access to KMS is
// not allowed" (what Secrets Manager answers; messages.h).
Status AuthorizeKeyUse(Service& svc, const RequestContext& ctx, const storage::KmsKeyRecord& key,
                       std::string_view kms_action, std::string_view secret_arn,
                       std::string_view version_id);
// The same for the key that sealed version `v` of the secret `secret_arn`
// (v.kms_key_arn, else the one its envelope names), loaded from `txn`; a key
// that no longer exists is left to the Keyring's own failure.
Status AuthorizeVersionKey(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                           const storage::VersionRecord& v, std::string_view kms_action,
                           std::string_view secret_arn);

}  // namespace coffer::secrets::internal
