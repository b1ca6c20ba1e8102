// Access: the one place a service asks "may this caller do this action on
// this resource?" (issue 20). The server builds a Caller once per request,
// after SigV4 (who: principal, identity policies, permissions boundary,
// session policies, and the request's global condition keys); a service
// then calls Authorize for each action it performs, with the resource ARN,
// the resource's own policy (secret resource policy, KMS key policy, role
// trust policy) and the action's condition keys. A denial is
// AccessDeniedException with AWS's message shape:
//   User: ARN is not authorized to perform: ACTION on resource: RESOURCE
//   because no identity-based policy allows the ACTION action
//   … with an explicit deny in a resource-based policy
// (IAM User Guide, "Troubleshoot access denied error messages").
//
// Thread-safety: Caller is immutable once built and shared by the threads
// that run the request; Authorize is a pure function. CompiledPolicyCache is
// safe to use from every thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/policy/context.h"
#include "auth/policy/evaluator.h"
#include "coffer/result.h"
#include "common/sharded_cache.h"
#include "common/thread_annotations.h"

namespace coffer::auth::policy {

// The identity-based policies of one principal (user: its inline and
// attached policies and its groups'; role: its inline and attached ones),
// compiled once and shared by every request of the principal until IAM
// changes.
struct PrincipalPolicies {
  std::vector<std::shared_ptr<const CompiledPolicy>> identity;
  std::vector<std::shared_ptr<const CompiledPolicy>> boundary;  // empty: none
  std::vector<const CompiledPolicy*> identity_view;             // into `identity`
  std::vector<const CompiledPolicy*> boundary_view;             // into `boundary`
  // Fills the views; call once after filling the vectors.
  void Seal();
};

struct Caller {
  Principal principal;
  // The identity side allows every action (the root user; every caller in
  // permissive mode). Resource policies' explicit denies still apply.
  bool administrator = false;
  std::shared_ptr<const PrincipalPolicies> policies;  // null: none
  // Session policies of a role session (AssumeRole Policy/PolicyArns);
  // empty: none.
  std::vector<std::shared_ptr<const CompiledPolicy>> session;
  std::vector<const CompiledPolicy*> session_view;
  // Global condition keys of this request: aws:PrincipalArn,
  // aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username,
  // aws:PrincipalTag/…, aws:SourceIp, aws:SecureTransport, aws:CurrentTime,
  // aws:EpochTime.
  ContextKeys keys;
  // Keeps alive what `keys`'s parent and the policies point into (the
  // server's cached per-principal state); null when nothing.
  std::shared_ptr<const void> anchor;
};

// One authorization question.
struct AccessRequest {
  std::string_view action;    // "secretsmanager:GetSecretValue"
  std::string_view resource;  // the resource ARN, or "*"
  // The resource's owner; empty = the caller's account.
  std::string_view resource_account;
  // The resource's own policy, if any (null: none).
  const CompiledPolicy* resource_policy = nullptr;
  // KMS key policies: the resource policy must allow (itself, or by
  // delegating to the account's IAM policies through :root).
  bool resource_policy_required = false;
  // The action's own condition keys (their parent is set to the caller's).
  ContextKeys* keys = nullptr;
};

// OK when allowed; otherwise PermissionDenied with reason `denied_type`
// (AccessDeniedException for the JSON services, AccessDenied for IAM/STS)
// and AWS's message.
Status Authorize(const Caller& caller, const AccessRequest& request,
                 std::string_view denied_type = "AccessDeniedException");

// Whether a decision for `caller` with `resource_policy` may read condition
// keys (CompiledPolicy::uses_keys of any of its policies). When not, a
// service may leave its keys unset: no policy would read them.
bool UsesKeys(const Caller& caller, const CompiledPolicy* resource_policy);

// The decision itself, for SimulatePrincipalPolicy and tests.
Decision Decide(const Caller& caller, const AccessRequest& request);

// AWS's AccessDenied message for `decision`.
std::string AccessDeniedMessage(const Caller& caller, const AccessRequest& request,
                                const Decision& decision);

// Compiled policies by their text, so that a policy stored with a resource
// (a secret's resource policy, a key policy, a trust policy) is parsed and
// compiled once, not per request. Bounded: when full, it is cleared.
// Thread-safety: all methods may be called concurrently.
class CompiledPolicyCache {
 public:
  explicit CompiledPolicyCache(size_t capacity = 4096) : capacity_(capacity) {}
  // The compiled policy of `text` read with `grammar`; an error when it does
  // not parse or compile (a stored policy always did when it was stored).
  Result<std::shared_ptr<const CompiledPolicy>> Get(std::string_view text, PolicyGrammar grammar);

 private:
  const size_t capacity_;
  SharedMutex mu_;
  // One map per grammar, keyed by the text.
  std::unordered_map<std::string, std::shared_ptr<const CompiledPolicy>, StringHash,
                     std::equal_to<>>
      map_[2] GUARDED_BY(mu_);
};

}  // namespace coffer::auth::policy
