// RestoreSecret: cancels a scheduled deletion (DeletedDate disappears).
// Restoring a secret that is not pending deletion succeeds and changes
// nothing.

#include "secrets/internal.h"

namespace coffer::secrets::internal {

Status RestoreSecret(Service& svc, const RequestContext& ctx, const JsonValue& in,
                     JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::SecretRecord s,
                          ResolveAuthorized(svc, *txn, ctx, secret_id, SmAction("RestoreSecret")));
  if (s.deleted_ms || s.deletion_date_ms) {
    s.deleted_ms.reset();
    s.deletion_date_ms.reset();
    s.last_changed_ms = ctx.now_ms;
    COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
    COFFER_RETURN_IF_ERROR(txn->Commit());
  }
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
