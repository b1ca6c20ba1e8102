// Policy compilation and the decision logic (evaluator.h).

#include "auth/policy/evaluator.h"

#include <algorithm>

namespace coffer::auth::policy {

namespace {

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "arn:PARTITION:iam::ACCOUNT:root" -> ACCOUNT; "" otherwise.
std::string_view RootAccount(std::string_view arn) {
  if (!arn.starts_with("arn:") || !arn.ends_with(":root")) return {};
  size_t iam = arn.find(":iam::");
  if (iam == std::string_view::npos) return {};
  std::string_view account = arn.substr(iam + 6, arn.size() - 5 - (iam + 6));
  return IsAccountId(account) ? account : std::string_view{};
}

// Explicit deny and allow across a group of policies (the best allow level).
struct GroupVerdict {
  bool deny = false;
  PrincipalMatch allow = PrincipalMatch::kNone;
};

GroupVerdict EvaluateGroup(std::span<const CompiledPolicy* const> group,
                           const RequestView& request) {
  GroupVerdict g;
  for (const CompiledPolicy* p : group) {
    if (p == nullptr) continue;
    PolicyVerdict v = p->Evaluate(request);
    g.deny = g.deny || v.deny;
    g.allow = std::max(g.allow, v.allow);
  }
  return g;
}

Decision Deny(PolicyKind kind, bool explicit_deny) { return {false, explicit_deny, kind}; }
Decision Allow(PolicyKind kind) { return {true, false, kind}; }

}  // namespace

Result<CompiledPolicy> CompiledPolicy::Compile(const PolicyDocument& doc) {
  CompiledPolicy out;
  const bool variables = doc.version == "2012-10-17";
  for (const PolicyStatement& s : doc.statements) {
    Statement st;
    st.allow = s.allow;
    const std::optional<PolicyPrincipal>& principal = s.principal ? s.principal : s.not_principal;
    st.has_principal = principal.has_value();
    st.not_principal = s.not_principal.has_value();
    if (principal) {
      st.principals.any = principal->wildcard;
      for (const auto& [type, values] : principal->by_type) {
        for (const std::string& v : values) {
          if (type == "AWS") {
            std::string_view root = RootAccount(v);
            if (v == "*")
              st.principals.any = true;
            else if (IsAccountId(v))
              st.principals.accounts.push_back(v);
            else if (!root.empty())
              st.principals.accounts.emplace_back(root);
            else
              st.principals.arns.push_back(v);
          } else if (type == "Service") {
            st.principals.services.push_back(v);
          } else {
            st.principals.others.push_back(v);
          }
        }
      }
    }
    for (const std::string& a : s.actions) st.actions.push_back(Pattern::Compile(a, true, false));
    st.not_action = s.not_action;
    for (const std::string& r : s.resources) {
      st.resources.push_back(Pattern::Compile(r, true, variables));
      out.uses_keys_ = out.uses_keys_ || st.resources.back().has_variables();
    }
    out.uses_keys_ = out.uses_keys_ || !s.conditions.empty();
    st.not_resource = s.not_resource;
    for (const PolicyCondition& c : s.conditions) {
      COFFER_ASSIGN_OR_RETURN(CompiledCondition cc, CompiledCondition::Compile(c, variables));
      st.conditions.push_back(std::move(cc));
    }
    out.statements_.push_back(std::move(st));
  }
  return out;
}

PrincipalMatch CompiledPolicy::MatchPrincipal(const Principals& p, const Principal& who) {
  if (p.any) return PrincipalMatch::kDirect;
  PrincipalMatch best = PrincipalMatch::kNone;
  if (!who.arn.empty()) {
    for (const std::string& arn : p.arns) {
      if (arn == who.arn) return PrincipalMatch::kDirect;
      if (!who.role_arn.empty() && arn == who.role_arn) best = PrincipalMatch::kRole;
    }
    for (const std::string& o : p.others)
      if (o == who.arn) return PrincipalMatch::kDirect;
  }
  if (who.type == PrincipalType::kService)
    for (const std::string& s : p.services)
      if (s == "*" || s == who.service) return PrincipalMatch::kDirect;
  if (best == PrincipalMatch::kNone && !who.account.empty())
    for (const std::string& a : p.accounts)
      if (a == who.account) best = PrincipalMatch::kAccount;
  return best;
}

PolicyVerdict CompiledPolicy::Evaluate(const RequestView& request) const {
  PolicyVerdict verdict;
  for (const Statement& s : statements_) {
    if (!s.allow && verdict.deny) continue;
    PrincipalMatch level = PrincipalMatch::kDirect;
    if (s.has_principal) {
      PrincipalMatch m = MatchPrincipal(s.principals, request.principal);
      if (s.not_principal)
        level = m == PrincipalMatch::kNone ? PrincipalMatch::kDirect : PrincipalMatch::kNone;
      else
        level = m;
    }
    if (level == PrincipalMatch::kNone) continue;
    if (s.allow && level <= verdict.allow) continue;  // cannot improve the verdict
    bool action = false;
    for (const Pattern& a : s.actions)
      if ((action = a.Match(request.action, request.keys, true))) break;
    if (action == s.not_action) continue;
    if (!s.resources.empty()) {
      bool resource = false;
      for (const Pattern& r : s.resources)
        if ((resource = r.Match(request.resource, request.keys, false))) break;
      if (resource == s.not_resource) continue;
    }
    bool conditions = true;
    for (const CompiledCondition& c : s.conditions)
      if (!(conditions = c.Evaluate(request.keys))) break;
    if (!conditions) continue;
    if (s.allow)
      verdict.allow = level;
    else
      verdict.deny = true;
  }
  return verdict;
}

std::string_view Decision::Reason() const {
  static constexpr std::string_view kNone[] = {
      "no identity-based policy allows", "no resource-based policy allows",
      "no permissions boundary allows", "no session policy allows"};
  static constexpr std::string_view kExplicit[] = {
      "explicit deny in an identity-based policy", "explicit deny in a resource-based policy",
      "explicit deny in a permissions boundary", "explicit deny in a session policy"};
  static constexpr std::string_view kAllowed[] = {
      "allowed by an identity-based policy", "allowed by a resource-based policy",
      "allowed by a permissions boundary", "allowed by a session policy"};
  const size_t i = static_cast<size_t>(decided_by);
  if (allowed) return kAllowed[i];
  return explicit_deny ? kExplicit[i] : kNone[i];
}

Decision Evaluate(const RequestView& request, const PolicySet& policies) {
  const GroupVerdict id = EvaluateGroup(policies.identity, request);
  const GroupVerdict bnd = EvaluateGroup(policies.boundary, request);
  const GroupVerdict sess = EvaluateGroup(policies.session, request);
  const CompiledPolicy* const resource_group[] = {policies.resource};
  const GroupVerdict res = EvaluateGroup(resource_group, request);

  // 1. Explicit deny anywhere wins.
  if (id.deny) return Deny(PolicyKind::kIdentity, true);
  if (res.deny) return Deny(PolicyKind::kResource, true);
  if (bnd.deny) return Deny(PolicyKind::kPermissionsBoundary, true);
  if (sess.deny) return Deny(PolicyKind::kSessionPolicy, true);

  // 2. The identity side: identity policies intersected with the guardrails.
  const Principal& who = request.principal;
  const bool identity_allows =
      who.type == PrincipalType::kRoot || id.allow != PrincipalMatch::kNone;
  const bool boundary_ok = policies.boundary.empty() || bnd.allow != PrincipalMatch::kNone;
  const bool session_ok = policies.session.empty() || sess.allow != PrincipalMatch::kNone;
  const bool guardrails_ok = boundary_ok && session_ok;
  const bool identity_side = identity_allows && guardrails_ok;
  const PolicyKind identity_failure = !identity_allows ? PolicyKind::kIdentity
                                      : !boundary_ok   ? PolicyKind::kPermissionsBoundary
                                                       : PolicyKind::kSessionPolicy;

  // 3-5. The resource side, by how the resource policy named the caller.
  const bool same_account = request.resource_account.empty() || who.account.empty() ||
                            request.resource_account == who.account;
  const bool resource_alone =
      res.allow == PrincipalMatch::kDirect || (res.allow == PrincipalMatch::kRole && guardrails_ok);
  if (policies.resource_policy_required && res.allow == PrincipalMatch::kNone)
    return Deny(PolicyKind::kResource, false);
  if (same_account) {
    if (identity_side) return Allow(PolicyKind::kIdentity);
    if (resource_alone) return Allow(PolicyKind::kResource);
    if (res.allow == PrincipalMatch::kRole && !identity_allows)
      return Deny(boundary_ok ? PolicyKind::kSessionPolicy : PolicyKind::kPermissionsBoundary,
                  false);
    return Deny(identity_failure, false);
  }
  if (!identity_side) return Deny(identity_failure, false);
  if (res.allow == PrincipalMatch::kNone) return Deny(PolicyKind::kResource, false);
  return Allow(PolicyKind::kResource);
}

}  // namespace coffer::auth::policy
