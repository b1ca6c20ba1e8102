// IdentityResolver: turns a verified SigV4 caller into the auth::policy::Caller
// every service authorizes against (issue 20): the principal (root, IAM user,
// role session), its identity policies and permissions boundary (compiled
// once and cached per principal), a role session's session policies and
// tags, and the request's global condition keys (aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username,
// aws:PrincipalTag/…, aws:SourceIp, aws:SecureTransport, aws:CurrentTime,
// aws:EpochTime).
//
// Who is what:
//  * permissive mode: the account's root (administrator), as before;
//  * arn:aws:iam::ACCT:root: the root user (administrator);
//  * arn:aws:iam::ACCT:user/…: an IAM user, with its policies; a principal
//    with no IAM user behind it has no policies (denied everything: fail
//    closed), except that every account's `admin` user is made at start-up;
//  * a temporary credential of AssumeRole: the role session
//    arn:aws:sts::ACCT:assumed-role/ROLE/SESSION, with the role's policies
//    (looked up now: a deleted role's sessions are refused) and the session
//    policies of its token; of GetSessionToken: the user that asked for it.
//  * a disabled account's sessions are refused (UnrecognizedClientException),
//    as its access keys are.
//
// The cache of a principal's policies is dropped when the auth generation
// moves (any IAM or access-key change, by any process: CredentialCache polls
// it) or when this process changes IAM (Changed()).
//
// Thread-safety: Resolve and Changed may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/policy/access.h"
#include "auth/sigv4/verifier.h"
#include "coffer/result.h"
#include "common/sharded_cache.h"
#include "common/thread_annotations.h"
#include "storage/store.h"

namespace coffer::server {

struct RequestOrigin {
  std::string_view source_ip;
  bool secure_transport = false;
  int64_t now_ms = 0;
};

class IdentityResolver {
 public:
  // `generation` reports a number that moves whenever IAM or access keys
  // may have changed (CredentialCache::changes).
  IdentityResolver(storage::Store& store, std::function<uint64_t()> generation, bool permissive);

  Result<std::shared_ptr<const auth::policy::Caller>> Resolve(
      const auth::sigv4::VerifiedCaller& verified, const RequestOrigin& origin);

  // This process changed IAM: forget every cached principal.
  void Changed() { local_changes_.fetch_add(1, std::memory_order_relaxed); }

  auth::policy::CompiledPolicyCache& policy_cache() { return policy_cache_; }

 private:
  // What is shared by every request of one principal.
  struct Entry {
    uint64_t stamp = 0;
    std::shared_ptr<const auth::policy::PrincipalPolicies> policies;
    auth::policy::Principal principal;
    std::string user_id;
    auth::policy::ContextKeys keys;  // the principal's own keys
    // A role session's PolicyArns, compiled (null: the ARN names nothing,
    // which allows nothing).
    std::vector<std::shared_ptr<const auth::policy::CompiledPolicy>> session_arn_policies;
  };
  static constexpr size_t kMaxEntries = 65536;
  Result<std::shared_ptr<const Entry>> Load(const auth::sigv4::VerifiedCaller& verified,
                                            uint64_t stamp);
  uint64_t Stamp() const;

  storage::Store& store_;
  uint64_t id_ = 0;  // unique in the process: keys each thread's memo of its last principal
  const std::function<uint64_t()> generation_;
  const bool permissive_;
  std::atomic<uint64_t> local_changes_{0};
  auth::policy::CompiledPolicyCache policy_cache_;
  Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Entry>, StringHash, std::equal_to<>>
      entries_ GUARDED_BY(mu_);
};

}  // namespace coffer::server
