// Writing a secret's metadata and values into responses (rendering.h).

#include "secrets/rendering.h"

#include <algorithm>

#include "secrets/authorization.h"
#include "secrets/key_failure.h"
#include "secrets/messages.h"
#include "secrets/resolution.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

// A version's labels in name order. Engines return them sorted (records.h);
// a copy is sorted only if they are not.
void WriteStages(JsonWriter& w, std::string_view key, const std::vector<std::string>& stages) {
  if (std::is_sorted(stages.begin(), stages.end())) {
    WriteStringArray(w, key, stages);
    return;
  }
  std::vector<std::string> sorted = stages;
  std::sort(sorted.begin(), sorted.end());
  WriteStringArray(w, key, sorted);
}

}  // namespace

bool IsReplicationInvolved(const storage::SecretRecord& s) {
  return !s.primary_region.empty() && (s.replica_of.has_value() || !s.replicas.empty());
}

void WriteReplicationStatus(JsonWriter& w, const std::vector<storage::ReplicaRecord>& replicas) {
  WriteKey(w, "ReplicationStatus");
  w.StartArray();
  for (const auto& r : replicas) {
    w.StartObject();
    WriteString(w, "Region", r.region);
    WriteString(w, "KmsKeyId",
                r.kms_key_id.empty() ? crypto::kDefaultSecretsKeyAlias : r.kms_key_id);
    WriteString(w, "Status", r.status);
    if (!r.status_message.empty()) WriteString(w, "StatusMessage", r.status_message);
    if (r.last_accessed_ms) WriteTimestamp(w, "LastAccessedDate", *r.last_accessed_ms);
    w.EndObject();
  }
  w.EndArray();
}

void WriteSecretMetadata(JsonWriter& w, const storage::SecretRecord& s,
                         std::span<const storage::VersionRecord> versions, bool list_entry) {
  // Member order follows the model (DescribeSecretResponse / SecretListEntry).
  WriteString(w, "ARN", s.arn);
  WriteString(w, "Name", s.name);
  if (s.type) WriteString(w, "Type", *s.type);
  // An empty Description is stored as given but not shown: AWS omits the
  // member (CreateSecret or UpdateSecret with Description="").
  if (s.description && !s.description->empty()) WriteString(w, "Description", *s.description);
  if (!s.kms_key_id.empty()) WriteString(w, "KmsKeyId", s.kms_key_id);
  if (s.rotation_configured) {
    WriteBool(w, "RotationEnabled", s.rotation_enabled);
    if (s.rotation_lambda_arn) WriteString(w, "RotationLambdaARN", *s.rotation_lambda_arn);
    if (s.rotation_rules_json) {
      WriteKey(w, "RotationRules");
      w.RawValue(s.rotation_rules_json->data(), s.rotation_rules_json->size(),
                 rapidjson::kObjectType);
    }
  }
  if (s.external_rotation_metadata_json) {
    WriteKey(w, "ExternalSecretRotationMetadata");
    w.RawValue(s.external_rotation_metadata_json->data(), s.external_rotation_metadata_json->size(),
               rapidjson::kArrayType);
  }
  if (s.external_rotation_role_arn)
    WriteString(w, "ExternalSecretRotationRoleArn", *s.external_rotation_role_arn);
  if (s.rotation_configured && s.last_rotated_ms)
    WriteTimestamp(w, "LastRotatedDate", *s.last_rotated_ms);
  WriteTimestamp(w, "LastChangedDate", s.last_changed_ms);
  if (s.last_accessed_ms) WriteTimestamp(w, "LastAccessedDate", DayStart(*s.last_accessed_ms));
  if (s.deleted_ms) WriteTimestamp(w, "DeletedDate", *s.deleted_ms);
  if (s.rotation_configured && s.rotation_enabled && s.next_rotation_ms)
    WriteTimestamp(w, "NextRotationDate", *s.next_rotation_ms);
  if (s.tags_set) {
    WriteKey(w, "Tags");
    w.StartArray();
    for (const auto& t : s.tags) {
      w.StartObject();
      WriteString(w, "Key", t.key);
      WriteString(w, "Value", t.value);
      w.EndObject();
    }
    w.EndArray();
  }
  bool any_labeled = std::any_of(versions.begin(), versions.end(),
                                 [](const storage::VersionRecord& v) { return !v.stages.empty(); });
  if (any_labeled) {
    WriteKey(w, list_entry ? "SecretVersionsToStages" : "VersionIdsToStages");
    w.StartObject();
    for (const auto& v : versions) {
      if (v.stages.empty()) continue;  // deprecated versions are hidden
      WriteStages(w, v.version_id, v.stages);
    }
    w.EndObject();
  }
  if (s.owning_service) WriteString(w, "OwningService", *s.owning_service);
  WriteTimestamp(w, "CreatedDate", s.created_ms);
  // PrimaryRegion only where replication is involved: a primary with
  // replicas (it has ReplicationStatus) or a replica. AWS omits it for a
  // secret that is neither (responses recorded 2024-2026, issue 18).
  if (IsReplicationInvolved(s)) WriteString(w, "PrimaryRegion", s.primary_region);
  if (!list_entry && !s.replicas.empty()) WriteReplicationStatus(w, s.replicas);
}

Status WriteSecretValue(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                        const storage::SecretRecord& s, const storage::VersionRecord& v,
                        JsonWriter& w) {
  if (!v.has_value)
    return Status::NotFound(std::string(msg::kResourceNotFound),
                            std::string(msg::kValueNotFoundForVersion) + v.version_id);
  // A replica shares its primary's versions, sealed under the primary's ARN.
  storage::Row<storage::SecretRecord> primary;
  COFFER_ASSIGN_OR_RETURN(const storage::SecretRecord* owner, ValueOwner(txn, s, primary));
  COFFER_RETURN_IF_ERROR(AuthorizeVersionKey(svc, txn, ctx, v, "kms:Decrypt", owner->arn));
  auto plain = svc.keyring().OpenValue(txn, v.sealed_value, VersionContext(*owner, v.version_id));
  if (!plain.ok()) {
    std::string key_arn = v.kms_key_arn;
    if (key_arn.empty()) {
      auto named = crypto::Keyring::EnvelopeKeyArn(v.sealed_value);
      if (named.ok()) key_arn = *named;
    }
    return KeyFailure(plain.status(), key_arn, /*encrypt=*/false);
  }
  WriteString(w, "ARN", s.arn);
  WriteString(w, "Name", s.name);
  WriteString(w, "VersionId", v.version_id);
  if (v.is_binary) {
    WriteBlob(w, "SecretBinary", plain->view());
  } else {
    WriteString(w, "SecretString", plain->view());
  }
  WriteStages(w, "VersionStages", v.stages);
  WriteTimestamp(w, "CreatedDate", v.created_ms);
  return Status::Ok();
}

int64_t DayStart(int64_t ms) {
  int64_t rem = ms % kDayMs;
  if (rem < 0) rem += kDayMs;
  return ms - rem;
}

}  // namespace coffer::secrets::internal
