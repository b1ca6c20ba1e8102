// Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies. A key has one
// policy, named "default". Policies are validated, stored and enforced
// (authorization.h). The AWS managed key's policy is fixed: GetKeyPolicy shows
// AWS's, the one it is evaluated with.

#include "kms/internal.h"
#include "kms/key_policy_document.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

namespace {

constexpr std::string_view kDefaultPolicyName = "default";

Status CheckPolicyName(const JsonValue& in) {
  if (JsonString(in, "PolicyName").value_or(kDefaultPolicyName) != kDefaultPolicyName) {
    return Status::NotFound(std::string(msg::kNotFound), std::string(msg::kNoSuchPolicy));
  }
  return Status::Ok();
}

}  // namespace

Status GetKeyPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(CheckPolicyName(in));
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveRequestKey(svc, *txn, ctx, in));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, "GetKeyPolicy"));
  // An AWS managed key shows AWS's fixed policy, the one it is evaluated with.
  WriteString(out, "Policy", EffectiveKeyPolicy(key));
  WriteString(out, "PolicyName", kDefaultPolicyName);
  return Status::Ok();
}

Status PutKeyPolicy(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(CheckPolicyName(in));
  const std::string_view policy = JsonString(in, "Policy").value_or("");
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveRequestKey(svc, *txn, ctx, in));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, "PutKeyPolicy"));
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  COFFER_RETURN_IF_ERROR(ValidateKeyPolicy(policy));
  COFFER_RETURN_IF_ERROR(CheckPolicyLockout(svc, ctx, in, key, policy));
  key.policy = std::string(policy);
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

Status ListKeyPolicies(Service& svc, const RequestContext& ctx, const JsonValue& in,
                       JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveRequestKey(svc, *txn, ctx, in));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, "ListKeyPolicies"));
  const std::vector<std::string> names = {std::string(kDefaultPolicyName)};
  COFFER_ASSIGN_OR_RETURN(Page page,
                          Paginate(
                              in, names.size(), [&](size_t i) { return names[i]; }, 100));
  WriteStringArray(out, "PolicyNames",
                   std::vector<std::string>(names.begin() + page.begin, names.begin() + page.end));
  WritePageEnd(out, page);
  return Status::Ok();
}

}  // namespace coffer::kms::internal
