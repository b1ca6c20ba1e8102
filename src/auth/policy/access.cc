#include "auth/policy/access.h"

#include <utility>

namespace coffer::auth::policy {
namespace {

std::vector<const CompiledPolicy*> ViewOf(
    const std::vector<std::shared_ptr<const CompiledPolicy>>& policies) {
  std::vector<const CompiledPolicy*> view;
  view.reserve(policies.size());
  for (const auto& p : policies) view.push_back(p.get());
  return view;
}

// Root and the administrator's identity side: allows everything.
const CompiledPolicy& AllowAll() {
  static const CompiledPolicy* const kPolicy = [] {
    auto doc = ParsePolicyDocument(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
        PolicyGrammar::kIdentity);
    return new CompiledPolicy(std::move(CompiledPolicy::Compile(*doc)).value());
  }();
  return *kPolicy;
}

}  // namespace

void PrincipalPolicies::Seal() {
  identity_view = ViewOf(identity);
  boundary_view = ViewOf(boundary);
}

bool UsesKeys(const Caller& caller, const CompiledPolicy* resource_policy) {
  auto any = [](std::span<const CompiledPolicy* const> group) {
    for (const CompiledPolicy* p : group)
      if (p != nullptr && p->uses_keys()) return true;
    return false;
  };
  if (resource_policy != nullptr && resource_policy->uses_keys()) return true;
  if (any(caller.session_view)) return true;
  if (caller.administrator || !caller.policies) return false;  // AllowAll reads no key
  return any(caller.policies->identity_view) || any(caller.policies->boundary_view);
}

Decision Decide(const Caller& caller, const AccessRequest& request) {
  ContextKeys own;
  ContextKeys* keys = request.keys ? request.keys : &own;
  keys->SetParent(&caller.keys);
  const RequestView ctx(caller.principal, request.action, request.resource,
                        request.resource_account, *keys);

  PolicySet set;
  const CompiledPolicy* const allow_all[] = {&AllowAll()};
  if (caller.administrator) {
    set.identity = allow_all;
  } else if (caller.policies) {
    set.identity = caller.policies->identity_view;
    set.boundary = caller.policies->boundary_view;
  }
  set.session = caller.session_view;
  set.resource = request.resource_policy;
  set.resource_policy_required = request.resource_policy_required;
  return Evaluate(ctx, set);
}

std::string AccessDeniedMessage(const Caller& caller, const AccessRequest& request,
                                const Decision& decision) {
  std::string m = "User: ";
  m += caller.principal.arn;
  m += " is not authorized to perform: ";
  m += request.action;
  if (!request.resource.empty() && request.resource != "*") {
    m += " on resource: ";
    m += request.resource;
  }
  if (decision.explicit_deny) {
    m += " with an ";
    m += decision.Reason();
  } else {
    m += " because ";
    m += decision.Reason();
    m += " the ";
    m += request.action;
    m += " action";
  }
  return m;
}

Status Authorize(const Caller& caller, const AccessRequest& request, std::string_view denied_type) {
  const Decision d = Decide(caller, request);
  if (d.allowed) return Status::Ok();
  return Status::PermissionDenied(std::string(denied_type),
                                  AccessDeniedMessage(caller, request, d));
}

Result<std::shared_ptr<const CompiledPolicy>> CompiledPolicyCache::Get(std::string_view text,
                                                                       PolicyGrammar grammar) {
  // The last policy of this thread, without the lock and the hash of its
  // text: the reads of one secret, or of secrets sharing one policy, find it
  // here. A text compiles to the same policy in any cache, so the memo is
  // not per cache.
  struct Memo {
    PolicyGrammar grammar = PolicyGrammar::kResource;
    std::string text;
    std::shared_ptr<const CompiledPolicy> compiled;
  };
  thread_local Memo memo;
  if (memo.compiled && memo.grammar == grammar && memo.text == text) return memo.compiled;
  auto& map = map_[grammar == PolicyGrammar::kIdentity ? 1 : 0];
  std::shared_ptr<const CompiledPolicy> found;
  {
    ReaderMutexLock lock(mu_);
    auto it = map.find(text);
    if (it != map.end()) found = it->second;
  }
  if (!found) {
    COFFER_ASSIGN_OR_RETURN(PolicyDocument doc, ParsePolicyDocument(text, grammar));
    COFFER_ASSIGN_OR_RETURN(CompiledPolicy compiled, CompiledPolicy::Compile(doc));
    found = std::make_shared<const CompiledPolicy>(std::move(compiled));
    WriterMutexLock lock(mu_);
    if (map_[0].size() + map_[1].size() >= capacity_) {
      map_[0].clear();
      map_[1].clear();
    }
    map.emplace(std::string(text), found);
  }
  memo.grammar = grammar;
  memo.text.assign(text);
  memo.compiled = found;
  return found;
}

}  // namespace coffer::auth::policy
