// The policy engine: AWS policy documents (the IAM policy grammar), parsed
// and validated into a PolicyDocument, and the conservative checks
// PutResourcePolicy's BlockPublicPolicy and ValidateResourcePolicy run on one
// (aws-compat §6.3).
//
// What it grows into (issue 20, identity): the one place where every
// service's IAM policies are evaluated. An evaluator over the parsed form
// (identity policies, resource policies, key policies; explicit Deny wins,
// then Allow, else implicit deny) that secrets/, kms/ and the IAM and STS
// services call, so no service carries its own policy rules. Services depend
// on this module, never the reverse: it knows no service's error texts
// beyond the refusal reason below, and takes service-specific actions as
// arguments (LocksOut).
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
// Lockout: a Deny statement for every principal, without conditions, on
// every resource, whose actions cover one of the given actions (for Secrets
// Manager, PutResourcePolicy or DeleteResourcePolicy) would stop anyone
// performing them.
//
// Evaluation: evaluator.h compiles a PolicyDocument (either grammar) into a
// CompiledPolicy and decides requests against it.
//
// Key policies (kms/key_policy_document.h) are still validated by KMS's own, looser
// check with KMS's texts; the evaluator will read them through this parser.
//
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::auth::policy {

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

// Why a document was refused.
enum class PolicyError : unsigned char {
  kSyntax,                   // not JSON, or breaks the grammar
  kUnsupportedPrincipal,     // an AWS principal that is not an account, ARN or "*"
  kInvalidServicePrincipal,  // a Service principal that is not *.amazonaws.com(.cn)
};

// The reason every refusal carries: the same __type in Secrets Manager and
// KMS (a row of each table in protocol/error_table.cc).
inline constexpr std::string_view kMalformedPolicyDocument = "MalformedPolicyDocumentException";

// The message a refusal carries: Secrets Manager's text [docs: archived
// awsdocs manage_secret-policy.md], e.g. "This resource policy contains a
// syntax error.". A service that words them otherwise maps PolicyErrorOf.
std::string_view PolicyErrorMessage(PolicyError error);

// The PolicyError of a ParsePolicyDocument failure; nullopt for any other
// status.
std::optional<PolicyError> PolicyErrorOf(const Status& status);

// The document, or an InvalidArgument failure with reason
// kMalformedPolicyDocument and PolicyErrorMessage's text.
Result<PolicyDocument> ParsePolicyDocument(std::string_view text);

// Which grammar a document follows. Resource-based policies (the above) name
// a Principal in every statement; identity-based policies (attached to users,
// groups and roles, permissions boundaries, session policies) never do and
// must name a Resource or NotResource.
enum class PolicyGrammar : unsigned char { kResource, kIdentity };
Result<PolicyDocument> ParsePolicyDocument(std::string_view text, PolicyGrammar grammar);

// True when an Allow statement grants a wildcard principal access that no
// condition pins (see above).
bool GrantsBroadAccess(const PolicyDocument& doc);

// True when a Deny statement for every principal, without conditions, on
// every resource, covers any of `actions`: nobody could perform them again.
bool LocksOut(const PolicyDocument& doc, std::span<const std::string_view> actions);

// Case-insensitive glob with * and ? (IAM action and resource matching).
bool PolicyGlobMatch(std::string_view pattern, std::string_view value);

}  // namespace coffer::auth::policy
