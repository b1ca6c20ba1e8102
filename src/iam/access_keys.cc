// An IAM user's access keys: CreateAccessKey, ListAccessKeys,
// UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed. Keys are rows of
// the access_keys table whose principal is the user's ARN; the server mints
// and seals them (ServiceOptions).

#include <algorithm>

#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

namespace {

constexpr int kKeysPerUser = 2;

// The user a request names (UserName, else the caller), authorized for `op`.
Result<User> KeyOwner(storage::Txn& txn, const RequestContext& ctx, std::string_view op,
                      const JsonValue& in) {
  std::string name;
  if (auto given = JsonString(in, "UserName")) {
    name = S(*given);
  } else {
    COFFER_ASSIGN_OR_RETURN(name, CallerUserName(ctx));
  }
  auto user = LoadUser(txn, ctx.account_id, name);
  COFFER_RETURN_IF_ERROR(
      Authorize(ctx, op, user.ok() ? user->arn : EntityArn(ctx.account_id, kUser, "/", name)));
  return user;
}

// The key AccessKeyId of `owner`; NoSuchAccessKey when it is another's.
Result<storage::AccessKeyRecord> OwnedKey(storage::Txn& txn, const User& owner,
                                          const JsonValue& in) {
  const std::string id = S(JsonString(in, "AccessKeyId").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto key, txn.GetAccessKey(id));
  if (!key || key->account_id != owner.account_id || key->principal_arn != owner.arn)
    return messages::NoSuchAccessKey(id);
  return *key;
}

}  // namespace

Result<std::vector<storage::AccessKeyRecord>> UserKeys(storage::Txn& txn, std::string_view account,
                                                       std::string_view user_arn) {
  COFFER_ASSIGN_OR_RETURN(auto all, txn.ListAccessKeys(account));
  std::erase_if(all,
                [&](const storage::AccessKeyRecord& k) { return k.principal_arn != user_arn; });
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
  return all;
}

Status CreateAccessKey(Service& svc, const RequestContext& ctx, const JsonValue& in,
                       JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(User u, KeyOwner(*txn, ctx, "CreateAccessKey", in));
  COFFER_ASSIGN_OR_RETURN(auto keys, UserKeys(*txn, ctx.account_id, u.arn));
  if (keys.size() >= kKeysPerUser) return messages::Quota("AccessKeysPerUser", kKeysPerUser);
  if (!svc.options().mint)
    return Status::Internal("iam: no mint callback; CreateAccessKey is not wired");
  COFFER_ASSIGN_OR_RETURN(MintedKey minted, svc.options().mint(ctx.account_id, u.arn, ctx.now_ms));
  COFFER_RETURN_IF_ERROR(txn->PutAccessKey(minted.record));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKey(out, "AccessKey");
  out.StartObject();
  WriteString(out, "UserName", u.name);
  WriteString(out, "AccessKeyId", minted.record.access_key_id);
  WriteString(out, "Status", minted.record.active ? "Active" : "Inactive");
  WriteString(out, "SecretAccessKey", minted.secret.view());
  WriteTimestamp(out, "CreateDate", minted.record.created_ms);
  out.EndObject();
  return Status::Ok();
}

Status ListAccessKeys(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(User u, KeyOwner(*txn, ctx, "ListAccessKeys", in));
  COFFER_ASSIGN_OR_RETURN(auto keys, UserKeys(*txn, ctx.account_id, u.arn));
  const PageRange page = Paginate(IndexKeys(keys.size()), in);
  WriteKey(out, "AccessKeyMetadata");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    out.StartObject();
    WriteString(out, "UserName", u.name);
    WriteString(out, "AccessKeyId", keys[i].access_key_id);
    WriteString(out, "Status", keys[i].active ? "Active" : "Inactive");
    WriteTimestamp(out, "CreateDate", keys[i].created_ms);
    out.EndObject();
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

Status UpdateAccessKey(Service& svc, const RequestContext& ctx, const JsonValue& in,
                       JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(User u, KeyOwner(*txn, ctx, "UpdateAccessKey", in));
  COFFER_ASSIGN_OR_RETURN(storage::AccessKeyRecord key, OwnedKey(*txn, u, in));
  const bool active = JsonString(in, "Status").value_or("Active") == "Active";
  if (key.active == active) return Status::Ok();
  if (!svc.options().rebind)
    return Status::Internal("iam: no rebind callback; UpdateAccessKey is not wired");
  storage::AccessKeyRecord updated = key;
  updated.active = active;
  COFFER_ASSIGN_OR_RETURN(updated, svc.options().rebind(key, std::move(updated)));
  COFFER_RETURN_IF_ERROR(txn->PutAccessKey(updated));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  if (svc.options().invalidate) svc.options().invalidate(key.access_key_id);
  return Status::Ok();
}

Status DeleteAccessKey(Service& svc, const RequestContext& ctx, const JsonValue& in,
                       JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(User u, KeyOwner(*txn, ctx, "DeleteAccessKey", in));
  COFFER_ASSIGN_OR_RETURN(storage::AccessKeyRecord key, OwnedKey(*txn, u, in));
  COFFER_RETURN_IF_ERROR(txn->DeleteAccessKey(key.access_key_id));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  if (svc.options().invalidate) svc.options().invalidate(key.access_key_id);
  return Status::Ok();
}

// Coffer does not record when a key was last used: the answer has the
// user and AWS's "N/A" for a key never used, without LastUsedDate.
Status GetAccessKeyLastUsed(Service& svc, const RequestContext& ctx, const JsonValue& in,
                            JsonWriter& out) {
  const std::string id = S(JsonString(in, "AccessKeyId").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(auto key, txn->GetAccessKey(id));
  if (!key || key->account_id != ctx.account_id) return messages::NoSuchAccessKey(id);
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "GetAccessKeyLastUsed", key->principal_arn));
  auto parsed = ParseIamArn(key->principal_arn);
  if (parsed && parsed->kind == kUser) WriteString(out, "UserName", parsed->name);
  WriteKey(out, "AccessKeyLastUsed");
  out.StartObject();
  WriteString(out, "ServiceName", "N/A");
  WriteString(out, "Region", "N/A");
  out.EndObject();
  return Status::Ok();
}

}  // namespace coffer::iam::internal
