// ValidateResourcePolicy: the three checks AWS documents (broad access,
// syntax, lock-out), reported as ValidationErrors rather than failures. Text
// that is not JSON at all is MalformedPolicyDocumentException; a JSON
// document that breaks the policy grammar is a SYNTAX_CHECK finding.
// SecretId is optional; when given, the secret must exist.

#include <rapidjson/document.h>

#include "auth/policy/policy_document.h"
#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

// Denied to everyone, these would leave nobody able to manage the secret.
constexpr std::string_view kManagementActions[] = {"secretsmanager:PutResourcePolicy",
                                                   "secretsmanager:DeleteResourcePolicy"};

Status ValidateResourcePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                              JsonWriter& out) {
  std::string_view text = JsonString(in, "ResourcePolicy").value_or("");
  const std::optional<std::string_view> named = JsonString(in, "SecretId");
  // Without a SecretId the action has no resource (aws-compat §1.8).
  if (!named) COFFER_RETURN_IF_ERROR(AuthorizeUnscoped(ctx, SmAction("ValidateResourcePolicy")));
  {
    rapidjson::Document probe;
    probe.Parse(text.data(), text.size());
    if (probe.HasParseError())
      return Status::InvalidArgument(std::string(msg::kMalformedPolicy),
                                     std::string(msg::kPolicySyntaxError));
  }
  if (auto secret_id = JsonString(in, "SecretId")) {
    COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
    // Validating a secret's policy also needs PutResourcePolicy on it (§1.8).
    COFFER_ASSIGN_OR_RETURN(
        storage::SecretRecord s,
        ResolveAuthorized(svc, *txn, ctx, *secret_id, SmAction("ValidateResourcePolicy")));
    COFFER_RETURN_IF_ERROR(AuthorizeSecret(svc, ctx, s, SmAction("PutResourcePolicy")));
  }
  std::vector<std::pair<std::string_view, std::string>> errors;
  auto doc = auth::policy::ParsePolicyDocument(text);
  if (!doc.ok()) {
    if (doc.status().code() == StatusCode::kInternal) return doc.status();
    errors.emplace_back(msg::kCheckSyntax, doc.status().message());
  } else {
    if (auth::policy::GrantsBroadAccess(*doc))
      errors.emplace_back(msg::kCheckBroadAccess, std::string(msg::kPolicyBroadAccess));
    if (auth::policy::LocksOut(*doc, kManagementActions))
      errors.emplace_back(msg::kCheckLockout, std::string(msg::kPolicyLockout));
  }
  WriteBool(out, "PolicyValidationPassed", errors.empty());
  WriteKey(out, "ValidationErrors");
  out.StartArray();
  for (const auto& [check, message] : errors) {
    out.StartObject();
    WriteString(out, "CheckName", check);
    WriteString(out, "ErrorMessage", message);
    out.EndObject();
  }
  out.EndArray();
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
