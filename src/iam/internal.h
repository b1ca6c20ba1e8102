// The operations of the iam module (one file per resource: users.cc,
// access_keys.cc, roles.cc, groups.cc, inline_policies.cc,
// managed_policies.cc, attachments.cc, simulate.cc; dispatched by
// service.cc) and the helpers they share (helpers.cc). Not for use outside
// src/iam.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "common/request_context.h"
#include "iam/entities.h"
#include "iam/messages.h"
#include "iam/service.h"
#include "storage/store.h"

namespace coffer::iam::internal {

using OpFn = Status (*)(Service&, const RequestContext&, const JsonValue&, JsonWriter&);
#define COFFER_IAM_OP(name) \
  Status name(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out);
// users.cc
COFFER_IAM_OP(CreateUser)
COFFER_IAM_OP(GetUser)
COFFER_IAM_OP(ListUsers)
COFFER_IAM_OP(UpdateUser)
COFFER_IAM_OP(DeleteUser)
COFFER_IAM_OP(TagUser)
COFFER_IAM_OP(UntagUser)
COFFER_IAM_OP(ListUserTags)
// access_keys.cc
COFFER_IAM_OP(CreateAccessKey)
COFFER_IAM_OP(ListAccessKeys)
COFFER_IAM_OP(UpdateAccessKey)
COFFER_IAM_OP(DeleteAccessKey)
COFFER_IAM_OP(GetAccessKeyLastUsed)
// roles.cc
COFFER_IAM_OP(CreateRole)
COFFER_IAM_OP(GetRole)
COFFER_IAM_OP(ListRoles)
COFFER_IAM_OP(UpdateRole)
COFFER_IAM_OP(UpdateRoleDescription)
COFFER_IAM_OP(UpdateAssumeRolePolicy)
COFFER_IAM_OP(DeleteRole)
COFFER_IAM_OP(TagRole)
COFFER_IAM_OP(UntagRole)
COFFER_IAM_OP(ListRoleTags)
COFFER_IAM_OP(ListInstanceProfilesForRole)
// inline_policies.cc
COFFER_IAM_OP(PutUserPolicy)
COFFER_IAM_OP(GetUserPolicy)
COFFER_IAM_OP(ListUserPolicies)
COFFER_IAM_OP(DeleteUserPolicy)
COFFER_IAM_OP(PutGroupPolicy)
COFFER_IAM_OP(GetGroupPolicy)
COFFER_IAM_OP(ListGroupPolicies)
COFFER_IAM_OP(DeleteGroupPolicy)
COFFER_IAM_OP(PutRolePolicy)
COFFER_IAM_OP(GetRolePolicy)
COFFER_IAM_OP(ListRolePolicies)
COFFER_IAM_OP(DeleteRolePolicy)
// managed_policies.cc
COFFER_IAM_OP(CreatePolicy)
COFFER_IAM_OP(GetPolicy)
COFFER_IAM_OP(ListPolicies)
COFFER_IAM_OP(DeletePolicy)
COFFER_IAM_OP(CreatePolicyVersion)
COFFER_IAM_OP(GetPolicyVersion)
COFFER_IAM_OP(ListPolicyVersions)
COFFER_IAM_OP(DeletePolicyVersion)
COFFER_IAM_OP(SetDefaultPolicyVersion)
COFFER_IAM_OP(ListEntitiesForPolicy)
COFFER_IAM_OP(TagPolicy)
COFFER_IAM_OP(UntagPolicy)
COFFER_IAM_OP(ListPolicyTags)
// attachments.cc
COFFER_IAM_OP(AttachUserPolicy)
COFFER_IAM_OP(DetachUserPolicy)
COFFER_IAM_OP(ListAttachedUserPolicies)
COFFER_IAM_OP(AttachGroupPolicy)
COFFER_IAM_OP(DetachGroupPolicy)
COFFER_IAM_OP(ListAttachedGroupPolicies)
COFFER_IAM_OP(AttachRolePolicy)
COFFER_IAM_OP(DetachRolePolicy)
COFFER_IAM_OP(ListAttachedRolePolicies)
COFFER_IAM_OP(PutUserPermissionsBoundary)
COFFER_IAM_OP(DeleteUserPermissionsBoundary)
COFFER_IAM_OP(PutRolePermissionsBoundary)
COFFER_IAM_OP(DeleteRolePermissionsBoundary)
// groups.cc
COFFER_IAM_OP(CreateGroup)
COFFER_IAM_OP(GetGroup)
COFFER_IAM_OP(ListGroups)
COFFER_IAM_OP(UpdateGroup)
COFFER_IAM_OP(DeleteGroup)
COFFER_IAM_OP(AddUserToGroup)
COFFER_IAM_OP(RemoveUserFromGroup)
COFFER_IAM_OP(ListGroupsForUser)
// simulate.cc
COFFER_IAM_OP(SimulatePrincipalPolicy)
COFFER_IAM_OP(SimulateCustomPolicy)
#undef COFFER_IAM_OP

// --- helpers.cc ---

// OK for internal calls (no caller); otherwise auth::policy::Authorize of
// "iam:<op>" on `resource`, AccessDenied when refused.
Status Authorize(const RequestContext& ctx, std::string_view op, std::string_view resource);

Result<std::unique_ptr<storage::Txn>> Begin(Service& svc, bool write);

// The entity named `name` of the caller's account, or NoSuchEntity with
// IAM's text.
Result<User> LoadUser(storage::Txn& txn, std::string_view account, std::string_view name);
Result<Group> LoadGroup(storage::Txn& txn, std::string_view account, std::string_view name);
Result<Role> LoadRole(storage::Txn& txn, std::string_view account, std::string_view name);
// A customer managed policy of `account` by ARN (NoSuchPolicy otherwise).
Result<ManagedPolicy> LoadPolicy(storage::Txn& txn, std::string_view account, std::string_view arn);

// The user a call without UserName acts on: the calling IAM user.
// ValidationError when the caller is not an IAM user.
Result<std::string> CallerUserName(const RequestContext& ctx);

// Reads the Tags member ([{Key, Value}]) and merges it into `tags` (a key
// already there gets the new value): InvalidInput on duplicate keys,
// LimitExceeded past 50.
Status MergeTags(const JsonValue& in, std::vector<storage::Tag>& tags);
// Removes the TagKeys members' keys.
void RemoveTags(const JsonValue& in, std::vector<storage::Tag>& tags);
void WriteTags(JsonWriter& out, std::string_view key, const std::vector<storage::Tag>& tags);

// RFC 3986 percent-encoding (unreserved characters kept), as IAM's XML
// answers carry policy documents.
std::string UrlEncode(std::string_view text);

// Members of the output shapes.
void WriteUser(JsonWriter& out, const User& u, bool with_tags);
// `full`: with PermissionsBoundary and Tags (not in ListRoles); `last_used`:
// with RoleLastUsed (GetRole; empty, Coffer does not record it).
void WriteRole(JsonWriter& out, const Role& r, bool full, bool last_used = false);
void WriteGroup(JsonWriter& out, const Group& g);
void WriteBoundary(JsonWriter& out, const std::string& boundary_arn);

// Marker/MaxItems over a list whose i-th item has sort key keys[i]
// (ascending): the slice to answer and, when truncated, the marker (the
// key of the first item not answered).
struct PageRange {
  size_t begin = 0;
  size_t end = 0;
  std::optional<std::string> marker;
};
PageRange Paginate(const std::vector<std::string>& keys, const JsonValue& in);
// Keys for a list kept in its own order: "000000", "000001", …
std::vector<std::string> IndexKeys(size_t n);
// IsTruncated and, when truncated, Marker.
void WritePageEnd(JsonWriter& out, const PageRange& page);

// True when `path` starts with PathPrefix (absent: every path).
bool PathMatches(const JsonValue& in, std::string_view path);

// Every user/group/role of the account (for counts and membership).
Result<std::vector<User>> AllUsers(storage::Txn& txn, std::string_view account);
Result<std::vector<Role>> AllRoles(storage::Txn& txn, std::string_view account);
Result<std::vector<Group>> AllGroups(storage::Txn& txn, std::string_view account);

// --- attachments.cc ---
// Checks `arn` names an attachable policy (a customer managed policy of
// `account`, or a built-in AWS managed one; NotAttachable otherwise) and
// adds `delta` to its AttachmentCount, or to its
// PermissionsBoundaryUsageCount when `boundary` (AWS managed: no count).
Status CountAttachment(storage::Txn& txn, std::string_view account, std::string_view arn, int delta,
                       bool boundary);

// --- access_keys.cc ---
// The access keys whose principal is `user_arn`, oldest first.
Result<std::vector<storage::AccessKeyRecord>> UserKeys(storage::Txn& txn, std::string_view account,
                                                       std::string_view user_arn);

// What differs between the three kinds of policy holder (users, groups,
// roles), for the operations written once for all three.
template <typename E>
struct HolderTraits;
template <>
struct HolderTraits<User> {
  static constexpr std::string_view kKind = kUser;
  static constexpr const char* kNameMember = "UserName";
  static Result<User> Load(storage::Txn& t, std::string_view a, std::string_view n) {
    return LoadUser(t, a, n);
  }
};
template <>
struct HolderTraits<Group> {
  static constexpr std::string_view kKind = kGroup;
  static constexpr const char* kNameMember = "GroupName";
  static Result<Group> Load(storage::Txn& t, std::string_view a, std::string_view n) {
    return LoadGroup(t, a, n);
  }
};
template <>
struct HolderTraits<Role> {
  static constexpr std::string_view kKind = kRole;
  static constexpr const char* kNameMember = "RoleName";
  static Result<Role> Load(storage::Txn& t, std::string_view a, std::string_view n) {
    return LoadRole(t, a, n);
  }
};

// The holder a request names (its kNameMember), authorized for `op` on its
// ARN (path "/" when it does not exist, which then is NoSuchEntity).
template <typename E>
Result<E> Holder(storage::Txn& txn, const RequestContext& ctx, std::string_view op,
                 const JsonValue& in) {
  using T = HolderTraits<E>;
  const std::string name(JsonString(in, T::kNameMember).value_or(""));
  auto e = T::Load(txn, ctx.account_id, name);
  COFFER_RETURN_IF_ERROR(
      Authorize(ctx, op, e.ok() ? e->arn : EntityArn(ctx.account_id, T::kKind, "/", name)));
  return e;
}

}  // namespace coffer::iam::internal
