// Managed policies attached to users, groups and roles
// (Attach/Detach/ListAttached{User,Group,Role}Policies) and permissions
// boundaries (Put/Delete{User,Role}PermissionsBoundary). A customer managed
// policy counts its attachments and boundary uses in its document.

#include <algorithm>

#include "iam/aws_managed.h"
#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

Status CountAttachment(storage::Txn& txn, std::string_view account, std::string_view arn, int delta,
                       bool boundary) {
  if (FindAwsManagedPolicy(arn) != nullptr) return Status::Ok();
  auto p = LoadPolicy(txn, account, arn);
  if (!p.ok()) {
    if (p.status().code() == StatusCode::kNotFound) return messages::NotAttachable(arn);
    return p.status();
  }
  int64_t& count = boundary ? p->boundary_usage_count : p->attachment_count;
  count = std::max<int64_t>(0, count + delta);
  return txn.PutIamEntity(ToRecord(*p));
}

namespace {

// Managed policies attached to one entity, at most (AWS's default quota).
constexpr int kAttachedPerEntity = 10;

template <typename E>
std::string_view QuotaName() {
  if constexpr (std::is_same_v<E, User>) return "PoliciesPerUser";
  if constexpr (std::is_same_v<E, Group>) return "PoliciesPerGroup";
  return "PoliciesPerRole";
}

std::string PolicyName(std::string_view arn) {
  auto parsed = ParseIamArn(arn);
  return parsed ? parsed->name : S(arn);
}

template <typename E>
Status Attach(Service& svc, const RequestContext& ctx, const JsonValue& in, std::string_view op) {
  const std::string arn = S(JsonString(in, "PolicyArn").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  if (std::find(e.attached.begin(), e.attached.end(), arn) != e.attached.end()) {
    // Already attached: IAM answers OK; only check the policy still exists.
    return CountAttachment(*txn, ctx.account_id, arn, 0, false);
  }
  if (e.attached.size() >= kAttachedPerEntity)
    return messages::Quota(QuotaName<E>(), kAttachedPerEntity);
  COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, arn, 1, false));
  e.attached.push_back(arn);
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(e)));
  return txn->Commit();
}

template <typename E>
Status Detach(Service& svc, const RequestContext& ctx, const JsonValue& in, std::string_view op) {
  const std::string arn = S(JsonString(in, "PolicyArn").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  if (std::erase(e.attached, arn) == 0) return messages::NoSuchPolicy(arn);
  COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, arn, -1, false));
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(e)));
  return txn->Commit();
}

template <typename E>
Status ListAttached(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out,
                    std::string_view op) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  std::vector<std::string> arns;
  for (const auto& arn : e.attached) {
    auto parsed = ParseIamArn(arn);
    if (PathMatches(in, parsed ? parsed->path : "/")) arns.push_back(arn);
  }
  const PageRange page = Paginate(IndexKeys(arns.size()), in);
  WriteKey(out, "AttachedPolicies");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    out.StartObject();
    WriteString(out, "PolicyName", PolicyName(arns[i]));
    WriteString(out, "PolicyArn", arns[i]);
    out.EndObject();
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

template <typename E>
Status PutBoundary(Service& svc, const RequestContext& ctx, const JsonValue& in,
                   std::string_view op) {
  const std::string arn = S(JsonString(in, "PermissionsBoundary").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  if (e.boundary_arn == arn) return Status::Ok();
  COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, arn, 1, true));
  if (!e.boundary_arn.empty())
    COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, e.boundary_arn, -1, true));
  e.boundary_arn = arn;
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(e)));
  return txn->Commit();
}

template <typename E>
Status DeleteBoundary(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      std::string_view op) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  if (e.boundary_arn.empty()) return Status::Ok();
  COFFER_RETURN_IF_ERROR(CountAttachment(*txn, ctx.account_id, e.boundary_arn, -1, true));
  e.boundary_arn.clear();
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(e)));
  return txn->Commit();
}

}  // namespace

#define COFFER_IAM_ATTACH_OPS(Entity)                                                         \
  Status Attach##Entity##Policy(Service& svc, const RequestContext& ctx, const JsonValue& in, \
                                JsonWriter& out) {                                            \
    return Attach<Entity>(svc, ctx, in, "Attach" #Entity "Policy");                           \
  }                                                                                           \
  Status Detach##Entity##Policy(Service& svc, const RequestContext& ctx, const JsonValue& in, \
                                JsonWriter& out) {                                            \
    return Detach<Entity>(svc, ctx, in, "Detach" #Entity "Policy");                           \
  }                                                                                           \
  Status ListAttached##Entity##Policies(Service& svc, const RequestContext& ctx,              \
                                        const JsonValue& in, JsonWriter& out) {               \
    return ListAttached<Entity>(svc, ctx, in, out, "ListAttached" #Entity "Policies");        \
  }
COFFER_IAM_ATTACH_OPS(User)
COFFER_IAM_ATTACH_OPS(Group)
COFFER_IAM_ATTACH_OPS(Role)
#undef COFFER_IAM_ATTACH_OPS

#define COFFER_IAM_BOUNDARY_OPS(Entity)                                                  \
  Status Put##Entity##PermissionsBoundary(Service& svc, const RequestContext& ctx,       \
                                          const JsonValue& in, JsonWriter& out) {        \
    return PutBoundary<Entity>(svc, ctx, in, "Put" #Entity "PermissionsBoundary");       \
  }                                                                                      \
  Status Delete##Entity##PermissionsBoundary(Service& svc, const RequestContext& ctx,    \
                                             const JsonValue& in, JsonWriter& out) {     \
    return DeleteBoundary<Entity>(svc, ctx, in, "Delete" #Entity "PermissionsBoundary"); \
  }
COFFER_IAM_BOUNDARY_OPS(User)
COFFER_IAM_BOUNDARY_OPS(Role)
#undef COFFER_IAM_BOUNDARY_OPS

}  // namespace coffer::iam::internal
