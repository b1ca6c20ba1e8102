// DeleteResourcePolicy: removes the attached policy (a no-op when none is).

#include "secrets/internal.h"

namespace coffer::secrets::internal {

Status DeleteResourcePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                            JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, JsonString(in, "SecretId").value_or(""),
                                             SmAction("DeleteResourcePolicy")));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  if (s.resource_policy) {
    s.resource_policy.reset();
    s.last_changed_ms = ctx.now_ms;
    COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
    COFFER_RETURN_IF_ERROR(txn->Commit());
  }
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
