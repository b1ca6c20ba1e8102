// SimulatePrincipalPolicy and SimulateCustomPolicy: every action of
// ActionNames on every resource of ResourceArns ("*" when absent), decided
// by the same evaluator that authorizes requests (auth::policy::Decide).
// MatchedStatements and MissingContextValues are answered empty: the
// evaluator does not report which statements matched.

#include "auth/policy/access.h"
#include "iam/internal.h"
#include "iam/principals.h"

namespace coffer::iam::internal {

using auth::policy::Caller;
using auth::policy::CompiledPolicy;
using auth::policy::PolicyGrammar;
using messages::S;

namespace {

Result<std::shared_ptr<const CompiledPolicy>> CompileInput(std::string_view text,
                                                           PolicyGrammar grammar) {
  if (grammar == PolicyGrammar::kIdentity) {
    COFFER_RETURN_IF_ERROR(ValidateIdentityPolicy(text));
  }
  auto doc = auth::policy::ParsePolicyDocument(text, grammar);
  if (!doc.ok()) return messages::Malformed(messages::kSyntaxErrors);
  auto compiled = CompiledPolicy::Compile(*doc);
  if (!compiled.ok()) return messages::Malformed(messages::kSyntaxErrors);
  return std::make_shared<const CompiledPolicy>(std::move(*compiled));
}

auth::policy::Principal SimulatedPrincipal(std::string_view arn) {
  auth::policy::Principal p;
  p.type = auth::policy::PrincipalType::kUser;
  p.arn = S(arn);
  if (auto parsed = ParseIamArn(arn)) {
    p.account = parsed->account_id;
    if (parsed->kind == kRole) {
      p.type = auth::policy::PrincipalType::kAssumedRole;
      p.role_arn = S(arn);
    }
  }
  return p;
}

// Runs the simulation for `caller` (whose policies are set) and writes the
// answer.
Status Simulate(const RequestContext& ctx, Caller& caller, const JsonValue& in, JsonWriter& out) {
  if (const JsonValue* entries = JsonMember(in, "ContextEntries"); entries && entries->IsArray()) {
    for (const auto& e : entries->GetArray()) {
      auto name = JsonString(e, "ContextKeyName");
      if (name) caller.keys.Set(*name, JsonStringArray(e, "ContextKeyValues"));
    }
  }
  std::shared_ptr<const CompiledPolicy> resource_policy;
  if (auto text = JsonString(in, "ResourcePolicy")) {
    COFFER_ASSIGN_OR_RETURN(resource_policy, CompileInput(*text, PolicyGrammar::kResource));
  }
  std::string owner;
  if (auto o = JsonString(in, "ResourceOwner")) {
    auto parsed = ParseIamArn(*o);
    owner = S(*o);
    if (owner.starts_with("arn:aws:iam::")) {
      owner = owner.substr(13, owner.find(':', 13) - 13);
    } else if (parsed) {
      owner = parsed->account_id;
    }
  }
  const std::vector<std::string> actions = JsonStringArray(in, "ActionNames");
  std::vector<std::string> resources = JsonStringArray(in, "ResourceArns");
  if (resources.empty()) resources.push_back("*");
  const size_t n = actions.size() * resources.size();
  const PageRange page = Paginate(IndexKeys(n), in);
  WriteKey(out, "EvaluationResults");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    const std::string& action = actions[i / resources.size()];
    const std::string& resource = resources[i % resources.size()];
    auth::policy::AccessRequest req;
    req.action = action;
    req.resource = resource;
    req.resource_account = owner;
    req.resource_policy = resource_policy.get();
    const auth::policy::Decision d = auth::policy::Decide(caller, req);
    out.StartObject();
    WriteString(out, "EvalActionName", action);
    WriteString(out, "EvalResourceName", resource);
    WriteString(out, "EvalDecision",
                d.allowed ? "allowed" : (d.explicit_deny ? "explicitDeny" : "implicitDeny"));
    WriteStringArray(out, "MatchedStatements", {});
    WriteStringArray(out, "MissingContextValues", {});
    out.EndObject();
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

// Adds PolicyInputList to `identity` and, when given,
// PermissionsBoundaryPolicyInputList as the boundary (replacing the
// principal's own).
Status AddInputPolicies(const JsonValue& in, auth::policy::PrincipalPolicies& policies) {
  for (const std::string& text : JsonStringArray(in, "PolicyInputList")) {
    COFFER_ASSIGN_OR_RETURN(auto c, CompileInput(text, PolicyGrammar::kIdentity));
    policies.identity.push_back(std::move(c));
  }
  const auto boundaries = JsonStringArray(in, "PermissionsBoundaryPolicyInputList");
  if (!boundaries.empty()) policies.boundary.clear();
  for (const std::string& text : boundaries) {
    COFFER_ASSIGN_OR_RETURN(auto c, CompileInput(text, PolicyGrammar::kIdentity));
    policies.boundary.push_back(std::move(c));
  }
  policies.Seal();
  return Status::Ok();
}

}  // namespace

Status SimulatePrincipalPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                               JsonWriter& out) {
  const std::string source = S(JsonString(in, "PolicySourceArn").value_or(""));
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "SimulatePrincipalPolicy", source));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  auth::policy::CompiledPolicyCache cache(256);
  auto loaded = LoadPrincipalPolicies(*txn, ctx.account_id, source, cache);
  if (!loaded.ok()) {
    if (loaded.status().code() == StatusCode::kNotFound)
      return messages::InvalidInput("Invalid Entity Arn: " + source +
                                    " does not clearly define "
                                    "entity type and name.");
    return loaded.status();
  }
  auto policies = std::make_shared<auth::policy::PrincipalPolicies>(**loaded);
  COFFER_RETURN_IF_ERROR(AddInputPolicies(in, *policies));
  Caller caller;
  caller.principal = SimulatedPrincipal(JsonString(in, "CallerArn").value_or(source));
  caller.policies = policies;
  return Simulate(ctx, caller, in, out);
}

Status SimulateCustomPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                            JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "SimulateCustomPolicy", "*"));
  auto policies = std::make_shared<auth::policy::PrincipalPolicies>();
  COFFER_RETURN_IF_ERROR(AddInputPolicies(in, *policies));
  Caller caller;
  const std::string caller_arn = S(JsonString(in, "CallerArn").value_or(""));
  caller.principal = SimulatedPrincipal(caller_arn);
  if (caller.principal.account.empty()) caller.principal.account = ctx.account_id;
  caller.policies = policies;
  return Simulate(ctx, caller, in, out);
}

}  // namespace coffer::iam::internal
