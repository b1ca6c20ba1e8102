// Managed policies: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy and
// their versions (Create/Get/List/Delete PolicyVersion,
// SetDefaultPolicyVersion). Customer managed policies are stored; AWS
// managed ones are built in (aws_managed.h) and read-only.

#include <algorithm>

#include "iam/aws_managed.h"
#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

namespace {

constexpr size_t kMaxVersions = 5;

// Every user, role and group of the account: what an AWS managed policy's
// attachment counts are computed from (AWS reports them per account).
struct Holders {
  std::vector<User> users;
  std::vector<Role> roles;
  std::vector<Group> groups;
};
Result<Holders> LoadHolders(storage::Txn& txn, std::string_view account) {
  Holders h;
  COFFER_ASSIGN_OR_RETURN(h.users, AllUsers(txn, account));
  COFFER_ASSIGN_OR_RETURN(h.roles, AllRoles(txn, account));
  COFFER_ASSIGN_OR_RETURN(h.groups, AllGroups(txn, account));
  return h;
}

// An AWS managed policy as a ManagedPolicy value, with the account's counts.
ManagedPolicy FromAws(const AwsManagedPolicy& a, const Holders& h) {
  ManagedPolicy p;
  p.account_id = "aws";
  p.name = S(a.name);
  p.id = S(a.id);
  p.path = S(a.path);
  p.arn = S(a.arn);
  p.created_ms = a.created_ms;
  p.updated_ms = a.updated_ms;
  p.description = S(a.description);
  p.default_version_id = S(a.version_id);
  p.versions.push_back({S(a.version_id), S(a.document), a.updated_ms});
  const auto has = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), p.arn) != v.end();
  };
  for (const auto& u : h.users) {
    p.attachment_count += has(u.attached);
    p.boundary_usage_count += u.boundary_arn == p.arn;
  }
  for (const auto& r : h.roles) {
    p.attachment_count += has(r.attached);
    p.boundary_usage_count += r.boundary_arn == p.arn;
  }
  for (const auto& g : h.groups) p.attachment_count += has(g.attached);
  return p;
}

// The policy PolicyArn names (AWS managed or this account's), authorized
// for `op`.
Result<ManagedPolicy> AnyPolicy(storage::Txn& txn, const RequestContext& ctx, std::string_view op,
                                const JsonValue& in) {
  const std::string arn = S(JsonString(in, "PolicyArn").value_or(""));
  COFFER_RETURN_IF_ERROR(Authorize(ctx, op, arn));
  if (const AwsManagedPolicy* a = FindAwsManagedPolicy(arn)) {
    COFFER_ASSIGN_OR_RETURN(Holders h, LoadHolders(txn, ctx.account_id));
    return FromAws(*a, h);
  }
  return LoadPolicy(txn, ctx.account_id, arn);
}

// A customer managed policy PolicyArn names, for a change.
Result<ManagedPolicy> OwnPolicy(storage::Txn& txn, const RequestContext& ctx, std::string_view op,
                                const JsonValue& in) {
  const std::string arn = S(JsonString(in, "PolicyArn").value_or(""));
  COFFER_RETURN_IF_ERROR(Authorize(ctx, op, arn));
  if (FindAwsManagedPolicy(arn) != nullptr) return messages::AwsManagedPolicy(arn);
  return LoadPolicy(txn, ctx.account_id, arn);
}

void WritePolicy(JsonWriter& out, const ManagedPolicy& p, bool full) {
  out.StartObject();
  WriteString(out, "PolicyName", p.name);
  WriteString(out, "PolicyId", p.id);
  WriteString(out, "Arn", p.arn);
  WriteString(out, "Path", p.path);
  WriteString(out, "DefaultVersionId", p.default_version_id);
  WriteInt(out, "AttachmentCount", p.attachment_count);
  WriteInt(out, "PermissionsBoundaryUsageCount", p.boundary_usage_count);
  WriteBool(out, "IsAttachable", true);
  if (full && p.description) WriteString(out, "Description", *p.description);
  WriteTimestamp(out, "CreateDate", p.created_ms);
  WriteTimestamp(out, "UpdateDate", p.updated_ms);
  if (full && !p.tags.empty()) WriteTags(out, "Tags", p.tags);
  out.EndObject();
}

void WriteVersion(JsonWriter& out, const ManagedPolicy& p, const PolicyVersion& v,
                  bool with_document) {
  out.StartObject();
  if (with_document) WriteString(out, "Document", UrlEncode(v.document));
  WriteString(out, "VersionId", v.version_id);
  WriteBool(out, "IsDefaultVersion", v.version_id == p.default_version_id);
  WriteTimestamp(out, "CreateDate", v.created_ms);
  out.EndObject();
}

}  // namespace

Status CreatePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  ManagedPolicy p;
  p.account_id = ctx.account_id;
  p.name = S(JsonString(in, "PolicyName").value_or(""));
  p.path = S(JsonString(in, "Path").value_or("/"));
  p.arn = EntityArn(ctx.account_id, kPolicy, p.path, p.name);
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "CreatePolicy", p.arn));
  const std::string doc = S(JsonString(in, "PolicyDocument").value_or(""));
  COFFER_RETURN_IF_ERROR(ValidateIdentityPolicy(doc));
  if (auto d = JsonString(in, "Description")) p.description = S(*d);
  COFFER_RETURN_IF_ERROR(MergeTags(in, p.tags));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(auto existing, txn->GetIamEntity(ctx.account_id, kPolicy, p.name));
  if (existing) return messages::PolicyAlreadyExists(p.name);
  p.id = NewEntityId("ANPA");
  p.created_ms = p.updated_ms = ctx.now_ms;
  p.versions.push_back({"v1", doc, ctx.now_ms});
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(p)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKey(out, "Policy");
  WritePolicy(out, p, true);
  return Status::Ok();
}

Status GetPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, AnyPolicy(*txn, ctx, "GetPolicy", in));
  WriteKey(out, "Policy");
  WritePolicy(out, p, true);
  return Status::Ok();
}

Status ListPolicies(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(Authorize(ctx, "ListPolicies", "*"));
  const std::string scope = S(JsonString(in, "Scope").value_or("All"));
  const bool only_attached = JsonBool(in, "OnlyAttached").value_or(false);
  const std::string usage = S(JsonString(in, "PolicyUsageFilter").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  std::vector<ManagedPolicy> all;
  if (scope != "Local") {
    COFFER_ASSIGN_OR_RETURN(Holders h, LoadHolders(*txn, ctx.account_id));
    for (const auto& a : AwsManagedPolicies()) all.push_back(FromAws(a, h));
  }
  if (scope != "AWS") {
    COFFER_ASSIGN_OR_RETURN(auto recs, txn->ListIamEntities(ctx.account_id, kPolicy));
    for (const auto& r : recs) {
      COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, PolicyFromRecord(r));
      all.push_back(std::move(p));
    }
  }
  std::erase_if(all, [&](const ManagedPolicy& p) {
    if (!PathMatches(in, p.path)) return true;
    if (usage == "PermissionsPolicy" && only_attached) return p.attachment_count == 0;
    if (usage == "PermissionsBoundary" && only_attached) return p.boundary_usage_count == 0;
    return only_attached && p.attachment_count == 0 && p.boundary_usage_count == 0;
  });
  // By name, then ARN: a unique key for the marker.
  const auto key = [](const ManagedPolicy& p) { return FoldName(p.name) + "|" + p.arn; };
  std::sort(all.begin(), all.end(),
            [&](const ManagedPolicy& a, const ManagedPolicy& b) { return key(a) < key(b); });
  std::vector<std::string> keys;
  for (const auto& p : all) keys.push_back(key(p));
  const PageRange page = Paginate(keys, in);
  WriteKey(out, "Policies");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) WritePolicy(out, all[i], false);
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

Status DeletePolicy(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, OwnPolicy(*txn, ctx, "DeletePolicy", in));
  if (p.attachment_count > 0 || p.boundary_usage_count > 0)
    return messages::DeleteConflict(messages::kPolicyAttached);
  if (p.versions.size() > 1) return messages::DeleteConflict(messages::kPolicyHasVersions);
  COFFER_RETURN_IF_ERROR(txn->DeleteIamEntity(ctx.account_id, kPolicy, p.name));
  return txn->Commit();
}

Status CreatePolicyVersion(Service& svc, const RequestContext& ctx, const JsonValue& in,
                           JsonWriter& out) {
  const std::string doc = S(JsonString(in, "PolicyDocument").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, OwnPolicy(*txn, ctx, "CreatePolicyVersion", in));
  COFFER_RETURN_IF_ERROR(ValidateIdentityPolicy(doc));
  if (p.versions.size() >= kMaxVersions)
    return Status::ResourceExhausted(S(messages::kLimitExceeded), S(messages::kTooManyVersions));
  PolicyVersion v{"v" + std::to_string(p.next_version++), doc, ctx.now_ms};
  if (JsonBool(in, "SetAsDefault").value_or(false)) p.default_version_id = v.version_id;
  p.updated_ms = ctx.now_ms;
  p.versions.push_back(v);
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(p)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteKey(out, "PolicyVersion");
  WriteVersion(out, p, v, false);
  return Status::Ok();
}

Status GetPolicyVersion(Service& svc, const RequestContext& ctx, const JsonValue& in,
                        JsonWriter& out) {
  const std::string version_id = S(JsonString(in, "VersionId").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, AnyPolicy(*txn, ctx, "GetPolicyVersion", in));
  const PolicyVersion* v = p.FindVersion(version_id);
  if (v == nullptr) return messages::NoSuchPolicyVersion(p.arn, version_id);
  WriteKey(out, "PolicyVersion");
  WriteVersion(out, p, *v, true);
  return Status::Ok();
}

Status ListPolicyVersions(Service& svc, const RequestContext& ctx, const JsonValue& in,
                          JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, AnyPolicy(*txn, ctx, "ListPolicyVersions", in));
  std::reverse(p.versions.begin(), p.versions.end());  // newest first, as IAM answers
  const PageRange page = Paginate(IndexKeys(p.versions.size()), in);
  WriteKey(out, "Versions");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) WriteVersion(out, p, p.versions[i], false);
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

Status DeletePolicyVersion(Service& svc, const RequestContext& ctx, const JsonValue& in,
                           JsonWriter& out) {
  const std::string version_id = S(JsonString(in, "VersionId").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, OwnPolicy(*txn, ctx, "DeletePolicyVersion", in));
  if (p.FindVersion(version_id) == nullptr) return messages::NoSuchPolicyVersion(p.arn, version_id);
  if (version_id == p.default_version_id)
    return messages::DeleteConflict(messages::kDefaultVersion);
  std::erase_if(p.versions, [&](const PolicyVersion& v) { return v.version_id == version_id; });
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(p)));
  return txn->Commit();
}

Status SetDefaultPolicyVersion(Service& svc, const RequestContext& ctx, const JsonValue& in,
                               JsonWriter& out) {
  const std::string version_id = S(JsonString(in, "VersionId").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, OwnPolicy(*txn, ctx, "SetDefaultPolicyVersion", in));
  if (p.FindVersion(version_id) == nullptr) return messages::NoSuchPolicyVersion(p.arn, version_id);
  p.default_version_id = version_id;
  p.updated_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(p)));
  return txn->Commit();
}

Status TagPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, OwnPolicy(*txn, ctx, "TagPolicy", in));
  COFFER_RETURN_IF_ERROR(MergeTags(in, p.tags));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(p)));
  return txn->Commit();
}

Status UntagPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, OwnPolicy(*txn, ctx, "UntagPolicy", in));
  RemoveTags(in, p.tags);
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(p)));
  return txn->Commit();
}

Status ListPolicyTags(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, AnyPolicy(*txn, ctx, "ListPolicyTags", in));
  const PageRange page = Paginate(IndexKeys(p.tags.size()), in);
  WriteTags(out, "Tags",
            std::vector<storage::Tag>(p.tags.begin() + page.begin, p.tags.begin() + page.end));
  WritePageEnd(out, page);
  return Status::Ok();
}

// Every entity the policy is attached to (or is the boundary of, with
// PolicyUsageFilter PermissionsBoundary), in one page.
Status ListEntitiesForPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in,
                             JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, AnyPolicy(*txn, ctx, "ListEntitiesForPolicy", in));
  COFFER_ASSIGN_OR_RETURN(Holders h, LoadHolders(*txn, ctx.account_id));
  const std::string filter = S(JsonString(in, "EntityFilter").value_or(""));
  const std::string usage = S(JsonString(in, "PolicyUsageFilter").value_or(""));
  const auto uses = [&](const std::vector<std::string>& attached, const std::string& boundary) {
    const bool as_policy = std::find(attached.begin(), attached.end(), p.arn) != attached.end();
    if (usage == "PermissionsPolicy") return as_policy;
    if (usage == "PermissionsBoundary") return boundary == p.arn;
    return as_policy || boundary == p.arn;
  };
  const auto wanted = [&](std::string_view kind, std::string_view path) {
    return (filter.empty() || filter == kind) && PathMatches(in, path);
  };
  const auto list = [&](const char* key, const char* name_key, const char* id_key,
                        const auto& entities, std::string_view kind, const auto& used) {
    WriteKey(out, key);
    out.StartArray();
    for (const auto& e : entities) {
      if (!wanted(kind, e.path) || !used(e)) continue;
      out.StartObject();
      WriteString(out, name_key, e.name);
      WriteString(out, id_key, e.id);
      out.EndObject();
    }
    out.EndArray();
  };
  list("PolicyGroups", "GroupName", "GroupId", h.groups, "Group",
       [&](const Group& g) { return uses(g.attached, ""); });
  list("PolicyUsers", "UserName", "UserId", h.users, "User",
       [&](const User& u) { return uses(u.attached, u.boundary_arn); });
  list("PolicyRoles", "RoleName", "RoleId", h.roles, "Role",
       [&](const Role& r) { return uses(r.attached, r.boundary_arn); });
  WriteBool(out, "IsTruncated", false);
  return Status::Ok();
}

}  // namespace coffer::iam::internal
