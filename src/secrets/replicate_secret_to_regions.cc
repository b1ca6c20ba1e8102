// ReplicateSecretToRegions: replicas of a primary secret in other regions of
// this deployment (replication.h). Returns the status of each requested
// region.

#include "secrets/internal.h"
#include "secrets/replication.h"

namespace coffer::secrets::internal {

Status ReplicateSecretToRegions(Service& svc, const RequestContext& ctx, const JsonValue& in,
                                JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto specs, replication::ReadAddReplicaRegions(in, ctx.region));
  const bool force = JsonBool(in, "ForceOverwriteReplicaSecret").value_or(false);
  ContextKeys keys;
  AddReplicaRegionKeys(keys, in);
  if (JsonBool(in, "ForceOverwriteReplicaSecret"))
    keys.Set("secretsmanager:ForceOverwriteReplicaSecret", force ? "true" : "false");
  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, JsonString(in, "SecretId").value_or(""),
                                             SmAction("ReplicateSecretToRegions"), &keys));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  COFFER_ASSIGN_OR_RETURN(auto records,
                          replication::ReplicateSecret(svc, *txn, ctx, s, specs, force));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "ARN", s.arn);
  WriteReplicationStatus(out, records);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
