// Key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription.
//
// States: Enabled <-> Disabled; either -> PendingDeletion (7-30 days) ->
// Disabled on cancel, or destroyed by Service::PurgeExpired when the window
// ends. The AWS managed key refuses every change (its fixed policy;
// authorization.h).

#include <algorithm>

#include "kms/internal.h"
#include "kms/key_policy_document.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

}  // namespace

Status CreateKey(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string key_spec(
      JsonString(in, "KeySpec")
          .value_or(JsonString(in, "CustomerMasterKeySpec").value_or("SYMMETRIC_DEFAULT")));
  const std::string key_usage(JsonString(in, "KeyUsage").value_or("ENCRYPT_DECRYPT"));
  const std::string origin(JsonString(in, "Origin").value_or("AWS_KMS"));
  if (key_spec != "SYMMETRIC_DEFAULT") return Unsupported("KeySpec " + key_spec);
  if (key_usage != "ENCRYPT_DECRYPT") return Unsupported("KeyUsage " + key_usage);
  if (origin != "AWS_KMS") return Unsupported("Origin " + origin);
  if (JsonBool(in, "MultiRegion").value_or(false)) return Unsupported("multi-Region keys");
  if (JsonString(in, "CustomKeyStoreId")) return Unsupported("custom key stores");
  if (JsonString(in, "XksKeyId")) return Unsupported("external key stores");
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::Tag> tags, ReadKmsTags(in));
  {
    ContextKeys keys;
    AddRequestTags(keys, tags);
    COFFER_RETURN_IF_ERROR(AuthorizeWithoutKey(ctx, "CreateKey", "*", &keys));
    // Tags on a new key also need kms:TagResource [docs: API_CreateKey].
    if (!tags.empty()) COFFER_RETURN_IF_ERROR(AuthorizeWithoutKey(ctx, "TagResource", "*", &keys));
  }

  storage::KmsKeyRecord key;
  key.account_id = ctx.account_id;
  key.region = ctx.region;
  key.description = std::string(JsonString(in, "Description").value_or(""));
  key.key_manager = "CUSTOMER";
  key.key_state = "Enabled";
  key.created_ms = ctx.now_ms;
  key.tags = std::move(tags);
  if (std::optional<std::string_view> policy = JsonString(in, "Policy")) {
    COFFER_RETURN_IF_ERROR(ValidateKeyPolicy(*policy));
    key.policy = std::string(*policy);
  } else {
    key.policy = DefaultKeyPolicy(ctx.account_id);
  }
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord created, svc.keyring().CreateKey(*txn, key));
  // A Policy of the request is checked on the key as created, before it is
  // committed (the default policy is exempt: it always delegates to the account).
  if (JsonString(in, "Policy"))
    COFFER_RETURN_IF_ERROR(CheckPolicyLockout(svc, ctx, in, created, created.policy));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKeyMetadata(out, created);
  return Status::Ok();
}

Status DescribeKey(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string_view spec = JsonString(in, "KeyId").value_or("");
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(ModeFor(spec)));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveAnyKey(svc, *txn, ctx, spec));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, "DescribeKey"));
  if (NamesDefaultAlias(spec)) COFFER_RETURN_IF_ERROR(txn->Commit());  // created on first use
  WriteKeyMetadata(out, key);
  return Status::Ok();
}

Status ListKeys(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(AuthorizeWithoutKey(ctx, "ListKeys"));
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::KmsKeyRecord> keys,
                          txn->ListKmsKeys(ctx.account_id, ctx.region));  // by key id
  COFFER_ASSIGN_OR_RETURN(Page page,
                          Paginate(
                              in, keys.size(), [&](size_t i) { return keys[i].key_id; }, 100));
  WriteKey(out, "Keys");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    out.StartObject();
    WriteString(out, "KeyId", keys[i].key_id);
    WriteString(out, "KeyArn", keys[i].arn);
    out.EndObject();
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

namespace {

// Loads the key named by KeyId (id or ARN) for a state change by `action`.
Result<storage::KmsKeyRecord> KeyForChange(Service& svc, storage::Txn& txn,
                                           const RequestContext& ctx, const JsonValue& in,
                                           std::string_view action) {
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          ResolveKeyIdOrArn(svc, txn, ctx, JsonString(in, "KeyId").value_or("")));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, action));
  return key;
}

}  // namespace

Status EnableKey(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, KeyForChange(svc, *txn, ctx, in, "EnableKey"));
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  if (key.key_state == "Enabled") return Status::Ok();
  key.key_state = "Enabled";
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

Status DisableKey(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForChange(svc, *txn, ctx, in, "DisableKey"));
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  if (key.key_state == "Disabled") return Status::Ok();
  key.key_state = "Disabled";
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

Status ScheduleKeyDeletion(Service& svc, const RequestContext& ctx, const JsonValue& in,
                           JsonWriter& out) {
  const int64_t days = JsonInt(in, "PendingWindowInDays").value_or(30);
  if (days < 7 || days > 30) {
    // [guess] AWS's constraint wording for the 7-30 day window.
    return Status::InvalidArgument(
        std::string(msg::kValidation),
        "1 validation error detected: Value '" + std::to_string(days) +
            "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value " +
            (days < 7 ? "greater than or equal to 7" : "less than or equal to 30"));
  }
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForChange(svc, *txn, ctx, in, "ScheduleKeyDeletion"));
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  key.key_state = "PendingDeletion";
  key.deletion_ms = ctx.now_ms + days * kDayMs;
  key.pending_window_days = days;
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "KeyId", key.arn);
  WriteTimestamp(out, "DeletionDate", *key.deletion_ms);
  WriteString(out, "KeyState", key.key_state);
  WriteInt(out, "PendingWindowInDays", days);
  return Status::Ok();
}

Status CancelKeyDeletion(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForChange(svc, *txn, ctx, in, "CancelKeyDeletion"));
  if (key.key_state != "PendingDeletion") {
    return Status::FailedPrecondition(std::string(msg::kInvalidState),
                                      key.arn + std::string(msg::kNotPendingDeletionSuffix));
  }
  key.key_state = "Disabled";  // as AWS: a cancelled key comes back disabled [docs]
  key.deletion_ms.reset();
  key.pending_window_days.reset();
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "KeyId", key.arn);
  return Status::Ok();
}

Status UpdateKeyDescription(Service& svc, const RequestContext& ctx, const JsonValue& in,
                            JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForChange(svc, *txn, ctx, in, "UpdateKeyDescription"));
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  key.description = std::string(JsonString(in, "Description").value_or(""));
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

}  // namespace coffer::kms::internal
