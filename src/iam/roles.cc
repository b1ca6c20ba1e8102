// IAM roles: CreateRole, GetRole, ListRoles, UpdateRole,
// UpdateRoleDescription, UpdateAssumeRolePolicy, DeleteRole and the role's
// tags.

#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

namespace {

Result<Role> AuthorizedRole(storage::Txn& txn, const RequestContext& ctx, std::string_view op,
                            std::string_view name) {
  auto role = LoadRole(txn, ctx.account_id, name);
  COFFER_RETURN_IF_ERROR(
      Authorize(ctx, op, role.ok() ? role->arn : EntityArn(ctx.account_id, kRole, "/", name)));
  return role;
}

std::string RoleName(const JsonValue& in) { return S(JsonString(in, "RoleName").value_or("")); }

}  // namespace

Status CreateRole(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  Role r;
  r.account_id = ctx.account_id;
  r.name = RoleName(in);
  r.path = S(JsonString(in, "Path").value_or("/"));
  r.arn = EntityArn(ctx.account_id, kRole, r.path, r.name);
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "CreateRole", r.arn));
  r.trust_policy = S(JsonString(in, "AssumeRolePolicyDocument").value_or(""));
  COFFER_RETURN_IF_ERROR(ValidateTrustPolicy(r.trust_policy));
  if (auto d = JsonString(in, "Description")) r.description = S(*d);
  r.max_session_duration_s = JsonInt(in, "MaxSessionDuration").value_or(3600);
  COFFER_RETURN_IF_ERROR(MergeTags(in, r.tags));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(auto existing, txn->GetIamEntity(ctx.account_id, kRole, r.name));
  if (existing) return messages::AlreadyExists("Role", r.name);
  if (auto boundary = JsonString(in, "PermissionsBoundary")) {
    COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, *boundary, 1, true));
    r.boundary_arn = S(*boundary);
  }
  r.id = NewEntityId("AROA");
  r.created_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(r)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKey(out, "Role");
  WriteRole(out, r, true);
  return Status::Ok();
}

Status GetRole(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(Role r, AuthorizedRole(*txn, ctx, "GetRole", RoleName(in)));
  WriteKey(out, "Role");
  WriteRole(out, r, true, true);
  return Status::Ok();
}

Status ListRoles(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "ListRoles", "*"));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(std::vector<Role> all, AllRoles(*txn, ctx.account_id));
  std::erase_if(all, [&](const Role& r) { return !PathMatches(in, r.path); });
  std::vector<std::string> keys;
  for (const auto& r : all) keys.push_back(FoldName(r.name));
  const PageRange page = Paginate(keys, in);
  WriteKey(out, "Roles");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) WriteRole(out, all[i], false);
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

Status UpdateRole(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Role r, AuthorizedRole(*txn, ctx, "UpdateRole", RoleName(in)));
  if (auto d = JsonString(in, "Description")) r.description = S(*d);
  if (auto m = JsonInt(in, "MaxSessionDuration")) r.max_session_duration_s = *m;
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(r)));
  return txn->Commit();
}

Status UpdateRoleDescription(Service& svc, const RequestContext& ctx, const JsonValue& in,
                             JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Role r, AuthorizedRole(*txn, ctx, "UpdateRoleDescription", RoleName(in)));
  r.description = S(JsonString(in, "Description").value_or(""));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(r)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKey(out, "Role");
  WriteRole(out, r, true);
  return Status::Ok();
}

Status UpdateAssumeRolePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                              JsonWriter& out) {
  const std::string doc = S(JsonString(in, "PolicyDocument").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Role r,
                          AuthorizedRole(*txn, ctx, "UpdateAssumeRolePolicy", RoleName(in)));
  COFFER_RETURN_IF_ERROR(ValidateTrustPolicy(doc));
  r.trust_policy = doc;
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(r)));
  return txn->Commit();
}

Status DeleteRole(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Role r, AuthorizedRole(*txn, ctx, "DeleteRole", RoleName(in)));
  if (!r.inline_policies.empty()) return messages::DeleteConflict(messages::kMustDeletePolicies);
  if (!r.attached.empty()) return messages::DeleteConflict(messages::kMustDetachPolicies);
  if (!r.boundary_arn.empty())
    COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, r.boundary_arn, -1, true));
  COFFER_RETURN_IF_ERROR(txn->DeleteIamEntity(ctx.account_id, kRole, r.name));
  return txn->Commit();
}

Status TagRole(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Role r, AuthorizedRole(*txn, ctx, "TagRole", RoleName(in)));
  COFFER_RETURN_IF_ERROR(MergeTags(in, r.tags));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(r)));
  return txn->Commit();
}

Status UntagRole(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(Role r, AuthorizedRole(*txn, ctx, "UntagRole", RoleName(in)));
  RemoveTags(in, r.tags);
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(r)));
  return txn->Commit();
}

Status ListRoleTags(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(Role r, AuthorizedRole(*txn, ctx, "ListRoleTags", RoleName(in)));
  const PageRange page = Paginate(IndexKeys(r.tags.size()), in);
  WriteTags(out, "Tags",
            std::vector<storage::Tag>(r.tags.begin() + page.begin, r.tags.begin() + page.end));
  WritePageEnd(out, page);
  return Status::Ok();
}

// Coffer has no instance profiles: the role's list is always empty (what
// tools that delete a role ask first).
Status ListInstanceProfilesForRole(Service& svc, const RequestContext& ctx, const JsonValue& in,
                                   JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(Role r,
                          AuthorizedRole(*txn, ctx, "ListInstanceProfilesForRole", RoleName(in)));
  WriteKey(out, "InstanceProfiles");
  out.StartArray();
  out.EndArray();
  WriteBool(out, "IsTruncated", false);
  return Status::Ok();
}

}  // namespace coffer::iam::internal
