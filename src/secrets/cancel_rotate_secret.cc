// CancelRotateSecret (aws-compat §4.1): turns automatic rotation off. The
// rotation function and RotationRules stay visible in DescribeSecret;
// NextRotationDate goes (nothing is scheduled). The response names the
// version of an unfinished rotation (AWSPENDING on a version that is not
// AWSCURRENT) so the caller can clean it up; the labels are left as they are.

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

Status CancelRotateSecret(Service& svc, const RequestContext& ctx, const JsonValue& in,
                          JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, JsonString(in, "SecretId").value_or(""),
                                             SmAction("CancelRotateSecret")));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  COFFER_ASSIGN_OR_RETURN(auto pending, txn->GetVersionByStage(s.id, kAwsPending));
  std::optional<std::string> pending_id;
  if (pending && std::find(pending->stages.begin(), pending->stages.end(), kAwsCurrent) ==
                     pending->stages.end())
    pending_id = pending->version_id;
  if (s.rotation_enabled || s.next_rotation_ms) {
    s.rotation_enabled = false;
    s.next_rotation_ms.reset();
    s.last_changed_ms = ctx.now_ms;
    COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
    COFFER_RETURN_IF_ERROR(txn->Commit());
  }
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  if (pending_id) WriteString(out, "VersionId", *pending_id);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
