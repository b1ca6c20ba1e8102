// Authorization of the KMS operations (authorization.h).

#include "kms/authorization.h"

#include <optional>
#include <utility>

#include "auth/policy/policy_document.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;
namespace policy = auth::policy;

namespace {

std::string Action(std::string_view op) { return "kms:" + std::string(op); }

void SetCallerAccount(ContextKeys& keys, const RequestContext& ctx, const policy::Caller& caller) {
  keys.Set("kms:CallerAccount",
           caller.principal.account.empty() ? ctx.account_id : caller.principal.account);
}

// Coffer's own calls on an AWS managed key: the account's administrator
// (whose IAM side allows everything), named as ctx names its principal.
policy::Caller InternalCaller(const RequestContext& ctx) {
  policy::Caller caller;
  caller.administrator = true;
  caller.principal.type = ctx.principal_arn.ends_with(":root") ? policy::PrincipalType::kRoot
                                                               : policy::PrincipalType::kUser;
  caller.principal.arn = ctx.principal_arn;
  caller.principal.account = ctx.account_id;
  return caller;
}

}  // namespace

std::string EffectiveKeyPolicy(const storage::KmsKeyRecord& key) {
  if (key.key_manager == "AWS") return crypto::DefaultSecretsKeyPolicy(key.account_id, key.region);
  return key.policy;
}

void AddEncryptionContextKeys(ContextKeys& keys, const crypto::EncryptionContext& context) {
  std::vector<std::string> names;
  for (const auto& [k, v] : context) {
    keys.Set("kms:EncryptionContext:" + k, v);
    names.push_back(k);
  }
  if (!names.empty()) keys.Set("kms:EncryptionContextKeys", std::move(names));
}

void AddRequestTags(ContextKeys& keys, const std::vector<storage::Tag>& tags) {
  if (tags.empty()) return;
  std::vector<std::string> names;
  for (const storage::Tag& t : tags) {
    keys.Set("aws:RequestTag/" + t.key, t.value);
    names.push_back(t.key);
  }
  keys.Set("aws:TagKeys", std::move(names));
}

Status AuthorizeKey(Service& svc, const RequestContext& ctx, const storage::KmsKeyRecord& key,
                    std::string_view op, ContextKeys* keys) {
  policy::Caller internal;
  const policy::Caller* caller = ctx.caller.get();
  if (caller == nullptr) {
    if (key.key_manager != "AWS") return Status::Ok();
    internal = InternalCaller(ctx);
    caller = &internal;
  }
  // A key policy Coffer cannot read allows nothing (it is required).
  auto compiled = svc.policy_cache().Get(EffectiveKeyPolicy(key), policy::PolicyGrammar::kResource);
  ContextKeys own;
  ContextKeys& k = keys ? *keys : own;
  SetCallerAccount(k, ctx, *caller);
  for (const storage::Tag& t : key.tags) k.Set("aws:ResourceTag/" + t.key, t.value);
  const std::string action = Action(op);
  policy::AccessRequest request;
  request.action = action;
  request.resource = key.arn;
  request.resource_account = key.account_id;
  request.resource_policy = compiled.ok() ? compiled->get() : nullptr;
  request.resource_policy_required = true;
  request.keys = &k;
  return policy::Authorize(*caller, request, msg::kAccessDenied);
}

Status CheckPolicyLockout(Service& svc, const RequestContext& ctx, const JsonValue& in,
                          const storage::KmsKeyRecord& key, std::string_view policy_text) {
  // A policy the evaluator cannot read would allow nothing once stored (the
  // key unusable for good): refused for every caller, bypass or not.
  auto compiled = svc.policy_cache().Get(policy_text, policy::PolicyGrammar::kResource);
  if (!compiled.ok()) {
    const std::optional<policy::PolicyError> error = policy::PolicyErrorOf(compiled.status());
    const bool principal = error && *error != policy::PolicyError::kSyntax;
    return Status::InvalidArgument(
        std::string(msg::kMalformedPolicy),
        std::string(principal ? msg::kPolicyBadPrincipal : msg::kPolicyLockout));
  }
  if (!ctx.caller || JsonBool(in, "BypassPolicyLockoutSafetyCheck").value_or(false))
    return Status::Ok();
  ContextKeys keys;
  SetCallerAccount(keys, ctx, *ctx.caller);
  for (const storage::Tag& t : key.tags) keys.Set("aws:ResourceTag/" + t.key, t.value);
  const std::string action = Action("PutKeyPolicy");
  policy::AccessRequest request;
  request.action = action;
  request.resource = key.arn;
  request.resource_account = key.account_id;
  request.resource_policy = compiled->get();
  request.resource_policy_required = true;
  request.keys = &keys;
  if (policy::Decide(*ctx.caller, request).allowed) return Status::Ok();
  return Status::InvalidArgument(std::string(msg::kMalformedPolicy),
                                 std::string(msg::kPolicyLockout));
}

Status AuthorizeWithoutKey(const RequestContext& ctx, std::string_view op,
                           std::string_view resource, ContextKeys* keys) {
  if (!ctx.caller) return Status::Ok();
  ContextKeys own;
  ContextKeys& k = keys ? *keys : own;
  SetCallerAccount(k, ctx, *ctx.caller);
  const std::string action = Action(op);
  policy::AccessRequest request;
  request.action = action;
  request.resource = resource;
  request.keys = &k;
  return policy::Authorize(*ctx.caller, request, msg::kAccessDenied);
}

}  // namespace coffer::kms::internal
