// DeleteSecret: schedules deletion after a recovery window (7–30 days,
// default 30) or deletes at once with ForceDeleteWithoutRecovery
// (aws-compat §1.4 "Deletion"). Service::PurgeExpired removes secrets whose
// window has ended.

#include <algorithm>
#include <cctype>

#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int64_t kDefaultWindowDays = 30;

void WriteDeleted(JsonWriter& out, std::string_view arn, std::string_view name, int64_t when_ms) {
  WriteString(out, "ARN", arn);
  WriteString(out, "Name", name);
  WriteTimestamp(out, "DeletionDate", when_ms);
}

// Force-deleting a secret that does not exist succeeds on AWS; the answer is
// shaped from the SecretId.
void WriteForcedMissing(JsonWriter& out, const RequestContext& ctx, std::string_view secret_id) {
  if (!secret_id.starts_with("arn:")) {
    WriteDeleted(out, SecretArn(ctx.region, ctx.account_id, secret_id, NewArnSuffix()), secret_id,
                 ctx.now_ms);
    return;
  }
  std::string_view resource = secret_id.substr(secret_id.rfind(':') + 1);
  size_t dash = resource.rfind('-');
  bool full = dash != std::string_view::npos && resource.size() - dash == 7 &&
              std::all_of(resource.begin() + dash + 1, resource.end(),
                          [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  WriteDeleted(out, secret_id, full ? resource.substr(0, dash) : resource, ctx.now_ms);
}

}  // namespace

Status DeleteSecret(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  const bool force = JsonBool(in, "ForceDeleteWithoutRecovery").value_or(false);
  std::optional<int64_t> window = JsonInt(in, "RecoveryWindowInDays");
  if (force && window)
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kForceWithWindow));
  if (window && (*window < 7 || *window > 30))
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kRecoveryWindowRange));

  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  ContextKeys keys;
  if (JsonBool(in, "ForceDeleteWithoutRecovery"))  // request keys: present when given
    keys.Set("secretsmanager:ForceDeleteWithoutRecovery", force ? "true" : "false");
  if (window) keys.Set("secretsmanager:RecoveryWindowInDays", std::to_string(*window));
  auto found = ResolveAuthorized(svc, *txn, ctx, secret_id, SmAction("DeleteSecret"), &keys);
  if (!found.ok()) {
    if (force && found.status().reason() == msg::kResourceNotFound) {
      WriteForcedMissing(out, ctx, secret_id);
      return Status::Ok();
    }
    return found.take_status();
  }
  storage::SecretRecord s = *std::move(found);

  // A replica is removed through RemoveRegionsFromReplication on its primary:
  // AWS refuses DeleteSecret on it (messages.h, kReplicaReadOnly). A replica
  // whose primary is gone is deleted.
  if (s.replica_of) {
    COFFER_ASSIGN_OR_RETURN(auto primary, txn->GetSecretById(*s.replica_of));
    if (primary) return RequirePrimary(s);
    COFFER_RETURN_IF_ERROR(txn->DeleteSecret(s.id));
    COFFER_RETURN_IF_ERROR(txn->Commit());
    WriteDeleted(out, s.arn, s.name, ctx.now_ms);
    return Status::Ok();
  }
  if (!s.replicas.empty()) {
    std::string regions;
    for (const auto& r : s.replicas) regions += (regions.empty() ? "" : ", ") + r.region;
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kPrimaryHasReplicasPrefix) + s.arn +
                                       std::string(msg::kPrimaryHasReplicasMiddle) + regions +
                                       "].");
  }
  if (force) {
    COFFER_RETURN_IF_ERROR(txn->DeleteSecret(s.id));
    COFFER_RETURN_IF_ERROR(txn->Commit());
    WriteDeleted(out, s.arn, s.name, ctx.now_ms);
    return Status::Ok();
  }
  if (s.deleted_ms)
    return Status::FailedPrecondition(std::string(msg::kInvalidRequest),
                                      std::string(msg::kAlreadyDeleted));
  s.deleted_ms = ctx.now_ms;
  s.deletion_date_ms = ctx.now_ms + window.value_or(kDefaultWindowDays) * kDayMs;
  s.last_changed_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteDeleted(out, s.arn, s.name, *s.deletion_date_ms);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
