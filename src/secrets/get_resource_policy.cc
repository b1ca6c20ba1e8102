// GetResourcePolicy: the stored policy text, verbatim; ResourcePolicy is
// omitted when none is attached (aws-compat §1.4).

#include "secrets/internal.h"

namespace coffer::secrets::internal {

Status GetResourcePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(storage::SecretRecord s,
                          ResolveAuthorized(svc, *txn, ctx, JsonString(in, "SecretId").value_or(""),
                                            SmAction("GetResourcePolicy")));
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  if (s.resource_policy) WriteString(out, "ResourcePolicy", *s.resource_policy);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
