#include "iam/principals.h"

#include "iam/aws_managed.h"
#include "iam/entities.h"
#include "iam/internal.h"
#include "iam/messages.h"

namespace coffer::iam {

using auth::policy::CompiledPolicy;
using auth::policy::PolicyGrammar;
using messages::S;

namespace {

// The policy documents of one holder, in a fixed order (inline, attached).
struct Documents {
  std::vector<std::string> identity;
  std::string boundary;  // empty: none
};

Result<std::string> DefaultDocument(storage::Txn& txn, std::string_view account,
                                    std::string_view arn) {
  if (const AwsManagedPolicy* a = FindAwsManagedPolicy(arn)) return S(a->document);
  COFFER_ASSIGN_OR_RETURN(ManagedPolicy p, internal::LoadPolicy(txn, account, arn));
  const PolicyVersion* v = p.DefaultVersion();
  if (v == nullptr) return Status::DataLoss("IAM policy " + S(arn) + " has no default version");
  return v->document;
}

Status AddHolder(storage::Txn& txn, std::string_view account,
                 const std::vector<InlinePolicy>& inline_policies,
                 const std::vector<std::string>& attached, Documents& docs) {
  for (const auto& p : inline_policies) docs.identity.push_back(p.document);
  for (const auto& arn : attached) {
    COFFER_ASSIGN_OR_RETURN(std::string doc, DefaultDocument(txn, account, arn));
    docs.identity.push_back(std::move(doc));
  }
  return Status::Ok();
}

Result<Documents> CollectDocuments(storage::Txn& txn, std::string_view account,
                                   const ParsedArn& who, std::string_view arn) {
  Documents docs;
  if (who.kind == kUser) {
    COFFER_ASSIGN_OR_RETURN(User u, internal::LoadUser(txn, account, who.name));
    if (u.arn != arn) return messages::NoSuchNamed(kUser, who.name);
    COFFER_RETURN_IF_ERROR(AddHolder(txn, account, u.inline_policies, u.attached, docs));
    for (const auto& group_name : u.groups) {
      COFFER_ASSIGN_OR_RETURN(Group g, internal::LoadGroup(txn, account, group_name));
      COFFER_RETURN_IF_ERROR(AddHolder(txn, account, g.inline_policies, g.attached, docs));
    }
    if (!u.boundary_arn.empty()) {
      COFFER_ASSIGN_OR_RETURN(docs.boundary, DefaultDocument(txn, account, u.boundary_arn));
    }
    return docs;
  }
  if (who.kind == kRole) {
    COFFER_ASSIGN_OR_RETURN(Role r, internal::LoadRole(txn, account, who.name));
    // A role session names only the role; an IAM ARN must match exactly.
    if (!arn.starts_with("arn:aws:sts:") && r.arn != arn)
      return messages::NoSuchNamed(kRole, who.name);
    COFFER_RETURN_IF_ERROR(AddHolder(txn, account, r.inline_policies, r.attached, docs));
    if (!r.boundary_arn.empty()) {
      COFFER_ASSIGN_OR_RETURN(docs.boundary, DefaultDocument(txn, account, r.boundary_arn));
    }
    return docs;
  }
  if (who.kind == kGroup) {  // for SimulatePrincipalPolicy
    COFFER_ASSIGN_OR_RETURN(Group g, internal::LoadGroup(txn, account, who.name));
    if (g.arn != arn) return messages::NoSuchNamed(kGroup, who.name);
    COFFER_RETURN_IF_ERROR(AddHolder(txn, account, g.inline_policies, g.attached, docs));
    return docs;
  }
  return messages::NoSuchEntity("No principal with ARN " + S(arn) + ".");
}

Result<std::shared_ptr<const CompiledPolicy>> Compile(auth::policy::CompiledPolicyCache& cache,
                                                      std::string_view text) {
  auto compiled = cache.Get(text, PolicyGrammar::kIdentity);
  if (!compiled.ok())
    return Status::DataLoss("a stored IAM policy no longer compiles: " +
                            compiled.status().message());
  return compiled;
}

}  // namespace

Result<std::shared_ptr<const auth::policy::PrincipalPolicies>> LoadPrincipalPolicies(
    storage::Txn& txn, std::string_view account_id, std::string_view principal_arn,
    auth::policy::CompiledPolicyCache& cache) {
  auto who = ParseIamArn(principal_arn);
  if (!who || who->account_id != account_id)
    return messages::NoSuchEntity("No principal with ARN " + S(principal_arn) + ".");
  COFFER_ASSIGN_OR_RETURN(Documents docs, CollectDocuments(txn, account_id, *who, principal_arn));
  auto policies = std::make_shared<auth::policy::PrincipalPolicies>();
  for (const auto& text : docs.identity) {
    COFFER_ASSIGN_OR_RETURN(auto c, Compile(cache, text));
    policies->identity.push_back(std::move(c));
  }
  if (!docs.boundary.empty()) {
    COFFER_ASSIGN_OR_RETURN(auto c, Compile(cache, docs.boundary));
    policies->boundary.push_back(std::move(c));
  }
  policies->Seal();
  return std::shared_ptr<const auth::policy::PrincipalPolicies>(std::move(policies));
}

Result<std::optional<PrincipalInfo>> FindPrincipal(storage::Txn& txn, std::string_view account_id,
                                                   std::string_view principal_arn) {
  auto who = ParseIamArn(principal_arn);
  if (!who || who->account_id != account_id) return std::optional<PrincipalInfo>();
  if (who->kind != kUser && who->kind != kRole) return std::optional<PrincipalInfo>();
  COFFER_ASSIGN_OR_RETURN(auto rec, txn.GetIamEntity(account_id, who->kind, who->name));
  if (!rec) return std::optional<PrincipalInfo>();
  const bool session = principal_arn.starts_with("arn:aws:sts:");
  if (!session && rec->arn != principal_arn) return std::optional<PrincipalInfo>();
  PrincipalInfo info{who->kind, rec->name, rec->id, rec->arn, {}};
  if (who->kind == kUser) {
    COFFER_ASSIGN_OR_RETURN(User u, UserFromRecord(*rec));
    info.tags = std::move(u.tags);
  } else {
    COFFER_ASSIGN_OR_RETURN(Role r, RoleFromRecord(*rec));
    info.tags = std::move(r.tags);
  }
  return std::optional<PrincipalInfo>(std::move(info));
}

Result<std::optional<RoleForAssume>> FindRoleByArn(storage::Txn& txn, std::string_view role_arn) {
  auto who = ParseIamArn(role_arn);
  if (!who || who->kind != kRole || !role_arn.starts_with("arn:aws:iam::"))
    return std::optional<RoleForAssume>();
  COFFER_ASSIGN_OR_RETURN(auto rec, txn.GetIamEntity(who->account_id, kRole, who->name));
  if (!rec || rec->arn != role_arn) return std::optional<RoleForAssume>();
  COFFER_ASSIGN_OR_RETURN(Role r, RoleFromRecord(*rec));
  RoleForAssume out;
  out.name = r.name;
  out.id = r.id;
  out.arn = r.arn;
  out.account_id = r.account_id;
  out.path = r.path;
  out.trust_policy = std::move(r.trust_policy);
  out.max_session_duration_s = r.max_session_duration_s;
  out.tags = std::move(r.tags);
  return std::optional<RoleForAssume>(std::move(out));
}

Status EnsureAdministrator(storage::Txn& txn, std::string_view account_id, int64_t now_ms) {
  COFFER_ASSIGN_OR_RETURN(auto existing, txn.GetIamEntity(account_id, kUser, "admin"));
  if (existing) return Status::Ok();
  User u;
  u.account_id = S(account_id);
  u.name = "admin";
  u.arn = EntityArn(account_id, kUser, "/", "admin");
  u.id = NewEntityId("AIDA");
  u.created_ms = now_ms;
  u.attached.push_back(S(kAdministratorAccessArn));
  return txn.PutIamEntity(ToRecord(u));
}

}  // namespace coffer::iam
