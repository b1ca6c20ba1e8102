// The IAM policy evaluator (aws-compat §6.1; IAM User Guide: "Policy
// evaluation logic", "Cross-account policy evaluation logic"). A
// PolicyDocument is compiled once into a CompiledPolicy when it is stored;
// Evaluate then decides a request against the policies that apply to it
// without parsing anything.
//
// Decision, in order:
//  1. An explicit Deny in any applicable policy (identity, resource,
//     permissions boundary, session) denies.
//  2. The identity side allows when an identity policy allows (the root user
//     always does) and, when present, the permissions boundary and the
//     session policy each allow too (intersection).
//  3. Same account: allowed when the identity side allows OR the resource
//     policy allows the principal by name. A resource policy naming the
//     principal's user or session ARN (or "*") stands alone; naming the role
//     of a session is still limited by its boundary and session policy;
//     naming only the account (id or :root) delegates to the identity side.
//  4. Cross account: both the identity side and the resource policy must
//     allow (naming the account is enough there).
//  5. `resource_policy_required` (KMS key policies): the resource policy
//     must allow in any case (delegation via :root then needs the identity
//     side).
//  6. Otherwise an implicit deny.
//
// Thread-safety: CompiledPolicy is immutable after Compile; Evaluate is a
// pure function, safe to call concurrently.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "auth/policy/conditions.h"
#include "auth/policy/context.h"
#include "auth/policy/policy_document.h"
#include "auth/policy/wildcard.h"
#include "coffer/result.h"

namespace coffer::auth::policy {

// How a statement's Principal named the caller (identity policies: kDirect).
enum class PrincipalMatch : unsigned char { kNone, kAccount, kRole, kDirect };

// What one policy says about a request.
struct PolicyVerdict {
  bool deny = false;                             // an applicable Deny statement
  PrincipalMatch allow = PrincipalMatch::kNone;  // the best applicable Allow
};

class CompiledPolicy {
 public:
  // InvalidArgument (MalformedPolicyDocument, syntax text) when a condition
  // value cannot be read by its operator.
  static Result<CompiledPolicy> Compile(const PolicyDocument& doc);
  PolicyVerdict Evaluate(const RequestView& request) const;
  PolicyVerdict Evaluate(const RequestContext& request) const {
    return Evaluate(RequestView(request));
  }
  // Whether a decision with this policy may read condition keys (it has a
  // Condition, or a Resource with a policy variable): when no policy of a
  // decision does, its keys need not be set.
  bool uses_keys() const { return uses_keys_; }

 private:
  struct Principals {
    bool any = false;
    std::vector<std::string> accounts;  // 12-digit ids (also from :root ARNs)
    std::vector<std::string> arns;      // user, role, session ARNs
    std::vector<std::string> services;
    std::vector<std::string> others;  // Federated, CanonicalUser
  };
  struct Statement {
    bool allow = true;
    bool has_principal = false;
    bool not_principal = false;
    Principals principals;
    std::vector<Pattern> actions;
    bool not_action = false;
    std::vector<Pattern> resources;  // empty: every resource
    bool not_resource = false;
    std::vector<CompiledCondition> conditions;
  };
  std::vector<Statement> statements_;
  bool uses_keys_ = false;

  static PrincipalMatch MatchPrincipal(const Principals& p, const Principal& who);
};

// Which kind of policy decided.
enum class PolicyKind : unsigned char {
  kIdentity,
  kResource,
  kPermissionsBoundary,
  kSessionPolicy,
};

struct Decision {
  bool allowed = false;
  bool explicit_deny = false;
  PolicyKind decided_by = PolicyKind::kIdentity;

  // AccessDeniedException's clause, e.g. "explicit deny in a resource-based
  // policy", "no identity-based policy allows", "no permissions boundary
  // allows", "no session policy allows", "no resource-based policy allows";
  // "allowed by an identity-based policy" when allowed.
  std::string_view Reason() const;
};

// The policies that apply to one request. Empty boundary/session spans mean
// there is no permissions boundary / session policy.
struct PolicySet {
  std::span<const CompiledPolicy* const> identity;
  std::span<const CompiledPolicy* const> boundary;
  std::span<const CompiledPolicy* const> session;
  const CompiledPolicy* resource = nullptr;
  bool resource_policy_required = false;
};

Decision Evaluate(const RequestView& request, const PolicySet& policies);
inline Decision Evaluate(const RequestContext& request, const PolicySet& policies) {
  return Evaluate(RequestView(request), policies);
}

}  // namespace coffer::auth::policy
