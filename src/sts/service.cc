#include "sts/service.h"

#include <algorithm>

#include "common/op_table.h"

namespace coffer::sts {
namespace {

using OpFn = Status (*)(Service&, const RequestContext&, const JsonValue&, JsonWriter&);

constexpr OpTable<OpFn, 3> kOps({{
    {"AssumeRole", [](Service& s, const RequestContext& c, const JsonValue& i,
                      JsonWriter& o) { return s.AssumeRole(c, i, o); }},
    {"GetCallerIdentity", [](Service& s, const RequestContext& c, const JsonValue& i,
                             JsonWriter& o) { return s.GetCallerIdentity(c, i, o); }},
    {"GetSessionToken", [](Service& s, const RequestContext& c, const JsonValue& i,
                           JsonWriter& o) { return s.GetSessionToken(c, i, o); }},
}});
static_assert(kOps.Sorted(), "kOps must be sorted by name");

// STS's codes (Query protocol): ValidationError and AccessDenied [model;
// docs: STS API reference, Common Errors].
constexpr std::string_view kValidationError = "ValidationError";
constexpr std::string_view kAccessDenied = "AccessDenied";
constexpr std::string_view kMalformedPolicy = "MalformedPolicyDocument";

Status Validation(std::string message) {
  return Status::InvalidArgument(std::string(kValidationError), std::move(message));
}

void WriteCredentials(JsonWriter& w, const IssuedCredentials& c) {
  WriteKey(w, "Credentials");
  w.StartObject();
  WriteString(w, "AccessKeyId", c.access_key_id);
  WriteString(w, "SecretAccessKey", c.secret_access_key.view());
  WriteString(w, "SessionToken", c.session_token);
  WriteTimestamp(w, "Expiration", c.expires_ms);
  w.EndObject();
}

bool IsRoleSession(const RequestContext& ctx) {
  return ctx.principal_arn.find(":assumed-role/") != std::string::npos;
}

// "arn:aws:iam::123456789012:role/path/Name" -> "Name".
std::string_view RoleNameOf(std::string_view role_arn) {
  const size_t slash = role_arn.rfind('/');
  return slash == std::string_view::npos ? role_arn : role_arn.substr(slash + 1);
}

}  // namespace

Service::Service(storage::Store& store, const SessionTokens& tokens, const Clock& clock,
                 ServiceOptions options)
    : store_(store), tokens_(tokens), clock_(clock), options_(std::move(options)) {}

Status Service::Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                       JsonWriter& out) {
  auto unknown = [](std::string_view name) {
    return Status::InvalidArgument(
        "InvalidAction",
        "Could not find operation " + std::string(name) + " for version 2011-06-15");
  };
  return DispatchJsonOp(kOps, op, unknown, out, *this, ctx, input);
}

// No permission is needed: "No permissions are required to perform this
// operation. If an administrator attaches a policy to your identity that
// explicitly denies access to the sts:GetCallerIdentity action, you can
// still perform this operation." [docs: STS API reference,
// GetCallerIdentity]
Status Service::GetCallerIdentity(const RequestContext& ctx, const JsonValue&, JsonWriter& out) {
  WriteString(out, "UserId", options_.user_id ? options_.user_id(ctx) : ctx.account_id);
  WriteString(out, "Account", ctx.account_id);
  WriteString(out, "Arn", ctx.principal_arn);
  return Status::Ok();
}

Status Service::AssumeRole(const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string_view role_arn = JsonString(in, "RoleArn").value_or("");
  const std::string_view session = JsonString(in, "RoleSessionName").value_or("");
  const bool chained = IsRoleSession(ctx);

  COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(std::optional<RoleInfo> role, options_.find_role(*txn, role_arn));
  txn.reset();

  // The request's condition keys (STS "Available keys for AssumeRole").
  auth::policy::ContextKeys keys;
  keys.Set("sts:RoleSessionName", std::string(session));
  if (auto external = JsonString(in, "ExternalId"))
    keys.Set("sts:ExternalId", std::string(*external));
  const std::string_view source_identity = JsonString(in, "SourceIdentity").value_or("");
  if (!source_identity.empty()) keys.Set("sts:SourceIdentity", std::string(source_identity));
  std::vector<std::pair<std::string, std::string>> tags;
  if (const JsonValue* t = JsonMember(in, "Tags"); t && t->IsArray()) {
    std::vector<std::string> tag_keys;
    for (const JsonValue& tag : t->GetArray()) {
      std::string k(JsonString(tag, "Key").value_or(""));
      std::string v(JsonString(tag, "Value").value_or(""));
      keys.Set("aws:RequestTag/" + k, v);
      tag_keys.push_back(k);
      tags.emplace_back(std::move(k), std::move(v));
    }
    keys.Set("aws:TagKeys", std::move(tag_keys));
  }

  auth::policy::AccessRequest request;
  request.action = "sts:AssumeRole";
  request.resource = role_arn;
  request.keys = &keys;
  request.resource_policy_required = true;
  std::shared_ptr<const auth::policy::CompiledPolicy> trust;
  if (role) {
    request.resource_account = role->account_id;
    auto compiled = policies_.Get(role->trust_policy, auth::policy::PolicyGrammar::kResource);
    if (compiled.ok()) trust = std::move(compiled).value();
    request.resource_policy = trust.get();
  }
  if (ctx.caller) {
    // A role that does not exist is denied like one whose trust policy does
    // not allow the caller: AWS says nothing about which.
    if (!role) {
      auth::policy::Decision none;
      none.decided_by = auth::policy::PolicyKind::kResource;
      return Status::PermissionDenied(std::string(kAccessDenied), auth::policy::AccessDeniedMessage(
                                                                      *ctx.caller, request, none));
    }
    COFFER_RETURN_IF_ERROR(auth::policy::Authorize(*ctx.caller, request, kAccessDenied));
    if (!tags.empty()) {
      request.action = "sts:TagSession";
      COFFER_RETURN_IF_ERROR(auth::policy::Authorize(*ctx.caller, request, kAccessDenied));
    }
    if (!source_identity.empty()) {
      request.action = "sts:SetSourceIdentity";
      COFFER_RETURN_IF_ERROR(auth::policy::Authorize(*ctx.caller, request, kAccessDenied));
    }
  } else if (!role) {
    return Status::PermissionDenied(std::string(kAccessDenied),
                                    "Not authorized to perform sts:AssumeRole");
  }

  // Duration [docs: STS API reference, AssumeRole DurationSeconds].
  const std::optional<int64_t> asked = JsonInt(in, "DurationSeconds");
  if (chained && asked && *asked > 3600) {
    return Validation(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.");
  }
  if (asked && *asked > role->max_session_seconds) {
    return Validation(
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  const int64_t seconds = asked.value_or(3600);

  auth::sigv4::SessionClaims claims;
  if (auto policy = JsonString(in, "Policy")) {
    auto doc = auth::policy::ParsePolicyDocument(*policy, auth::policy::PolicyGrammar::kIdentity);
    if (!doc.ok()) {
      return Status::InvalidArgument(std::string(kMalformedPolicy), doc.status().message());
    }
    claims.session_policy = std::string(*policy);
  }
  if (const JsonValue* arns = JsonMember(in, "PolicyArns"); arns && arns->IsArray()) {
    for (const JsonValue& a : arns->GetArray()) {
      if (auto arn = JsonString(a, "arn")) claims.policy_arns.emplace_back(*arn);
    }
  }
  claims.tags = tags;  // the role's tags are added by IssueRoleSession
  claims.source_identity = std::string(source_identity);
  std::string session_arn;
  COFFER_ASSIGN_OR_RETURN(IssuedCredentials creds,
                          IssueRoleSession(*role, session, seconds, claims, &session_arn));
  WriteCredentials(out, creds);
  WriteKey(out, "AssumedRoleUser");
  out.StartObject();
  WriteString(out, "AssumedRoleId", role->id + ":" + std::string(session));
  WriteString(out, "Arn", session_arn);
  out.EndObject();
  if (!claims.session_policy.empty() || !claims.policy_arns.empty() || !tags.empty()) {
    // The packed size in percent of the limit; Coffer does not pack, so
    // it reports the plain size against AWS's 2048-byte limit.
    size_t size = claims.session_policy.size();
    for (const auto& a : claims.policy_arns) size += a.size();
    for (const auto& [k, v] : claims.tags) size += k.size() + v.size();
    WriteInt(out, "PackedPolicySize", static_cast<int64_t>(size * 100 / 2048));
  }
  if (!source_identity.empty()) WriteString(out, "SourceIdentity", source_identity);
  return Status::Ok();
}

Result<IssuedCredentials> Service::IssueRoleSession(const RoleInfo& role, std::string_view session,
                                                    int64_t seconds,
                                                    auth::sigv4::SessionClaims& claims,
                                                    std::string* session_arn) {
  // The role's tags, then the session's, which win over a role tag of the
  // same key [docs: IAM UG "Passing session tags in STS"].
  std::vector<std::pair<std::string, std::string>> session_tags = std::move(claims.tags);
  claims.tags = role.tags;
  for (auto& tag : session_tags) {
    auto same = std::find_if(claims.tags.begin(), claims.tags.end(),
                             [&](const auto& t) { return t.first == tag.first; });
    if (same != claims.tags.end()) {
      same->second = std::move(tag.second);
    } else {
      claims.tags.push_back(std::move(tag));
    }
  }
  claims.role_arn = role.arn;
  claims.role_id = role.id;
  claims.session_name = std::string(session);
  claims.issued_ms = clock_.NowMillis();
  claims.expires_ms = claims.issued_ms + seconds * 1000;
  *session_arn = "arn:aws:sts::" + role.account_id + ":assumed-role/" +
                 std::string(RoleNameOf(role.arn)) + "/" + std::string(session);
  return tokens_.Issue(role.account_id, *session_arn, claims);
}

Result<IssuedCredentials> Service::AssumeRoleForService(std::string_view service_principal,
                                                        std::string_view role_arn,
                                                        std::string_view session_name,
                                                        int64_t seconds) {
  COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(std::optional<RoleInfo> role, options_.find_role(*txn, role_arn));
  txn.reset();
  const std::string denied = "Not authorized to perform sts:AssumeRole";
  if (!role) return Status::PermissionDenied(std::string(kAccessDenied), denied);
  COFFER_ASSIGN_OR_RETURN(
      auto trust, policies_.Get(role->trust_policy, auth::policy::PolicyGrammar::kResource));
  auth::policy::Caller caller;
  caller.principal.type = auth::policy::PrincipalType::kService;
  caller.principal.service = std::string(service_principal);
  auth::policy::ContextKeys keys;
  keys.Set("sts:RoleSessionName", std::string(session_name));
  auth::policy::AccessRequest request;
  request.action = "sts:AssumeRole";
  request.resource = role_arn;
  request.resource_account = role->account_id;
  request.resource_policy = trust.get();
  request.resource_policy_required = true;
  request.keys = &keys;
  if (!auth::policy::Authorize(caller, request, kAccessDenied).ok())
    return Status::PermissionDenied(std::string(kAccessDenied), denied);
  seconds = std::clamp<int64_t>(seconds, 900, role->max_session_seconds);
  std::string session_arn;
  auth::sigv4::SessionClaims claims;
  return IssueRoleSession(*role, session_name, seconds, claims, &session_arn);
}

// [docs: STS API reference, GetSessionToken]: IAM users and the root user
// only; 900-129600 seconds, default 43200; the root user at most 3600.
Status Service::GetSessionToken(const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  if (IsRoleSession(ctx)) {
    return Status::PermissionDenied(std::string(kAccessDenied),
                                    "Cannot call GetSessionToken with session credentials");
  }
  const bool root = ctx.principal_arn.ends_with(":root");
  const int64_t seconds = JsonInt(in, "DurationSeconds").value_or(root ? 3600 : 43200);
  if (root && seconds > 3600) {
    return Validation(
        "The requested DurationSeconds exceeds the 1 hour session limit for the root user.");
  }
  auth::sigv4::SessionClaims claims;
  claims.issued_ms = clock_.NowMillis();
  claims.expires_ms = claims.issued_ms + seconds * 1000;
  COFFER_ASSIGN_OR_RETURN(IssuedCredentials creds,
                          tokens_.Issue(ctx.account_id, ctx.principal_arn, claims));
  WriteCredentials(out, creds);
  return Status::Ok();
}

}  // namespace coffer::sts
