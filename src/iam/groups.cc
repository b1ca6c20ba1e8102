// IAM groups: CreateGroup, GetGroup, ListGroups, DeleteGroup,
// AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. Membership is
// kept on both sides (the group's members, the user's groups), changed in
// one transaction.

#include <algorithm>

#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

namespace {

constexpr int kGroupsPerUser = 10;

std::string GroupName(const JsonValue& in) { return S(JsonString(in, "GroupName").value_or("")); }

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return NameEquals(n, name); });
}

}  // namespace

Status CreateGroup(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  Group g;
  g.account_id = ctx.account_id;
  g.name = GroupName(in);
  g.path = S(JsonString(in, "Path").value_or("/"));
  g.arn = EntityArn(ctx.account_id, kGroup, g.path, g.name);
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "CreateGroup", g.arn));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(auto existing, txn->GetIamEntity(ctx.account_id, kGroup, g.name));
  if (existing) return messages::AlreadyExists("Group", g.name);
  g.id = NewEntityId("AGPA");
  g.created_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(g)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKey(out, "Group");
  WriteGroup(out, g);
  return Status::Ok();
}

Status GetGroup(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(Group g, Holder<Group>(*txn, ctx, "GetGroup", in));
  std::vector<std::string> members = g.members;
  std::sort(members.begin(), members.end(),
            [](const std::string& a, const std::string& b) { return FoldName(a) < FoldName(b); });
  std::vector<std::string> keys;
  for (const auto& m : members) keys.push_back(FoldName(m));
  const PageRange page = Paginate(keys, in);
  WriteKey(out, "Group");
  WriteGroup(out, g);
  WriteKey(out, "Users");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    COFFER_ASSIGN_OR_RETURN(User u, LoadUser(*txn, ctx.account_id, members[i]));
    WriteUser(out, u, false);
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

Status ListGroups(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "ListGroups", "*"));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(std::vector<Group> all, AllGroups(*txn, ctx.account_id));
  std::erase_if(all, [&](const Group& g) { return !PathMatches(in, g.path); });
  std::vector<std::string> keys;
  for (const auto& g : all) keys.push_back(FoldName(g.name));
  const PageRange page = Paginate(keys, in);
  WriteKey(out, "Groups");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) WriteGroup(out, all[i]);
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

Status UpdateGroup(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Group g, Holder<Group>(*txn, ctx, "UpdateGroup", in));
  const Group old = g;
  if (auto new_name = JsonString(in, "NewGroupName")) g.name = S(*new_name);
  if (auto new_path = JsonString(in, "NewPath")) g.path = S(*new_path);
  g.arn = EntityArn(ctx.account_id, kGroup, g.path, g.name);
  if (g.arn == old.arn && g.name == old.name) return Status::Ok();
  if (!NameEquals(g.name, old.name)) {
    COFFER_ASSIGN_OR_RETURN(auto taken, txn->GetIamEntity(ctx.account_id, kGroup, g.name));
    if (taken) return messages::AlreadyExists("Group", g.name);
  }
  for (const std::string& member : g.members) {
    COFFER_ASSIGN_OR_RETURN(User u, LoadUser(*txn, ctx.account_id, member));
    for (auto& n : u.groups)
      if (NameEquals(n, old.name)) n = g.name;
    COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(u)));
  }
  COFFER_RETURN_IF_ERROR(txn->DeleteIamEntity(ctx.account_id, kGroup, old.name));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(g)));
  return txn->Commit();
}

Status DeleteGroup(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Group g, Holder<Group>(*txn, ctx, "DeleteGroup", in));
  if (!g.members.empty()) return messages::DeleteConflict(messages::kMustRemoveFromGroups);
  if (!g.inline_policies.empty()) return messages::DeleteConflict(messages::kMustDeletePolicies);
  if (!g.attached.empty()) return messages::DeleteConflict(messages::kMustDetachPolicies);
  COFFER_RETURN_IF_ERROR(txn->DeleteIamEntity(ctx.account_id, kGroup, g.name));
  return txn->Commit();
}

Status AddUserToGroup(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Group g, Holder<Group>(*txn, ctx, "AddUserToGroup", in));
  const std::string user_name = S(JsonString(in, "UserName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(User u, LoadUser(*txn, ctx.account_id, user_name));
  if (Contains(u.groups, g.name)) return Status::Ok();
  if (u.groups.size() >= kGroupsPerUser) return messages::Quota("GroupsPerUser", kGroupsPerUser);
  u.groups.push_back(g.name);
  g.members.push_back(u.name);
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(u)));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(g)));
  return txn->Commit();
}

Status RemoveUserFromGroup(Service& svc, const RequestContext& ctx, const JsonValue& in,
                           JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Group g, Holder<Group>(*txn, ctx, "RemoveUserFromGroup", in));
  const std::string user_name = S(JsonString(in, "UserName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(User u, LoadUser(*txn, ctx.account_id, user_name));
  if (!Contains(g.members, u.name)) return messages::NoSuchNamed(kUser, user_name);
  std::erase_if(u.groups, [&](const std::string& n) { return NameEquals(n, g.name); });
  std::erase_if(g.members, [&](const std::string& n) { return NameEquals(n, u.name); });
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(u)));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(g)));
  return txn->Commit();
}

Status ListGroupsForUser(Service& svc, const RequestContext& ctx, const JsonValue& in,
                         JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(User u, Holder<User>(*txn, ctx, "ListGroupsForUser", in));
  std::vector<Group> groups;
  for (const auto& name : u.groups) {
    COFFER_ASSIGN_OR_RETURN(Group g, LoadGroup(*txn, ctx.account_id, name));
    groups.push_back(std::move(g));
  }
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return FoldName(a.name) < FoldName(b.name); });
  std::vector<std::string> keys;
  for (const auto& g : groups) keys.push_back(FoldName(g.name));
  const PageRange page = Paginate(keys, in);
  WriteKey(out, "Groups");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) WriteGroup(out, groups[i]);
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

}  // namespace coffer::iam::internal
