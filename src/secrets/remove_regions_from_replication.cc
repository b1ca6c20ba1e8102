// RemoveRegionsFromReplication: deletes the primary's replicas in the given
// regions (regions without a replica are ignored) and returns the remaining
// replication status.

#include "secrets/internal.h"
#include "secrets/replication.h"

namespace coffer::secrets::internal {

Status RemoveRegionsFromReplication(Service& svc, const RequestContext& ctx, const JsonValue& in,
                                    JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::SecretRecord s,
                          ResolveAuthorized(svc, *txn, ctx, JsonString(in, "SecretId").value_or(""),
                                            SmAction("RemoveRegionsFromReplication")));
  COFFER_RETURN_IF_ERROR(RequirePrimary(s));
  for (const std::string& region : JsonStringArray(in, "RemoveReplicaRegions"))
    COFFER_RETURN_IF_ERROR(replication::RemoveReplica(*txn, s, region));
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "ARN", s.arn);
  WriteReplicationStatus(out, s.replicas);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
