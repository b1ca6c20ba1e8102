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

Decision Decide(const Caller& caller, const AccessRequest& request) {
  RequestContext ctx;
  ctx.principal = caller.principal;
  ctx.action = std::string(request.action);
  ctx.resource = std::string(request.resource);
  ctx.resource_account = std::string(request.resource_account);
  ContextKeys own;
  ContextKeys* keys = request.keys ? request.keys : &own;
  keys->SetParent(&caller.keys);
  ctx.keys.SetParent(keys);

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
  auto& map = map_[grammar == PolicyGrammar::kIdentity ? 1 : 0];
  {
    ReaderMutexLock lock(mu_);
    auto it = map.find(text);
    if (it != map.end()) return it->second;
  }
  COFFER_ASSIGN_OR_RETURN(PolicyDocument doc, ParsePolicyDocument(text, grammar));
  COFFER_ASSIGN_OR_RETURN(CompiledPolicy compiled, CompiledPolicy::Compile(doc));
  auto shared = std::make_shared<const CompiledPolicy>(std::move(compiled));
  WriterMutexLock lock(mu_);
  if (map_[0].size() + map_[1].size() >= capacity_) {
    map_[0].clear();
    map_[1].clear();
  }
  map.emplace(std::string(text), shared);
  return shared;
}

}  // namespace coffer::auth::policy
