// Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
// RotateKeyOnDemand, ListKeyRotations.
//
// A rotation adds a key material version (crypto::Keyring::RotateKeyMaterial);
// new ciphertext uses it, and ciphertext made under older versions still
// decrypts because every blob names its version. Automatic rotation: while
// enabled, a key's next_rotation_ms is when the next one is due (one period
// after enabling, then after each automatic rotation); Service::RotateDue,
// run by the background purger, performs it. On-demand rotations do not move
// the automatic schedule, as AWS.

#include <cstdio>

#include "kms/internal.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int32_t kMaxOnDemandRotations = 10;  // [docs] per KMS key

Result<storage::KmsKeyRecord> KeyForRotation(Service& svc, storage::Txn& txn,
                                             const RequestContext& ctx, const JsonValue& in,
                                             std::string_view action) {
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          ResolveKeyIdOrArn(svc, txn, ctx, JsonString(in, "KeyId").value_or("")));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, action));
  COFFER_RETURN_IF_ERROR(RequireEnabled(key));
  return key;
}

std::string VersionKey(int32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010d", v);
  return buf;
}

}  // namespace

Status EnableKeyRotation(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForRotation(svc, *txn, ctx, in, "EnableKeyRotation"));
  const int64_t period = JsonInt(in, "RotationPeriodInDays").value_or(365);  // 90..2560 [model]
  if (!key.rotation_enabled || !key.next_rotation_ms || period != key.rotation_period_days) {
    key.next_rotation_ms = ctx.now_ms + period * kDayMs;
  }
  key.rotation_enabled = true;
  key.rotation_period_days = period;
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

Status DisableKeyRotation(Service& svc, const RequestContext& ctx, const JsonValue& in,
                          JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForRotation(svc, *txn, ctx, in, "DisableKeyRotation"));
  key.rotation_enabled = false;
  key.next_rotation_ms.reset();
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

Status GetKeyRotationStatus(Service& svc, const RequestContext& ctx, const JsonValue& in,
                            JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveRequestKey(svc, *txn, ctx, in));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, "GetKeyRotationStatus"));
  WriteBool(out, "KeyRotationEnabled", key.rotation_enabled);
  WriteString(out, "KeyId", key.arn);
  if (key.rotation_enabled) {
    WriteInt(out, "RotationPeriodInDays", key.rotation_period_days);
    if (key.next_rotation_ms) WriteTimestamp(out, "NextRotationDate", *key.next_rotation_ms);
  }
  return Status::Ok();
}

Status RotateKeyOnDemand(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForRotation(svc, *txn, ctx, in, "RotateKeyOnDemand"));
  int32_t on_demand = 0;
  for (int32_t v = 2; v <= key.current_material; ++v) {
    COFFER_ASSIGN_OR_RETURN(auto m, txn->GetKmsKeyMaterial(key.key_id, v));
    if (m && m->rotation_type != "AUTOMATIC") ++on_demand;
  }
  if (on_demand >= kMaxOnDemandRotations) {
    return Status::ResourceExhausted(std::string(msg::kLimitExceeded),
                                     std::string(msg::kTooManyOnDemandRotations));
  }
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord rotated,
                          svc.keyring().RotateKeyMaterial(*txn, key.key_id));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "KeyId", rotated.key_id);
  return Status::Ok();
}

Status ListKeyRotations(Service& svc, const RequestContext& ctx, const JsonValue& in,
                        JsonWriter& out) {
  const bool all =
      JsonString(in, "IncludeKeyMaterial").value_or("ROTATIONS_ONLY") == "ALL_KEY_MATERIAL";
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveRequestKey(svc, *txn, ctx, in));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, "ListKeyRotations"));
  std::vector<storage::KmsKeyMaterialRecord> materials;
  for (int32_t v = all ? 1 : 2; v <= key.current_material; ++v) {
    COFFER_ASSIGN_OR_RETURN(auto m, txn->GetKmsKeyMaterial(key.key_id, v));
    if (m) materials.push_back(std::move(*m));
  }
  COFFER_ASSIGN_OR_RETURN(
      Page page,
      Paginate(
          in, materials.size(), [&](size_t i) { return VersionKey(materials[i].version); }, 100));
  WriteKey(out, "Rotations");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    const storage::KmsKeyMaterialRecord& m = materials[i];
    out.StartObject();
    WriteString(out, "KeyId", key.key_id);
    if (all) {
      WriteString(out, "KeyMaterialId", KeyMaterialId(key, m.version));
      WriteString(out, "KeyMaterialState",
                  m.version == key.current_material ? "CURRENT" : "NON_CURRENT");
    }
    if (m.version > 1) {
      WriteTimestamp(out, "RotationDate", m.created_ms);
      WriteString(out, "RotationType", m.rotation_type == "AUTOMATIC" ? "AUTOMATIC" : "ON_DEMAND");
    }
    out.EndObject();
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

}  // namespace coffer::kms::internal
