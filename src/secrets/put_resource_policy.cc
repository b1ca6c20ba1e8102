// PutResourcePolicy: validates the policy (policy_document.h), optionally
// refuses broad access (BlockPublicPolicy), and stores the text verbatim.
// Enforcement arrives with the identity issue.

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/policy_document.h"

namespace coffer::secrets::internal {

namespace msg = messages;

Status PutResourcePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  std::string_view text = JsonString(in, "ResourcePolicy").value_or("");
  COFFER_ASSIGN_OR_RETURN(PolicyDocument doc, ParsePolicyDocument(text));
  const bool block_public = JsonBool(in, "BlockPublicPolicy").value_or(false);

  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::SecretRecord s,
                          ResolveSecret(*txn, ctx, JsonString(in, "SecretId").value_or("")));
  COFFER_RETURN_IF_ERROR(RequireNotDeleted(s));
  COFFER_RETURN_IF_ERROR(RequirePrimary(s));
  if (block_public && GrantsBroadAccess(doc))
    return Status::PermissionDenied(std::string(msg::kPublicPolicy),
                                    std::string(msg::kPublicPolicyBlocked));
  s.resource_policy = std::string(text);
  s.last_changed_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
