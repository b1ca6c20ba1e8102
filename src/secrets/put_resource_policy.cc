// PutResourcePolicy: validates the policy (policy_document.h), optionally
// refuses broad access (BlockPublicPolicy), and stores the text verbatim.
// Enforcement arrives with the identity issue.

#include "auth/policy/policy_document.h"
#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

Status PutResourcePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  std::string_view text = JsonString(in, "ResourcePolicy").value_or("");
  COFFER_ASSIGN_OR_RETURN(auth::policy::PolicyDocument doc,
                          auth::policy::ParsePolicyDocument(text));
  const bool block_public = JsonBool(in, "BlockPublicPolicy").value_or(false);

  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, JsonString(in, "SecretId").value_or("")));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  if (block_public && auth::policy::GrantsBroadAccess(doc))
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
