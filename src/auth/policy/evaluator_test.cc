// The decision logic (evaluator.h): a table of (identity policies,
// permissions boundary, session policy, resource policy, request) ->
// decision. Each group cites the IAM User Guide rule it follows. Policies
// are statement lists ('#' separates policies); "" means none. Context keys
// as in conditions_test.cc. Want: "allow|deny|DENY(explicit) <kind>".

#include "auth/policy/evaluator.h"

#include <gtest/gtest.h>

#include <memory>

namespace coffer::auth::policy {
namespace {

// clang-format off
#define ALLOW(a, r) "{\"Effect\":\"Allow\",\"Action\":\"" a "\",\"Resource\":\"" r "\"}"
#define DENY(a, r) "{\"Effect\":\"Deny\",\"Action\":\"" a "\",\"Resource\":\"" r "\"}"
#define ALLOW_IF(a, r, c) \
  "{\"Effect\":\"Allow\",\"Action\":\"" a "\",\"Resource\":\"" r "\",\"Condition\":" c "}"
#define DENY_IF(a, r, c) \
  "{\"Effect\":\"Deny\",\"Action\":\"" a "\",\"Resource\":\"" r "\",\"Condition\":" c "}"
#define NOT_ACTION(e, a, r) \
  "{\"Effect\":\"" e "\",\"NotAction\":\"" a "\",\"Resource\":\"" r "\"}"
#define NOT_RESOURCE(e, a, r) \
  "{\"Effect\":\"" e "\",\"Action\":\"" a "\",\"NotResource\":\"" r "\"}"
#define R_ALLOW(p, a) "{\"Effect\":\"Allow\",\"Principal\":" p ",\"Action\":\"" a "\"}"
#define R_DENY(p, a) "{\"Effect\":\"Deny\",\"Principal\":" p ",\"Action\":\"" a "\"}"
#define R_NOT(e, p, a) "{\"Effect\":\"" e "\",\"NotPrincipal\":" p ",\"Action\":\"" a "\"}"
#define AWS(x) "{\"AWS\":\"" x "\"}"

#define GET "secretsmanager:GetSecretValue"
#define PUT "secretsmanager:PutSecretValue"
#define SM "secretsmanager:*"
#define X "arn:aws:secretsmanager:us-east-1:111111111111:secret:X-AbCdEf"
#define Y "arn:aws:secretsmanager:us-east-1:111111111111:secret:Y-AbCdEf"
#define SECRETS "arn:aws:secretsmanager:us-east-1:111111111111:secret:*"
#define A1 "111111111111"
#define A2 "222222222222"
#define ALICE "arn:aws:iam::111111111111:user/alice"
#define RUNNER_ROLE "arn:aws:iam::111111111111:role/runner"
#define RUNNER_SESSION "arn:aws:sts::111111111111:assumed-role/runner/s1"
#define CAROL "arn:aws:iam::222222222222:user/carol"
// clang-format on

struct Case {
  const char* identity;
  const char* boundary;
  const char* session;
  const char* resource;  // resource-based policy
  const char* who;       // alice, bob, runner, root, carol (account 2), root2, svc, anon
  const char* action;
  const char* arn;  // nullptr: secret X (account 1)
  const char* context;
  const char* want;
};

Principal Who(std::string_view who) {
  if (who == "alice") return {PrincipalType::kUser, ALICE, A1, "", ""};
  if (who == "bob") return {PrincipalType::kUser, "arn:aws:iam::111111111111:user/bob", A1, "", ""};
  if (who == "runner") return {PrincipalType::kAssumedRole, RUNNER_SESSION, A1, RUNNER_ROLE, ""};
  if (who == "root") return {PrincipalType::kRoot, "arn:aws:iam::111111111111:root", A1, "", ""};
  if (who == "carol") return {PrincipalType::kUser, CAROL, A2, "", ""};
  if (who == "root2") return {PrincipalType::kRoot, "arn:aws:iam::222222222222:root", A2, "", ""};
  if (who == "svc") return {PrincipalType::kService, "", "", "", "lambda.amazonaws.com"};
  return {};
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Owns the compiled policies of one case.
struct Compiled {
  std::vector<std::unique_ptr<CompiledPolicy>> owned;
  std::vector<const CompiledPolicy*> Group(std::string_view text, PolicyGrammar grammar) {
    std::vector<const CompiledPolicy*> out;
    for (const std::string& p : Split(text, '#')) {
      auto doc =
          ParsePolicyDocument(R"({"Version":"2012-10-17","Statement":[)" + p + "]}", grammar);
      EXPECT_TRUE(doc.ok()) << p;
      if (!doc.ok()) continue;
      auto c = CompiledPolicy::Compile(*doc);
      EXPECT_TRUE(c.ok()) << p;
      if (!c.ok()) continue;
      owned.push_back(std::make_unique<CompiledPolicy>(std::move(*c)));
      out.push_back(owned.back().get());
    }
    return out;
  }
};

std::string Describe(const Decision& d) {
  static constexpr const char* kKinds[] = {"identity", "resource", "boundary", "session"};
  std::string verdict = d.allowed ? "allow" : d.explicit_deny ? "DENY" : "deny";
  return verdict + " " + kKinds[static_cast<int>(d.decided_by)];
}

void RunCases(const Case* cases, size_t n, bool key_policy = false) {
  for (size_t i = 0; i < n; ++i) {
    const Case& c = cases[i];
    Compiled compiled;
    auto identity = compiled.Group(c.identity, PolicyGrammar::kIdentity);
    auto boundary = compiled.Group(c.boundary, PolicyGrammar::kIdentity);
    auto session = compiled.Group(c.session, PolicyGrammar::kIdentity);
    auto resource = compiled.Group(c.resource, PolicyGrammar::kResource);
    RequestContext request;
    request.principal = Who(c.who);
    request.action = c.action;
    request.resource = c.arn ? c.arn : X;
    request.resource_account = Split(request.resource, ':')[4];
    for (const std::string& entry : Split(c.context, ';')) {
      size_t eq = entry.find('=');
      request.keys.Set(entry.substr(0, eq), Split(std::string_view(entry).substr(eq + 1), '|'));
    }
    PolicySet set{identity, boundary, session, resource.empty() ? nullptr : resource[0],
                  key_policy};
    EXPECT_EQ(Describe(Evaluate(request, set)), c.want)
        << "#" << i << " " << c.who << " " << c.action << "\n id: " << c.identity
        << "\n boundary: " << c.boundary << "\n session: " << c.session
        << "\n resource: " << c.resource;
  }
}
#define RUN(table, ...) RunCases(table, std::size(table), ##__VA_ARGS__)

// IAM UG, "Policy evaluation logic": every request starts denied; an
// identity-based Allow whose Action and Resource match allows it.
// "Action element": actions are case-insensitive, * and ? match within the
// service prefix and name. "Resource element": ARNs are case-sensitive, *
// and ? may appear in any segment.
// clang-format off
constexpr Case kIdentity[] = {
    {"", "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, X), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", "", "alice", PUT, nullptr, "", "deny identity"},
    {ALLOW(GET, X), "", "", "", "alice", GET, Y, "", "deny identity"},
    {ALLOW(GET, "*"), "", "", "", "alice", GET, Y, "", "allow identity"},
    {ALLOW("*", "*"), "", "", "", "alice", "kms:Decrypt", Y, "", "allow identity"},
    {ALLOW(SM, "*"), "", "", "", "alice", PUT, nullptr, "", "allow identity"},
    {ALLOW(SM, "*"), "", "", "", "alice", "kms:Decrypt", nullptr, "", "deny identity"},
    {ALLOW("secretsmanager:Get*", "*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW("secretsmanager:Get*", "*"), "", "", "", "alice", "secretsmanager:DescribeSecret", nullptr, "", "deny identity"},
    {ALLOW("secretsmanager:getsecretvalue", "*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW("SecretsManager:GETSECRETVALUE", "*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW("secretsmanager:GetSecretValu?", "*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW("secretsmanager:GetSecretValu?", "*"), "", "", "", "alice", "secretsmanager:GetSecretValueX", nullptr, "", "deny identity"},
    {ALLOW("secretsmanager:*Secret*", "*"), "", "", "", "alice", "secretsmanager:ListSecrets", nullptr, "", "allow identity"},
    {ALLOW("kms:*", "*"), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW("secretsmanager:Get", "*"), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, SECRETS), "", "", "", "alice", GET, Y, "", "allow identity"},
    {ALLOW(GET, SECRETS), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-west-2:111111111111:secret:X-AbCdEf", "", "deny identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:*:111111111111:secret:X-??????"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:*:111111111111:secret:X-?????"), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:x-abcdef"), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:X-*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:X*"), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:Xtra-AbCdEf", "", "allow identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:X-*"), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:Xtra-AbCdEf", "", "deny identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:*:secret:*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, Y) "," ALLOW(GET, X), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, Y) "#" ALLOW(GET, X), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(PUT, X) "#" ALLOW(GET, Y), "", "", "", "alice", GET, nullptr, "", "deny identity"},
};
// clang-format on
TEST(EvaluatorMatrix, IdentityPolicies) { RUN(kIdentity); }

// IAM UG, "NotAction": the statement applies to every action except those
// listed; with Allow it does not grant the listed ones, with Deny it denies
// everything else. "NotResource": likewise for resources.
// clang-format off
constexpr Case kNot[] = {
    {NOT_ACTION("Allow", "secretsmanager:Delete*", "*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {NOT_ACTION("Allow", "secretsmanager:Delete*", "*"), "", "", "", "alice", "secretsmanager:DeleteSecret", nullptr, "", "deny identity"},
    {NOT_ACTION("Allow", "secretsmanager:*", "*"), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {NOT_ACTION("Allow", "secretsmanager:*", "*"), "", "", "", "alice", "kms:Decrypt", nullptr, "", "allow identity"},
    {NOT_ACTION("Allow", "SECRETSMANAGER:getsecretvalue", "*"), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW("*", "*") "," NOT_ACTION("Deny", GET, "*"), "", "", "", "alice", PUT, nullptr, "", "DENY identity"},
    {ALLOW("*", "*") "," NOT_ACTION("Deny", GET, "*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW("*", "*") "," NOT_ACTION("Deny", "secretsmanager:Get*", "*"), "", "", "", "alice", "secretsmanager:GetRandomPassword", nullptr, "", "allow identity"},
    {NOT_ACTION("Allow", GET, X), "", "", "", "alice", PUT, Y, "", "deny identity"},
    {NOT_RESOURCE("Allow", GET, X), "", "", "", "alice", GET, Y, "", "allow identity"},
    {NOT_RESOURCE("Allow", GET, X), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {NOT_RESOURCE("Allow", GET, SECRETS), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {NOT_RESOURCE("Allow", GET, "arn:aws:secretsmanager:*:*:secret:x-*"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(SM, "*") "," NOT_RESOURCE("Deny", SM, X), "", "", "", "alice", GET, Y, "", "DENY identity"},
    {ALLOW(SM, "*") "," NOT_RESOURCE("Deny", SM, X), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(SM, "*") "," NOT_RESOURCE("Deny", "kms:*", X), "", "", "", "alice", GET, Y, "", "allow identity"},
    {"{\"Effect\":\"Allow\",\"NotAction\":\"kms:*\",\"NotResource\":\"" X "\"}", "", "", "", "alice", GET, Y, "", "allow identity"},
    {"{\"Effect\":\"Allow\",\"NotAction\":\"kms:*\",\"NotResource\":\"" X "\"}", "", "", "", "alice", GET, nullptr, "", "deny identity"},
};
// clang-format on
TEST(EvaluatorMatrix, NotActionNotResource) { RUN(kNot); }

// IAM UG, "Policy evaluation logic": "An explicit deny in any policy
// overrides any allow"; the order of statements and policies is irrelevant.
// clang-format off
constexpr Case kExplicitDeny[] = {
    {ALLOW(GET, X) "," DENY(GET, X), "", "", "", "alice", GET, nullptr, "", "DENY identity"},
    {DENY(GET, X) "," ALLOW(GET, X), "", "", "", "alice", GET, nullptr, "", "DENY identity"},
    {ALLOW(GET, X) "#" DENY(SM, "*"), "", "", "", "alice", GET, nullptr, "", "DENY identity"},
    {ALLOW("*", "*") "," DENY(GET, Y), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW("*", "*") "," DENY(GET, Y), "", "", "", "alice", GET, Y, "", "DENY identity"},
    {DENY(GET, X), "", "", "", "alice", GET, nullptr, "", "DENY identity"},
    {DENY(GET, X), "", "", "", "alice", PUT, nullptr, "", "deny identity"},
    {ALLOW(GET, X), "", "", R_DENY("\"*\"", GET), "alice", GET, nullptr, "", "DENY resource"},
    {ALLOW(GET, X), "", "", R_DENY(AWS(ALICE), SM), "alice", GET, nullptr, "", "DENY resource"},
    {ALLOW(GET, X), "", "", R_DENY(AWS(ALICE), SM), "bob", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", R_DENY(AWS(A1), SM), "alice", GET, nullptr, "", "DENY resource"},
    {ALLOW(GET, X), DENY(GET, "*") "," ALLOW("*", "*"), "", "", "alice", GET, nullptr, "", "DENY boundary"},
    {ALLOW(GET, X), "", DENY(GET, "*") "," ALLOW("*", "*"), "", "runner", GET, nullptr, "", "DENY session"},
    {DENY(GET, X), "", "", R_ALLOW(AWS(ALICE), GET), "alice", GET, nullptr, "", "DENY identity"},
    {"", "", "", R_ALLOW(AWS(ALICE), GET) "," R_DENY("\"*\"", GET), "alice", GET, nullptr, "", "DENY resource"},
    {DENY("*", "*"), "", "", "", "root", GET, nullptr, "", "DENY identity"},
    {ALLOW(GET, X) "," DENY_IF(GET, X, "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"), "", "", "", "alice", GET, nullptr, "aws:SecureTransport=false", "DENY identity"},
    {ALLOW(GET, X) "," DENY_IF(GET, X, "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"), "", "", "", "alice", GET, nullptr, "aws:SecureTransport=true", "allow identity"},
    {ALLOW(GET, X) "," DENY_IF(GET, X, "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
};
// clang-format on
TEST(EvaluatorMatrix, ExplicitDenyWins) { RUN(kExplicitDeny); }

// IAM UG, "Condition element": the statement applies only when every
// operator and every key in its Condition holds (AND), any one of a key's
// values matching (OR). "Policy variables": ${aws:username} and
// ${aws:PrincipalTag/...} in Resource are replaced by the request's values;
// a variable without a value makes the resource match nothing.
// clang-format off
#define C_TAG "{\"StringEquals\":{\"secretsmanager:ResourceTag/team\":\"${aws:PrincipalTag/team}\"}}"
#define C_TWO \
  "{\"StringEquals\":{\"aws:username\":[\"alice\",\"bob\"]},\"Bool\":{\"aws:SecureTransport\":true}}"
#define C_KEYS "{\"StringLike\":{\"aws:username\":\"a*\",\"secretsmanager:Name\":\"prod/*\"}}"
#define HOME_RES "arn:aws:secretsmanager:us-east-1:111111111111:secret:home/${aws:username}/*"
#define HOME(u) "arn:aws:secretsmanager:us-east-1:111111111111:secret:home/" u "/db-AbCdEf"
// clang-format off
constexpr Case kConditions[] = {
    {ALLOW_IF(GET, "*", C_TAG), "", "", "", "alice", GET, nullptr, "secretsmanager:ResourceTag/team=red;aws:PrincipalTag/team=red", "allow identity"},
    {ALLOW_IF(GET, "*", C_TAG), "", "", "", "alice", GET, nullptr, "secretsmanager:ResourceTag/team=red;aws:PrincipalTag/team=blue", "deny identity"},
    {ALLOW_IF(GET, "*", C_TAG), "", "", "", "alice", GET, nullptr, "secretsmanager:ResourceTag/team=red", "deny identity"},
    {ALLOW_IF(GET, "*", C_TAG), "", "", "", "alice", GET, nullptr, "aws:PrincipalTag/team=red", "deny identity"},
    {ALLOW_IF(GET, "*", C_TWO), "", "", "", "alice", GET, nullptr, "aws:username=alice;aws:SecureTransport=true", "allow identity"},
    {ALLOW_IF(GET, "*", C_TWO), "", "", "", "bob", GET, nullptr, "aws:username=bob;aws:SecureTransport=true", "allow identity"},
    {ALLOW_IF(GET, "*", C_TWO), "", "", "", "alice", GET, nullptr, "aws:username=carol;aws:SecureTransport=true", "deny identity"},
    {ALLOW_IF(GET, "*", C_TWO), "", "", "", "alice", GET, nullptr, "aws:username=alice;aws:SecureTransport=false", "deny identity"},
    {ALLOW_IF(GET, "*", C_TWO), "", "", "", "alice", GET, nullptr, "aws:username=alice", "deny identity"},
    {ALLOW_IF(GET, "*", C_KEYS), "", "", "", "alice", GET, nullptr, "aws:username=alice;secretsmanager:Name=prod/db", "allow identity"},
    {ALLOW_IF(GET, "*", C_KEYS), "", "", "", "alice", GET, nullptr, "aws:username=alice;secretsmanager:Name=dev/db", "deny identity"},
    {ALLOW_IF(GET, "*", C_KEYS), "", "", "", "alice", GET, nullptr, "aws:username=bob;secretsmanager:Name=prod/db", "deny identity"},
    {ALLOW(GET, HOME_RES), "", "", "", "alice", GET, HOME("alice"), "aws:username=alice", "allow identity"},
    {ALLOW(GET, HOME_RES), "", "", "", "alice", GET, HOME("bob"), "aws:username=alice", "deny identity"},
    {ALLOW(GET, HOME_RES), "", "", "", "alice", GET, HOME("alice"), "", "deny identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:${aws:PrincipalTag/team}-*"), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:red-AbCdEf", "aws:PrincipalTag/team=red", "allow identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:${aws:PrincipalTag/team}-*"), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:blue-AbCdEf", "aws:PrincipalTag/team=red", "deny identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:${aws:username, 'shared'}/*"), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:shared/x", "", "allow identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:a${*}b"), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:a*b", "", "allow identity"},
    {ALLOW(GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:a${*}b"), "", "", "", "alice", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:aXb", "", "deny identity"},
    {ALLOW("*", "*") "," DENY_IF(SM, "*", "{\"StringNotEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}"), "", "", "", "alice", GET, nullptr, "aws:RequestedRegion=eu-west-1", "DENY identity"},
    {ALLOW("*", "*") "," DENY_IF(SM, "*", "{\"StringNotEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}"), "", "", "", "alice", GET, nullptr, "aws:RequestedRegion=us-east-1", "allow identity"},
    {ALLOW("*", "*") "," DENY_IF(SM, "*", "{\"StringNotEquals\":{\"aws:RequestedRegion\":\"us-east-1\"}}"), "", "", "", "alice", GET, nullptr, "", "DENY identity"},
    {ALLOW("*", "*") "," DENY_IF(SM, "*", "{\"StringNotEqualsIfExists\":{\"aws:RequestedRegion\":\"us-east-1\"}}"), "", "", "", "alice", GET, nullptr, "", "DENY identity"},
    {ALLOW_IF(GET, "*", "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"env\"]}}"), "", "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW_IF(GET, "*", "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"env\"]}}"), "", "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW_IF(GET, "*", "{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"192.168.0.0/16\"]}}"), "", "", "", "alice", GET, nullptr, "aws:SourceIp=192.168.7.1", "allow identity"},
    {ALLOW_IF(GET, "*", "{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"192.168.0.0/16\"]}}"), "", "", "", "alice", GET, nullptr, "aws:SourceIp=8.8.8.8", "deny identity"},
    {ALLOW_IF(GET, "*", "{\"DateLessThan\":{\"aws:CurrentTime\":\"2027-01-01T00:00:00Z\"}}"), "", "", "", "alice", GET, nullptr, "aws:CurrentTime=2026-12-07T19:00:00Z", "allow identity"},
    {ALLOW_IF(GET, "*", "{\"DateLessThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}}"), "", "", "", "alice", GET, nullptr, "aws:CurrentTime=2026-12-07T19:00:00Z", "deny identity"},
};
// clang-format on
TEST(EvaluatorMatrix, ConditionsAndVariables) { RUN(kConditions); }

// IAM UG, "Permissions boundaries for IAM entities": the effective
// permissions are the intersection of the identity-based policies and the
// boundary; "Session policies": likewise for a role session's policies.
// A resource-based policy naming the user or the session ARN is not limited
// by them; one naming the role ARN is (evaluation logic, "Identity-based
// policies with resource-based policies").
// clang-format off
constexpr Case kGuardrails[] = {
    {ALLOW(SM, "*"), ALLOW(GET, "*"), "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(SM, "*"), ALLOW(GET, "*"), "", "", "alice", PUT, nullptr, "", "deny boundary"},
    {ALLOW(GET, "*"), ALLOW(SM, "*"), "", "", "alice", PUT, nullptr, "", "deny identity"},
    {"", ALLOW("*", "*"), "", "", "alice", GET, nullptr, "", "deny identity"},
    {ALLOW(SM, "*"), ALLOW(GET, Y), "", "", "alice", GET, nullptr, "", "deny boundary"},
    {ALLOW(SM, "*"), ALLOW("*", "*") "#" ALLOW(GET, Y), "", "", "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(SM, "*"), ALLOW_IF(SM, "*", "{\"Bool\":{\"aws:SecureTransport\":true}}"), "", "", "alice", GET, nullptr, "aws:SecureTransport=true", "allow identity"},
    {ALLOW(SM, "*"), ALLOW_IF(SM, "*", "{\"Bool\":{\"aws:SecureTransport\":true}}"), "", "", "alice", GET, nullptr, "", "deny boundary"},
    {ALLOW(SM, "*"), "", ALLOW(GET, "*"), "", "runner", GET, nullptr, "", "allow identity"},
    {ALLOW(SM, "*"), "", ALLOW(GET, "*"), "", "runner", PUT, nullptr, "", "deny session"},
    {ALLOW(GET, "*"), "", ALLOW(SM, "*"), "", "runner", PUT, nullptr, "", "deny identity"},
    {"", "", ALLOW("*", "*"), "", "runner", GET, nullptr, "", "deny identity"},
    {ALLOW(SM, "*"), ALLOW(SM, "*"), ALLOW(GET, X), "", "runner", GET, nullptr, "", "allow identity"},
    {ALLOW(SM, "*"), ALLOW(PUT, "*"), ALLOW(GET, X), "", "runner", GET, nullptr, "", "deny boundary"},
    {ALLOW(SM, "*"), ALLOW(GET, "*"), ALLOW(PUT, X), "", "runner", GET, nullptr, "", "deny session"},
    {ALLOW(SM, "*"), "", ALLOW(GET, Y), "", "runner", GET, nullptr, "", "deny session"},
    {"", ALLOW(PUT, "*"), "", R_ALLOW(AWS(ALICE), GET), "alice", GET, nullptr, "", "allow resource"},
    {"", "", ALLOW(PUT, "*"), R_ALLOW(AWS(RUNNER_SESSION), GET), "runner", GET, nullptr, "", "allow resource"},
    {"", "", ALLOW(PUT, "*"), R_ALLOW(AWS(RUNNER_ROLE), GET), "runner", GET, nullptr, "", "deny session"},
    {"", ALLOW(PUT, "*"), "", R_ALLOW(AWS(RUNNER_ROLE), GET), "runner", GET, nullptr, "", "deny boundary"},
    {"", "", ALLOW(GET, "*"), R_ALLOW(AWS(RUNNER_ROLE), GET), "runner", GET, nullptr, "", "allow resource"},
    {"", ALLOW(GET, "*"), ALLOW(GET, "*"), R_ALLOW(AWS(RUNNER_ROLE), GET), "runner", GET, nullptr, "", "allow resource"},
    {"", ALLOW(GET, "*"), "", R_ALLOW(AWS(A1), GET), "alice", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, "*"), ALLOW(PUT, "*"), "", R_ALLOW(AWS(A1), GET), "alice", GET, nullptr, "", "deny boundary"},
    {ALLOW(GET, "*"), NOT_ACTION("Allow", GET, "*"), "", "", "alice", GET, nullptr, "", "deny boundary"},
    {ALLOW(GET, "*"), ALLOW("*", "*"), "", "", "root", GET, nullptr, "", "allow identity"},
};
// clang-format on
TEST(EvaluatorMatrix, BoundariesAndSessionPolicies) { RUN(kGuardrails); }

// IAM UG, "Policy evaluation logic" (same account): the request is allowed
// when the identity-based policies OR the resource-based policy allow.
// "Principal element": "*" and {"AWS":"*"} are everyone; an account id or
// its :root ARN delegates to the account's identity policies; a user, role
// or session ARN names that principal (a role ARN covers its sessions);
// {"Service": ...} names an AWS service.
// clang-format off
constexpr Case kResourcePolicies[] = {
    {"", "", "", R_ALLOW(AWS(ALICE), GET), "alice", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS(ALICE), GET), "bob", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW(AWS(ALICE), GET), "alice", PUT, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW("\"*\"", GET), "bob", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS("*"), GET), "bob", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS("*"), GET), "anon", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW("\"*\"", GET), "svc", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS(A1), GET), "alice", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW(AWS("arn:aws:iam::111111111111:root"), GET), "alice", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(A1), GET), "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(CAROL), GET), "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, Y), "", "", R_ALLOW(AWS(ALICE), PUT), "alice", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW(AWS(RUNNER_ROLE), GET), "runner", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS(RUNNER_SESSION), GET), "runner", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS("arn:aws:sts::111111111111:assumed-role/runner/s2"), GET), "runner", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW(AWS("arn:aws:iam::111111111111:role/other"), GET), "runner", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW(AWS(RUNNER_ROLE), GET), "alice", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW("{\"AWS\":[\"" CAROL "\",\"" ALICE "\"]}", GET), "alice", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW("{\"Service\":\"lambda.amazonaws.com\"}", GET), "svc", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW("{\"Service\":\"ec2.amazonaws.com\"}", GET), "svc", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW("{\"Service\":\"lambda.amazonaws.com\"}", GET), "alice", GET, nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW(AWS(ALICE), "secretsmanager:Get*"), "alice", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS(ALICE), SM) "," R_DENY(AWS(ALICE), PUT), "alice", GET, nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS(ALICE), SM) "," R_DENY(AWS(ALICE), PUT), "alice", PUT, nullptr, "", "DENY resource"},
    {"", "", "", "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" GET "\",\"Resource\":\"" Y "\"}", "alice", GET, nullptr, "", "deny identity"},
    {"", "", "", "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" GET "\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":\"" A1 "\"}}}", "bob", GET, nullptr, "aws:PrincipalAccount=" A1, "allow resource"},
    {"", "", "", "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" GET "\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":\"" A1 "\"}}}", "bob", GET, nullptr, "aws:PrincipalAccount=" A2, "deny identity"},
    {"", "", "", "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" GET "\",\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/run*\"}}}", "runner", GET, nullptr, "aws:PrincipalArn=" RUNNER_ROLE, "allow resource"},
    {"", "", "", "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"" GET "\",\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/run*\"}}}", "alice", GET, nullptr, "aws:PrincipalArn=" ALICE, "deny identity"},
};
// clang-format on
TEST(EvaluatorMatrix, SameAccountResourcePolicies) { RUN(kResourcePolicies); }

// IAM UG, "NotPrincipal": the statement applies to every principal except
// those listed (with Deny: everyone but them is denied). A listed account
// excludes its principals; a listed role ARN its sessions.
// clang-format off
constexpr Case kNotPrincipal[] = {
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(ALICE), GET), "alice", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(ALICE), GET), "bob", GET, nullptr, "", "DENY resource"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(ALICE), GET), "runner", GET, nullptr, "", "DENY resource"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(ALICE), SM), "bob", PUT, nullptr, "", "DENY resource"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(ALICE), PUT), "bob", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(RUNNER_ROLE), GET), "runner", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(RUNNER_SESSION), GET), "runner", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(A1), GET), "bob", GET, nullptr, "", "allow identity"},
    {ALLOW(GET, X), "", "", R_NOT("Deny", AWS(A1), GET), "svc", GET, nullptr, "", "DENY resource"},
    {"", "", "", R_NOT("Deny", "{\"Service\":\"lambda.amazonaws.com\"}", GET), "svc", GET, nullptr, "", "deny identity"},
    {"", "", "", R_NOT("Allow", AWS(ALICE), GET), "bob", GET, nullptr, "", "allow resource"},
    {"", "", "", R_NOT("Allow", AWS(ALICE), GET), "alice", GET, nullptr, "", "deny identity"},
};
// clang-format on
TEST(EvaluatorMatrix, NotPrincipal) { RUN(kNotPrincipal); }

// IAM UG, "Cross-account policy evaluation logic": a principal of another
// account is allowed only when its identity-based policies allow AND the
// resource-based policy in the owner's account allows (naming the account is
// enough); a Deny on either side wins.
// clang-format off
constexpr Case kCrossAccount[] = {
    {ALLOW(GET, X), "", "", "", "carol", GET, nullptr, "", "deny resource"},
    {"", "", "", R_ALLOW(AWS(CAROL), GET), "carol", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(CAROL), GET), "carol", GET, nullptr, "", "allow resource"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(A2), GET), "carol", GET, nullptr, "", "allow resource"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS("arn:aws:iam::222222222222:root"), GET), "carol", GET, nullptr, "", "allow resource"},
    {ALLOW(GET, X), "", "", R_ALLOW("\"*\"", GET), "carol", GET, nullptr, "", "allow resource"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(A1), GET), "carol", GET, nullptr, "", "deny resource"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(ALICE), GET), "carol", GET, nullptr, "", "deny resource"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(CAROL), PUT), "carol", GET, nullptr, "", "deny resource"},
    {ALLOW(PUT, X), "", "", R_ALLOW(AWS(CAROL), GET), "carol", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, Y), "", "", R_ALLOW(AWS(CAROL), GET), "carol", GET, nullptr, "", "deny identity"},
    {ALLOW(GET, X) "," DENY(GET, "*"), "", "", R_ALLOW(AWS(CAROL), GET), "carol", GET, nullptr, "", "DENY identity"},
    {ALLOW(GET, X), "", "", R_ALLOW(AWS(CAROL), GET) "," R_DENY(AWS(A2), GET), "carol", GET, nullptr, "", "DENY resource"},
    {ALLOW(GET, X), ALLOW(PUT, "*"), "", R_ALLOW(AWS(CAROL), GET), "carol", GET, nullptr, "", "deny boundary"},
    {"", "", "", R_ALLOW(AWS(A2), GET), "root2", GET, nullptr, "", "allow resource"},
    {"", "", "", "", "root2", GET, nullptr, "", "deny resource"},
    {"", "", "", R_ALLOW(AWS(A2), GET), "carol", GET, "arn:aws:secretsmanager:us-east-1:222222222222:secret:own-AbCdEf", "", "deny identity"},
    {ALLOW(GET, "*"), "", "", "", "carol", GET, "arn:aws:secretsmanager:us-east-1:222222222222:secret:own-AbCdEf", "", "allow identity"},
};
// clang-format on
TEST(EvaluatorMatrix, CrossAccount) { RUN(kCrossAccount); }

// aws-compat §6.1 item 7 (AWS KMS Developer Guide, "Key policies"): the key
// policy must allow; IAM policies count only when it delegates to the
// account (arn:aws:iam::ACCT:root); the root user needs the key policy too.
// clang-format off
constexpr Case kKeyPolicies[] = {
    {ALLOW("kms:*", "*"), "", "", "", "alice", "kms:Decrypt", nullptr, "", "deny resource"},
    {"", "", "", "", "root", "kms:Decrypt", nullptr, "", "deny resource"},
    {ALLOW("kms:*", "*"), "", "", R_ALLOW(AWS("arn:aws:iam::111111111111:root"), "kms:*"), "alice", "kms:Decrypt", nullptr, "", "allow identity"},
    {"", "", "", R_ALLOW(AWS("arn:aws:iam::111111111111:root"), "kms:*"), "alice", "kms:Decrypt", nullptr, "", "deny identity"},
    {"", "", "", R_ALLOW(AWS("arn:aws:iam::111111111111:root"), "kms:*"), "root", "kms:Decrypt", nullptr, "", "allow identity"},
    {"", "", "", R_ALLOW(AWS(RUNNER_ROLE), "kms:Decrypt"), "runner", "kms:Decrypt", nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS(RUNNER_ROLE), "kms:Decrypt"), "runner", "kms:Encrypt", nullptr, "", "deny resource"},
    {ALLOW("kms:*", "*"), "", "", R_ALLOW(AWS(A2), "kms:Decrypt"), "carol", "kms:Decrypt", nullptr, "", "allow resource"},
    {"", "", "", R_ALLOW(AWS(A2), "kms:Decrypt"), "carol", "kms:Decrypt", nullptr, "", "deny identity"},
    {ALLOW("kms:*", "*"), "", "", R_ALLOW(AWS(A1), "kms:Decrypt"), "carol", "kms:Decrypt", nullptr, "", "deny resource"},
};
// clang-format on
TEST(EvaluatorMatrix, KeyPolicies) { RUN(kKeyPolicies, true); }

TEST(EvaluatorMatrix, ReasonTexts) {
  EXPECT_EQ((Decision{false, true, PolicyKind::kResource}.Reason()),
            "explicit deny in a resource-based policy");
  EXPECT_EQ((Decision{false, false, PolicyKind::kIdentity}.Reason()),
            "no identity-based policy allows");
  EXPECT_EQ((Decision{false, false, PolicyKind::kPermissionsBoundary}.Reason()),
            "no permissions boundary allows");
  EXPECT_EQ((Decision{false, false, PolicyKind::kSessionPolicy}.Reason()),
            "no session policy allows");
}

// The identity grammar: no Principal, a Resource required; resource-based
// documents keep their own rules (policy_document_test.cc).
TEST(EvaluatorMatrix, IdentityGrammar) {
  auto parse = [](const char* s) {
    return ParsePolicyDocument(std::string(R"({"Version":"2012-10-17","Statement":[)") + s + "]}",
                               PolicyGrammar::kIdentity)
        .ok();
  };
  EXPECT_TRUE(parse(ALLOW(GET, X)));
  EXPECT_FALSE(parse(R_ALLOW("\"*\"", GET)));
  EXPECT_FALSE(parse("{\"Effect\":\"Allow\",\"Action\":\"" GET "\"}"));
  EXPECT_FALSE(ParsePolicyDocument(std::string(R"({"Statement":[)") + ALLOW(GET, X) + "]}").ok());
}

}  // namespace
}  // namespace coffer::auth::policy
