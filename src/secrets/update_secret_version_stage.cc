// UpdateSecretVersionStage: moves or removes one staging label (stages.h;
// aws-compat §1.4b traces A and B).

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

Status UpdateSecretVersionStage(Service& svc, const RequestContext& ctx, const JsonValue& in,
                                JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  std::string_view label = JsonString(in, "VersionStage").value_or("");
  std::optional<std::string_view> remove_from = JsonString(in, "RemoveFromVersionId");
  std::optional<std::string_view> move_to = JsonString(in, "MoveToVersionId");
  ContextKeys keys;
  keys.Set("secretsmanager:VersionStage", std::string(label));

  COFFER_ASSIGN_OR_RETURN(
      WritableSecret opened,
      OpenWritableSecret(svc, ctx, secret_id, SmAction("UpdateSecretVersionStage"), &keys));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::VersionRecord> loaded, txn->ListVersions(s.id));
  VersionSet set(std::move(loaded));
  for (auto id : {remove_from, move_to}) {
    if (id && !set.Find(*id))
      return Status::NotFound(std::string(msg::kResourceNotFound),
                              std::string(msg::kValueNotFoundForVersion) + std::string(*id));
  }
  COFFER_RETURN_IF_ERROR(set.MoveLabel(label, remove_from, move_to));
  COFFER_RETURN_IF_ERROR(set.Save(*txn));
  s.last_changed_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
