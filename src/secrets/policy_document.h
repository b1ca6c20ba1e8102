// AWS policy documents: parsing, grammar validation and the conservative
// checks behind PutResourcePolicy's BlockPublicPolicy and
// ValidateResourcePolicy (aws-compat §6.3).
//
// NOTE: this lives in src/secrets for now; the identity issue moves it to
// src/auth/policy, where the evaluator will use the parsed form.
//
// Grammar (resource-based policies, IAM policy grammar): an object with
// Version ("2012-10-17" | "2008-10-17", optional), Id, and Statement (an
// object or a non-empty array of objects). A statement has Sid, Effect
// (Allow|Deny, required), exactly one of Principal/NotPrincipal, exactly one
// of Action/NotAction, at most one of Resource/NotResource, and Condition
// (operator -> key -> value or values). Principal is "*" or an object of
// AWS/Service/Federated/CanonicalUser -> string or strings. Unknown members,
// wrong types, empty lists and malformed action/ARN strings are errors.
//
// Broad access (conservative stand-in for AWS's Zelkova check): an Allow
// statement whose principal is a wildcard ("*", {"AWS":"*"}, or any
// NotPrincipal) is broad unless a Condition pins the caller or the source with
// a plain equality/like operator, no wildcard in the values, on one of
// aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceAccount,
// aws:SourceOwner, aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn.
//
// Lockout: a Deny statement for every principal, without conditions, whose
// actions cover secretsmanager:PutResourcePolicy or DeleteResourcePolicy on
// every resource would stop anyone managing the secret.
//
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::secrets {

struct PolicyPrincipal {
  bool wildcard = false;  // the bare string "*"
  // ("AWS" | "Service" | "Federated" | "CanonicalUser") -> values
  std::vector<std::pair<std::string, std::vector<std::string>>> by_type;
};

struct PolicyCondition {
  std::string op;                   // as written, e.g. "ForAnyValue:StringEqualsIfExists"
  std::string key;                  // as written, e.g. "aws:SourceAccount"
  std::vector<std::string> values;  // booleans and numbers as their JSON text
};

struct PolicyStatement {
  std::optional<std::string> sid;
  bool allow = true;
  std::optional<PolicyPrincipal> principal;
  std::optional<PolicyPrincipal> not_principal;
  std::vector<std::string> actions;  // Action or NotAction
  bool not_action = false;
  std::vector<std::string> resources;  // Resource or NotResource (empty: neither)
  bool not_resource = false;
  std::vector<PolicyCondition> conditions;
};

struct PolicyDocument {
  std::string version;  // "" when absent
  std::optional<std::string> id;
  std::vector<PolicyStatement> statements;
};

// MalformedPolicyDocumentException with AWS's text when `text` is not JSON or
// breaks the grammar ("This resource policy contains a syntax error."), names
// an AWS principal that is not an account, ARN or "*" ("... unsupported
// principal.") or a service principal that is not *.amazonaws.com
// ("... invalid service principal.").
Result<PolicyDocument> ParsePolicyDocument(std::string_view text);

bool GrantsBroadAccess(const PolicyDocument& doc);
bool LocksOutManagement(const PolicyDocument& doc);

// Case-insensitive glob with * and ? (IAM action and resource matching).
bool PolicyGlobMatch(std::string_view pattern, std::string_view value);

}  // namespace coffer::secrets
