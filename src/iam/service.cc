// iam::Service: dispatch of the IAM operations.

#include "iam/service.h"

#include "common/op_table.h"
#include "iam/internal.h"

namespace coffer::iam {

namespace {

// Sorted by name for binary search.
constexpr OpTable<internal::OpFn, 72> kOps({{
    {"AddUserToGroup", &internal::AddUserToGroup},
    {"AttachGroupPolicy", &internal::AttachGroupPolicy},
    {"AttachRolePolicy", &internal::AttachRolePolicy},
    {"AttachUserPolicy", &internal::AttachUserPolicy},
    {"CreateAccessKey", &internal::CreateAccessKey},
    {"CreateGroup", &internal::CreateGroup},
    {"CreatePolicy", &internal::CreatePolicy},
    {"CreatePolicyVersion", &internal::CreatePolicyVersion},
    {"CreateRole", &internal::CreateRole},
    {"CreateUser", &internal::CreateUser},
    {"DeleteAccessKey", &internal::DeleteAccessKey},
    {"DeleteGroup", &internal::DeleteGroup},
    {"DeleteGroupPolicy", &internal::DeleteGroupPolicy},
    {"DeletePolicy", &internal::DeletePolicy},
    {"DeletePolicyVersion", &internal::DeletePolicyVersion},
    {"DeleteRole", &internal::DeleteRole},
    {"DeleteRolePermissionsBoundary", &internal::DeleteRolePermissionsBoundary},
    {"DeleteRolePolicy", &internal::DeleteRolePolicy},
    {"DeleteUser", &internal::DeleteUser},
    {"DeleteUserPermissionsBoundary", &internal::DeleteUserPermissionsBoundary},
    {"DeleteUserPolicy", &internal::DeleteUserPolicy},
    {"DetachGroupPolicy", &internal::DetachGroupPolicy},
    {"DetachRolePolicy", &internal::DetachRolePolicy},
    {"DetachUserPolicy", &internal::DetachUserPolicy},
    {"GetAccessKeyLastUsed", &internal::GetAccessKeyLastUsed},
    {"GetGroup", &internal::GetGroup},
    {"GetGroupPolicy", &internal::GetGroupPolicy},
    {"GetPolicy", &internal::GetPolicy},
    {"GetPolicyVersion", &internal::GetPolicyVersion},
    {"GetRole", &internal::GetRole},
    {"GetRolePolicy", &internal::GetRolePolicy},
    {"GetUser", &internal::GetUser},
    {"GetUserPolicy", &internal::GetUserPolicy},
    {"ListAccessKeys", &internal::ListAccessKeys},
    {"ListAttachedGroupPolicies", &internal::ListAttachedGroupPolicies},
    {"ListAttachedRolePolicies", &internal::ListAttachedRolePolicies},
    {"ListAttachedUserPolicies", &internal::ListAttachedUserPolicies},
    {"ListEntitiesForPolicy", &internal::ListEntitiesForPolicy},
    {"ListGroupPolicies", &internal::ListGroupPolicies},
    {"ListGroups", &internal::ListGroups},
    {"ListGroupsForUser", &internal::ListGroupsForUser},
    {"ListInstanceProfilesForRole", &internal::ListInstanceProfilesForRole},
    {"ListPolicies", &internal::ListPolicies},
    {"ListPolicyTags", &internal::ListPolicyTags},
    {"ListPolicyVersions", &internal::ListPolicyVersions},
    {"ListRolePolicies", &internal::ListRolePolicies},
    {"ListRoleTags", &internal::ListRoleTags},
    {"ListRoles", &internal::ListRoles},
    {"ListUserPolicies", &internal::ListUserPolicies},
    {"ListUserTags", &internal::ListUserTags},
    {"ListUsers", &internal::ListUsers},
    {"PutGroupPolicy", &internal::PutGroupPolicy},
    {"PutRolePermissionsBoundary", &internal::PutRolePermissionsBoundary},
    {"PutRolePolicy", &internal::PutRolePolicy},
    {"PutUserPermissionsBoundary", &internal::PutUserPermissionsBoundary},
    {"PutUserPolicy", &internal::PutUserPolicy},
    {"RemoveUserFromGroup", &internal::RemoveUserFromGroup},
    {"SetDefaultPolicyVersion", &internal::SetDefaultPolicyVersion},
    {"SimulateCustomPolicy", &internal::SimulateCustomPolicy},
    {"SimulatePrincipalPolicy", &internal::SimulatePrincipalPolicy},
    {"TagPolicy", &internal::TagPolicy},
    {"TagRole", &internal::TagRole},
    {"TagUser", &internal::TagUser},
    {"UntagPolicy", &internal::UntagPolicy},
    {"UntagRole", &internal::UntagRole},
    {"UntagUser", &internal::UntagUser},
    {"UpdateAccessKey", &internal::UpdateAccessKey},
    {"UpdateAssumeRolePolicy", &internal::UpdateAssumeRolePolicy},
    {"UpdateGroup", &internal::UpdateGroup},
    {"UpdateRole", &internal::UpdateRole},
    {"UpdateRoleDescription", &internal::UpdateRoleDescription},
    {"UpdateUser", &internal::UpdateUser},
}});

static_assert(kOps.Sorted(), "kOps must be sorted by name");

}  // namespace

Service::Service(storage::Store& store, const Clock& clock, ServiceOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Status Service::Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                       JsonWriter& out) {
  // The Query protocol's answer to an action the service does not have
  // (protocol/error_table.cc, InvalidAction).
  const auto unsupported = [](std::string_view name) {
    return Status::InvalidArgument(
        "InvalidAction",
        "Could not find operation " + std::string(name) + " for version 2010-05-08");
  };
  return DispatchJsonOp(kOps, op, unsupported, out, *this, ctx, input);
}

}  // namespace coffer::iam
