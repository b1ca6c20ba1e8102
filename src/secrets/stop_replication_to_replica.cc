// StopReplicationToReplica (called in the replica's region): promotes the
// replica to a standalone secret. Its values so far lived on the primary, so
// the primary's labelled versions are copied, each opened under the
// primary's ARN and re-sealed with the replica's KMS key (in the replica's
// region) and the replica's own ARN as encryption context. The primary then
// forgets the replica.

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

Status StopReplicationToReplica(Service& svc, const RequestContext& ctx, const JsonValue& in,
                                JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::SecretRecord r,
                          ResolveAuthorized(svc, *txn, ctx, JsonString(in, "SecretId").value_or(""),
                                            SmAction("StopReplicationToReplica")));
  if (!r.replica_of)
    return Status::FailedPrecondition(std::string(msg::kInvalidRequest),
                                      std::string(msg::kNotAReplica));
  COFFER_ASSIGN_OR_RETURN(auto primary, txn->GetSecretById(*r.replica_of));

  // Promote first: from here on VersionContext(r, …) names the replica's ARN.
  r.replica_of.reset();
  r.primary_region = r.region;
  r.last_changed_ms = ctx.now_ms;

  if (primary) {
    COFFER_ASSIGN_OR_RETURN(auto versions, txn->ListVersions(primary->id));
    std::optional<storage::KmsKeyRecord> key;
    for (const storage::VersionRecord& v : versions) {
      if (v.stages.empty()) continue;  // deprecated versions stay behind
      storage::VersionRecord copy = v;
      copy.secret_id = r.id;
      if (v.has_value) {
        auto plain =
            svc.keyring().OpenValue(*txn, v.sealed_value, VersionContext(*primary, v.version_id));
        if (!plain.ok()) return KeyFailure(plain.status(), v.kms_key_arn, /*encrypt=*/false);
        if (!key) {
          COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord k,
                                  ResolveKeyForWrite(svc, *txn, ctx, r.kms_key_id, &r));
          key = std::move(k);
        }
        auto sealed =
            svc.keyring().SealValue(*txn, *key, plain->view(), VersionContext(r, v.version_id));
        if (!sealed.ok()) return KeyFailure(sealed.status(), key->arn, /*encrypt=*/true);
        copy.sealed_value = *std::move(sealed);
        copy.kms_key_arn = key->arn;
      }
      COFFER_RETURN_IF_ERROR(txn->PutVersion(copy));
    }
    storage::SecretRecord updated = *primary;
    std::erase_if(updated.replicas, [&](const auto& rec) { return rec.region == r.region; });
    COFFER_RETURN_IF_ERROR(txn->UpdateSecret(updated));
  }
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(r));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "ARN", r.arn);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
