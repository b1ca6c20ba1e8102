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
  const bool block_public = JsonBool(in, "BlockPublicPolicy").value_or(false);
  ContextKeys keys;
  if (JsonBool(in, "BlockPublicPolicy"))  // request keys: present when given
    keys.Set("secretsmanager:BlockPublicPolicy", block_public ? "true" : "false");

  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, JsonString(in, "SecretId").value_or(""),
                                             SmAction("PutResourcePolicy"), &keys));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  // After authorization, as AWS: a caller who may not put a policy learns
  // nothing about the one sent.
  COFFER_ASSIGN_OR_RETURN(auth::policy::PolicyDocument doc,
                          auth::policy::ParsePolicyDocument(text));
  // A policy that parses but cannot be evaluated (a condition value its
  // operator cannot read) is refused now rather than failing every later
  // request on the secret.
  COFFER_RETURN_IF_ERROR(
      svc.policy_cache().Get(text, auth::policy::PolicyGrammar::kResource).status());
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
