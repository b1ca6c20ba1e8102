// GetSecretValue: the hot path. One read transaction resolves the secret,
// finds the version and decrypts it; LastAccessedDate (day resolution) is
// then written in a short write transaction only when the stored day differs,
// so repeated reads on the same day never take the write lock.

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

Result<storage::Row<storage::VersionRecord>> FindVersion(storage::Txn& txn, int64_t secret_id,
                                                         std::optional<std::string_view> version_id,
                                                         std::optional<std::string_view> stage) {
  if (version_id) {
    COFFER_ASSIGN_OR_RETURN(auto v, txn.GetVersion(secret_id, *version_id));
    if (!v)
      return Status::NotFound(
          std::string(msg::kResourceNotFound),
          std::string(msg::kValueNotFoundForVersion) + std::string(*version_id));
    if (stage && std::find(v->stages.begin(), v->stages.end(), *stage) == v->stages.end())
      return Status::InvalidArgument(std::string(msg::kInvalidRequest),
                                     std::string(msg::kStageNotOnVersion));
    return v;
  }
  std::string_view label = stage.value_or(kAwsCurrent);
  COFFER_ASSIGN_OR_RETURN(auto v, txn.GetVersionByStage(secret_id, label));
  if (!v || !v->has_value)
    return Status::NotFound(std::string(msg::kResourceNotFound),
                            std::string(msg::kValueNotFoundForStage) + std::string(label));
  return v;
}

}  // namespace

Status GetSecretValue(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  int64_t secret_row = 0;
  std::string version_id;
  bool touch = false;
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kReadCached));
    ContextKeys keys;
    if (auto id = JsonString(in, "VersionId"))
      keys.Set("secretsmanager:VersionId", std::string(*id));
    if (auto stage = JsonString(in, "VersionStage"))
      keys.Set("secretsmanager:VersionStage", std::string(*stage));
    COFFER_ASSIGN_OR_RETURN(
        storage::Row<storage::SecretRecord> found,
        ResolveAuthorizedRow(svc, *txn, ctx, secret_id, SmAction("GetSecretValue"), &keys));
    const storage::SecretRecord& s = *found;
    COFFER_RETURN_IF_ERROR(RequireNotDeleted(s));
    storage::Row<storage::SecretRecord> primary;
    COFFER_ASSIGN_OR_RETURN(const storage::SecretRecord* owner, ValueOwner(*txn, s, primary));
    COFFER_ASSIGN_OR_RETURN(
        storage::Row<storage::VersionRecord> version,
        FindVersion(*txn, owner->id, JsonString(in, "VersionId"), JsonString(in, "VersionStage")));
    const storage::VersionRecord& v = *version;
    COFFER_RETURN_IF_ERROR(WriteSecretValue(svc, *txn, ctx, s, v, out));
    const int64_t today = DayStart(ctx.now_ms);
    touch = s.last_accessed_ms != today || v.last_accessed_ms != today;
    secret_row = s.id;
    version_id = v.version_id;
  }  // the read transaction ends here
  if (touch) {
    // Best effort: the value has been read; a failed timestamp update must
    // not turn a successful read into an error.
    auto txn = svc.store().Begin(storage::TxnMode::kWrite);
    if (txn.ok() && (*txn)->TouchAccessed(secret_row, version_id, DayStart(ctx.now_ms)).ok())
      (void)(*txn)->Commit();
  }
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
