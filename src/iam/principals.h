// What the rest of the server asks IAM about principals, on the hot path of
// every request and for STS: the identity policies of a user or role
// (compiled, through the shared CompiledPolicyCache), a principal's id and
// tags (aws:userid, aws:PrincipalTag/…), the role an AssumeRole names; and
// the account's administrator user, made at start-up.
//
// Thread-safety: pure functions over the given transaction (which belongs
// to the calling thread); the cache is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy/access.h"
#include "coffer/result.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::iam {

// The identity-based policies of the user or role `principal_arn` names
// (arn:aws:iam::ACCT:user/…, arn:aws:iam::ACCT:role/…, or a role session
// arn:aws:sts::ACCT:assumed-role/ROLE/SESSION): a user's inline and
// attached policies and those of its groups; a role's inline and attached
// policies; and the permissions boundary of either. A group's ARN gives
// the group's own policies (SimulatePrincipalPolicy). kNotFound (reason
// "NoSuchEntity") when the principal does not exist in `account_id` (the
// caller then denies); kDataLoss when a stored policy no longer compiles.
Result<std::shared_ptr<const auth::policy::PrincipalPolicies>> LoadPrincipalPolicies(
    storage::Txn& txn, std::string_view account_id, std::string_view principal_arn,
    auth::policy::CompiledPolicyCache& cache);

// A user or role as a request's principal: what the global condition keys
// need (aws:userid is the id, aws:username the user's name,
// aws:PrincipalTag/KEY its tags).
struct PrincipalInfo {
  std::string kind;  // "user" or "role"
  std::string name;
  std::string id;  // AIDA… / AROA…
  std::string arn;
  std::vector<storage::Tag> tags;
};
// nullopt when the user or role does not exist (a role session names its
// role).
Result<std::optional<PrincipalInfo>> FindPrincipal(storage::Txn& txn, std::string_view account_id,
                                                   std::string_view principal_arn);

// What STS needs of the role an AssumeRole names.
struct RoleForAssume {
  std::string name;
  std::string id;  // AROA…
  std::string arn;
  std::string account_id;
  std::string path;
  std::string trust_policy;  // AssumeRolePolicyDocument, verbatim (resource grammar)
  int64_t max_session_duration_s = 3600;
  std::vector<storage::Tag> tags;
};
// nullopt when no role has exactly this ARN (path included).
Result<std::optional<RoleForAssume>> FindRoleByArn(storage::Txn& txn, std::string_view role_arn);

// Makes the IAM user "admin" (path "/", arn:aws:iam::ACCOUNT:user/admin)
// with AdministratorAccess attached when the account has no user of that
// name; an existing one is left as it is. The caller commits `txn`.
Status EnsureAdministrator(storage::Txn& txn, std::string_view account_id, int64_t now_ms);

}  // namespace coffer::iam
