// IAM users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser and the
// user's tags.

#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

namespace {

std::string UserArn(const RequestContext& ctx, std::string_view path, std::string_view name) {
  return EntityArn(ctx.account_id, kUser, path, name);
}

// Loads the user named by UserName, authorizing `op` on it first (the ARN
// needs the stored path, so a missing user is NoSuchEntity for anyone
// allowed on the name with path "/").
Result<User> AuthorizedUser(storage::Txn& txn, const RequestContext& ctx, std::string_view op,
                            std::string_view name) {
  auto user = LoadUser(txn, ctx.account_id, name);
  const std::string arn = user.ok() ? user->arn : UserArn(ctx, "/", name);
  COFFER_RETURN_IF_ERROR(Authorize(ctx, op, arn));
  return user;
}

}  // namespace

Status CreateUser(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name = S(JsonString(in, "UserName").value_or(""));
  User u;
  u.account_id = ctx.account_id;
  u.name = name;
  u.path = S(JsonString(in, "Path").value_or("/"));
  u.arn = UserArn(ctx, u.path, name);
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "CreateUser", u.arn));
  COFFER_RETURN_IF_ERROR(MergeTags(in, u.tags));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(auto existing, txn->GetIamEntity(ctx.account_id, kUser, name));
  if (existing) return messages::AlreadyExists("User", name);
  if (auto boundary = JsonString(in, "PermissionsBoundary")) {
    COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, *boundary, 1, true));
    u.boundary_arn = S(*boundary);
  }
  u.id = NewEntityId("AIDA");
  u.created_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(u)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKey(out, "User");
  WriteUser(out, u, true);
  return Status::Ok();
}

Status GetUser(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  std::string name;
  if (auto given = JsonString(in, "UserName")) {
    name = S(*given);
  } else {
    COFFER_ASSIGN_OR_RETURN(name, CallerUserName(ctx));
  }
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(User u, AuthorizedUser(*txn, ctx, "GetUser", name));
  WriteKey(out, "User");
  WriteUser(out, u, true);
  return Status::Ok();
}

Status ListUsers(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "ListUsers", "*"));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(std::vector<User> all, AllUsers(*txn, ctx.account_id));
  std::erase_if(all, [&](const User& u) { return !PathMatches(in, u.path); });
  std::vector<std::string> keys;
  for (const auto& u : all) keys.push_back(FoldName(u.name));
  const PageRange page = Paginate(keys, in);
  WriteKey(out, "Users");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) WriteUser(out, all[i], false);
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

Status UpdateUser(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name = S(JsonString(in, "UserName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(User u, AuthorizedUser(*txn, ctx, "UpdateUser", name));
  const User old = u;
  if (auto new_name = JsonString(in, "NewUserName")) u.name = S(*new_name);
  if (auto new_path = JsonString(in, "NewPath")) u.path = S(*new_path);
  u.arn = UserArn(ctx, u.path, u.name);
  if (u.arn == old.arn && u.name == old.name) return Status::Ok();
  if (!NameEquals(u.name, old.name)) {
    COFFER_ASSIGN_OR_RETURN(auto taken, txn->GetIamEntity(ctx.account_id, kUser, u.name));
    if (taken) return messages::AlreadyExists("User", u.name);
  }
  // The user's access keys name it by ARN, which their seal covers.
  COFFER_ASSIGN_OR_RETURN(auto keys, UserKeys(*txn, ctx.account_id, old.arn));
  if (!keys.empty() && u.arn != old.arn) {
    if (!svc.options().rebind)
      return Status::Internal("iam: no rebind callback to move access keys to a new user ARN");
    for (const auto& key : keys) {
      storage::AccessKeyRecord moved = key;
      moved.principal_arn = u.arn;
      COFFER_ASSIGN_OR_RETURN(moved, svc.options().rebind(key, std::move(moved)));
      COFFER_RETURN_IF_ERROR(txn->PutAccessKey(moved));
    }
  }
  for (const std::string& group_name : u.groups) {
    COFFER_ASSIGN_OR_RETURN(Group g, LoadGroup(*txn, ctx.account_id, group_name));
    for (auto& m : g.members)
      if (NameEquals(m, old.name)) m = u.name;
    COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(g)));
  }
  COFFER_RETURN_IF_ERROR(txn->DeleteIamEntity(ctx.account_id, kUser, old.name));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(u)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  if (svc.options().invalidate && u.arn != old.arn)
    for (const auto& key : keys) svc.options().invalidate(key.access_key_id);
  return Status::Ok();
}

Status DeleteUser(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name = S(JsonString(in, "UserName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(User u, AuthorizedUser(*txn, ctx, "DeleteUser", name));
  COFFER_ASSIGN_OR_RETURN(auto keys, UserKeys(*txn, ctx.account_id, u.arn));
  if (!keys.empty()) return messages::DeleteConflict(messages::kMustDeleteAccessKeys);
  if (!u.inline_policies.empty()) return messages::DeleteConflict(messages::kMustDeletePolicies);
  if (!u.attached.empty()) return messages::DeleteConflict(messages::kMustDetachPolicies);
  if (!u.groups.empty()) return messages::DeleteConflict(messages::kMustRemoveFromGroups);
  if (!u.boundary_arn.empty())
    COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, u.boundary_arn, -1, true));
  COFFER_RETURN_IF_ERROR(txn->DeleteIamEntity(ctx.account_id, kUser, u.name));
  return txn->Commit();
}

Status TagUser(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name = S(JsonString(in, "UserName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(User u, AuthorizedUser(*txn, ctx, "TagUser", name));
  COFFER_RETURN_IF_ERROR(MergeTags(in, u.tags));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(u)));
  return txn->Commit();
}

Status UntagUser(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name = S(JsonString(in, "UserName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(User u, AuthorizedUser(*txn, ctx, "UntagUser", name));
  RemoveTags(in, u.tags);
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(u)));
  return txn->Commit();
}

Status ListUserTags(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name = S(JsonString(in, "UserName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(User u, AuthorizedUser(*txn, ctx, "ListUserTags", name));
  const PageRange page = Paginate(IndexKeys(u.tags.size()), in);
  WriteTags(out, "Tags",
            std::vector<storage::Tag>(u.tags.begin() + page.begin, u.tags.begin() + page.end));
  WritePageEnd(out, page);
  return Status::Ok();
}

}  // namespace coffer::iam::internal
