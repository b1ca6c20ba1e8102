// Replica creation and removal (replication.h).

#include "secrets/replication.h"

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets::replication {

namespace msg = messages;

namespace {

constexpr size_t kSuffixLength = 6;

storage::ReplicaRecord Failed(const ReplicaSpec& spec, std::string message) {
  storage::ReplicaRecord rec;
  rec.region = spec.region;
  rec.kms_key_id = spec.kms_key_id;
  rec.status = "Failed";
  rec.status_message = std::move(message);
  return rec;
}

// Creates one replica; failures that concern only this region come back as
// a Failed record, storage failures as a Status.
Result<storage::ReplicaRecord> CreateOne(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                                         const storage::SecretRecord& primary,
                                         const ReplicaSpec& spec, bool force) {
  COFFER_ASSIGN_OR_RETURN(auto taken,
                          txn.GetSecretByName(ctx.account_id, spec.region, primary.name));
  if (taken && taken->replica_of == primary.id) {
    COFFER_RETURN_IF_ERROR(txn.DeleteSecret(taken->id));  // stale replica: rebuild it
    taken.reset();
  }
  if (taken) {
    if (!force || taken->replica_of || !taken->replicas.empty())
      return Failed(
          spec, "Replication failed: Secret name already exists in Region " + spec.region + ".");
    COFFER_RETURN_IF_ERROR(txn.DeleteSecret(taken->id));
  }
  if (!spec.kms_key_id.empty()) {
    auto key = svc.keyring().ResolveKey(txn, ctx.account_id, spec.region, spec.kms_key_id);
    if (!key.ok()) {
      if (key.status().code() == StatusCode::kInternal) return key.status();
      return Failed(spec, "Replication failed: " + key.status().message());
    }
  }
  storage::SecretRecord replica = primary;
  replica.id = 0;
  replica.region = spec.region;
  replica.arn =
      internal::SecretArn(spec.region, ctx.account_id, primary.name, ArnSuffix(primary.arn));
  replica.kms_key_id = spec.kms_key_id;
  replica.replica_of = primary.id;
  replica.replicas.clear();
  replica.primary_region = primary.region;
  replica.last_accessed_ms.reset();
  COFFER_ASSIGN_OR_RETURN(int64_t id, txn.InsertSecret(replica));
  (void)id;
  storage::ReplicaRecord rec;
  rec.region = spec.region;
  rec.kms_key_id = spec.kms_key_id;
  rec.status = "InSync";
  rec.status_message = "Replication succeeded";
  return rec;
}

}  // namespace

std::string_view ArnSuffix(std::string_view arn) {
  return arn.size() > kSuffixLength ? arn.substr(arn.size() - kSuffixLength) : arn;
}

Result<std::vector<ReplicaSpec>> ReadAddReplicaRegions(const JsonValue& in,
                                                       std::string_view own_region) {
  std::vector<ReplicaSpec> out;
  const JsonValue* list = JsonMember(in, "AddReplicaRegions");
  if (list == nullptr || !list->IsArray()) return out;
  for (const JsonValue& e : list->GetArray()) {
    if (!e.IsObject()) continue;
    ReplicaSpec spec;
    spec.region = std::string(JsonString(e, "Region").value_or(""));
    spec.kms_key_id = std::string(JsonString(e, "KmsKeyId").value_or(""));
    bool dup = std::any_of(out.begin(), out.end(),
                           [&](const ReplicaSpec& o) { return o.region == spec.region; });
    if (spec.region.empty() || spec.region == own_region || dup)
      return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                     std::string(msg::kInvalidReplicaRegion));
    out.push_back(std::move(spec));
  }
  return out;
}

Result<std::vector<storage::ReplicaRecord>> ReplicateSecret(Service& svc, storage::Txn& txn,
                                                            const RequestContext& ctx,
                                                            storage::SecretRecord& primary,
                                                            const std::vector<ReplicaSpec>& specs,
                                                            bool force_overwrite) {
  std::vector<storage::ReplicaRecord> result;
  for (const ReplicaSpec& spec : specs) {
    auto existing = std::find_if(primary.replicas.begin(), primary.replicas.end(),
                                 [&](const auto& r) { return r.region == spec.region; });
    if (existing != primary.replicas.end() && existing->status == "InSync") {
      result.push_back(*existing);
      continue;
    }
    COFFER_ASSIGN_OR_RETURN(storage::ReplicaRecord rec,
                            CreateOne(svc, txn, ctx, primary, spec, force_overwrite));
    if (existing != primary.replicas.end()) {
      *existing = rec;
    } else {
      primary.replicas.push_back(rec);
    }
    result.push_back(std::move(rec));
  }
  COFFER_RETURN_IF_ERROR(txn.UpdateSecret(primary));
  return result;
}

Status RemoveReplica(storage::Txn& txn, storage::SecretRecord& primary, std::string_view region) {
  COFFER_ASSIGN_OR_RETURN(auto replica,
                          txn.GetSecretByName(primary.account_id, region, primary.name));
  if (replica && replica->replica_of == primary.id)
    COFFER_RETURN_IF_ERROR(txn.DeleteSecret(replica->id));
  std::erase_if(primary.replicas, [&](const auto& r) { return r.region == region; });
  return Status::Ok();
}

}  // namespace coffer::secrets::replication
