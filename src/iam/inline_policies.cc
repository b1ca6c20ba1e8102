// Inline policies of users, groups and roles: Put/Get/List/Delete
// {User,Group,Role}Policy, one generic implementation per verb.

#include <algorithm>

#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

namespace {

template <typename E>
Status Put(Service& svc, const RequestContext& ctx, const JsonValue& in, std::string_view op) {
  const std::string policy_name = S(JsonString(in, "PolicyName").value_or(""));
  const std::string doc = S(JsonString(in, "PolicyDocument").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  COFFER_RETURN_IF_ERROR(ValidateIdentityPolicy(doc));
  auto it = std::find_if(e.inline_policies.begin(), e.inline_policies.end(),
                         [&](const InlinePolicy& p) { return p.name == policy_name; });
  if (it != e.inline_policies.end()) {
    it->document = doc;
  } else {
    e.inline_policies.push_back({policy_name, doc});
  }
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(e)));
  return txn->Commit();
}

template <typename E>
Status Get(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out,
           std::string_view op) {
  const std::string policy_name = S(JsonString(in, "PolicyName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  for (const auto& p : e.inline_policies) {
    if (p.name != policy_name) continue;
    WriteString(out, HolderTraits<E>::kNameMember, e.name);
    WriteString(out, "PolicyName", p.name);
    WriteString(out, "PolicyDocument", UrlEncode(p.document));
    return Status::Ok();
  }
  return messages::NoSuchInlinePolicy(HolderTraits<E>::kKind, policy_name);
}

template <typename E>
Status List(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out,
            std::string_view op) {
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, false));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  std::vector<std::string> names;
  for (const auto& p : e.inline_policies) names.push_back(p.name);
  std::sort(names.begin(), names.end());
  const PageRange page = Paginate(names, in);
  WriteStringArray(out, "PolicyNames",
                   std::vector<std::string>(names.begin() + page.begin, names.begin() + page.end));
  WritePageEnd(out, page);
  return Status::Ok();
}

template <typename E>
Status Delete(Service& svc, const RequestContext& ctx, const JsonValue& in, std::string_view op) {
  const std::string policy_name = S(JsonString(in, "PolicyName").value_or(""));
  COFFER_ASSIGN_OR_RETURN(auto txn, Begin(svc, true));
  COFFER_ASSIGN_OR_RETURN(E e, Holder<E>(*txn, ctx, op, in));
  const size_t removed = std::erase_if(
      e.inline_policies, [&](const InlinePolicy& p) { return p.name == policy_name; });
  if (removed == 0) return messages::NoSuchInlinePolicy(HolderTraits<E>::kKind, policy_name);
  COFFER_RETURN_IF_ERROR(txn->PutIamEntity(ToRecord(e)));
  return txn->Commit();
}

}  // namespace

#define COFFER_IAM_INLINE_OPS(Entity)                                                         \
  Status Put##Entity##Policy(Service& svc, const RequestContext& ctx, const JsonValue& in,    \
                             JsonWriter& out) {                                               \
    return Put<Entity>(svc, ctx, in, "Put" #Entity "Policy");                                 \
  }                                                                                           \
  Status Get##Entity##Policy(Service& svc, const RequestContext& ctx, const JsonValue& in,    \
                             JsonWriter& out) {                                               \
    return Get<Entity>(svc, ctx, in, out, "Get" #Entity "Policy");                            \
  }                                                                                           \
  Status List##Entity##Policies(Service& svc, const RequestContext& ctx, const JsonValue& in, \
                                JsonWriter& out) {                                            \
    return List<Entity>(svc, ctx, in, out, "List" #Entity "Policies");                        \
  }                                                                                           \
  Status Delete##Entity##Policy(Service& svc, const RequestContext& ctx, const JsonValue& in, \
                                JsonWriter& out) {                                            \
    return Delete<Entity>(svc, ctx, in, "Delete" #Entity "Policy");                           \
  }

COFFER_IAM_INLINE_OPS(User)
COFFER_IAM_INLINE_OPS(Group)
COFFER_IAM_INLINE_OPS(Role)
#undef COFFER_IAM_INLINE_OPS

}  // namespace coffer::iam::internal
