#include "server/identity.h"

#include <atomic>
#include <ctime>
#include <utility>

#include "auth/sigv4/errors.h"
#include "iam/aws_managed.h"
#include "iam/entities.h"
#include "iam/principals.h"

namespace coffer::server {
namespace {

using auth::policy::Caller;
using auth::policy::PrincipalType;

// aws:CurrentTime and aws:EpochTime of `ms`, formatted once a second per
// thread (every request sets both).
struct TimeKeys {
  int64_t second = -1;
  std::string iso;    // 2026-12-07T21:15:47Z
  std::string epoch;  // 1796591747
};
const TimeKeys& TimeKeysOf(int64_t ms) {
  thread_local TimeKeys keys;
  const int64_t second = ms / 1000;
  if (second != keys.second) {
    const std::time_t secs = static_cast<std::time_t>(second);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    keys.second = second;
    keys.iso = buf;
    keys.epoch = std::to_string(second);
  }
  return keys;
}

// The account id an IAM or STS ARN names ("arn:aws:iam::ACCT:…").
std::string_view AccountOf(std::string_view arn) {
  for (int colons = 0; colons < 4; ++colons) {
    const size_t c = arn.find(':');
    if (c == std::string_view::npos) return {};
    arn.remove_prefix(c + 1);
  }
  return arn.substr(0, arn.find(':'));
}

// The cache key of a verified caller: what its Entry depends on. A view of
// the caller's ARN, or of `buffer` (a role session's, built there).
std::string_view KeyOf(const auth::sigv4::VerifiedCaller& v, std::string& buffer) {
  const auth::sigv4::SessionClaims* s = v.credential ? v.credential->session.get() : nullptr;
  if (s == nullptr || s->role_arn.empty()) return v.principal_arn;
  buffer.assign(s->role_arn);
  buffer += '\n';
  buffer += s->role_id;
  for (const std::string& arn : s->policy_arns) {
    buffer += '\n';
    buffer += arn;
  }
  return buffer;
}

// An empty Caller for a request. A fresh one was an allocation, and a dozen
// more for its keys, per request: each thread keeps the last one it handed
// out and, once no request holds it any more (only this thread's reference
// is left), empties and reuses it, its keys' storage included. The acquire
// fence pairs with the release of the last other reference, so whatever its
// holder did with it happened before the reuse.
std::shared_ptr<Caller> ReusableCaller() {
  thread_local std::shared_ptr<Caller> spare;
  if (spare && spare.use_count() == 1) {
    std::atomic_thread_fence(std::memory_order_acquire);
    Caller& c = *spare;
    c.administrator = false;
    c.policies.reset();
    c.session.clear();
    c.session_view.clear();
    c.keys.Clear();
    c.anchor.reset();
    return spare;
  }
  spare = std::make_shared<Caller>();  // the last one is still held (a write in progress)
  return spare;
}

// A managed policy's default version, by ARN: built in (AWS managed) or the
// account's own.
Result<std::shared_ptr<const auth::policy::CompiledPolicy>> LoadManagedPolicy(
    storage::Txn& txn, std::string_view arn, auth::policy::CompiledPolicyCache& cache) {
  if (const iam::AwsManagedPolicy* aws = iam::FindAwsManagedPolicy(arn)) {
    return cache.Get(aws->document, auth::policy::PolicyGrammar::kIdentity);
  }
  auto parsed = iam::ParseIamArn(arn);
  if (parsed && parsed->kind == iam::kPolicy) {
    COFFER_ASSIGN_OR_RETURN(auto rec,
                            txn.GetIamEntity(parsed->account_id, iam::kPolicy, parsed->name));
    if (rec && rec->arn == arn) {
      COFFER_ASSIGN_OR_RETURN(iam::ManagedPolicy p, iam::PolicyFromRecord(*rec));
      if (const iam::PolicyVersion* v = p.DefaultVersion()) {
        return cache.Get(v->document, auth::policy::PolicyGrammar::kIdentity);
      }
    }
  }
  // A policy ARN that names nothing grants nothing (AWS refuses it at
  // AssumeRole; a policy deleted since then no longer applies).
  return std::shared_ptr<const auth::policy::CompiledPolicy>();
}

// The session policy that stands for a PolicyArn that names nothing: it
// allows nothing, so the session's permissions fail closed.
std::shared_ptr<const auth::policy::CompiledPolicy> kAllowNothing() {
  static const auto* const kPolicy = [] {
    auto doc = auth::policy::ParsePolicyDocument(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]})",
        auth::policy::PolicyGrammar::kIdentity);
    return new std::shared_ptr<const auth::policy::CompiledPolicy>(
        std::make_shared<const auth::policy::CompiledPolicy>(
            std::move(auth::policy::CompiledPolicy::Compile(*doc)).value()));
  }();
  return *kPolicy;
}

}  // namespace

IdentityResolver::IdentityResolver(storage::Store& store, std::function<uint64_t()> generation,
                                   bool permissive)
    : store_(store), generation_(std::move(generation)), permissive_(permissive) {
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1, std::memory_order_relaxed);
}

uint64_t IdentityResolver::Stamp() const {
  // Both only grow, so their sum moves whenever either does.
  return (generation_ ? generation_() : 0) + local_changes_.load(std::memory_order_relaxed);
}

Result<std::shared_ptr<const IdentityResolver::Entry>> IdentityResolver::Load(
    const auth::sigv4::VerifiedCaller& v, uint64_t stamp) {
  auto entry = std::make_shared<Entry>();
  entry->stamp = stamp;
  auth::policy::Principal& p = entry->principal;
  p.account = v.account_id;
  auto policies = std::make_shared<auth::policy::PrincipalPolicies>();
  const auth::sigv4::SessionClaims* s = v.credential ? v.credential->session.get() : nullptr;
  const bool role_session = s != nullptr && !s->role_arn.empty();

  auth::policy::ContextKeys& keys = entry->keys;
  keys.Set("aws:PrincipalAccount", v.account_id);
  if (permissive_ || v.principal_arn.ends_with(":root")) {
    p.type = PrincipalType::kRoot;
    p.arn = "arn:aws:iam::" + v.account_id + ":root";
    entry->user_id = v.account_id;
    keys.Set("aws:PrincipalArn", p.arn);
    keys.Set("aws:PrincipalType", "Account");
    keys.Set("aws:userid", entry->user_id);
    policies->Seal();
    entry->policies = std::move(policies);
    return std::shared_ptr<const Entry>(std::move(entry));
  }

  COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
  // A disabled account's temporary credentials are refused like its keys.
  COFFER_ASSIGN_OR_RETURN(auto account, txn->GetAccount(v.account_id));
  if (!account || !account->active || AccountOf(v.principal_arn) != v.account_id) {
    return auth::sigv4::UnrecognizedClient();
  }
  const std::string_view iam_arn = role_session ? std::string_view(s->role_arn) : v.principal_arn;
  COFFER_ASSIGN_OR_RETURN(auto who, iam::FindPrincipal(*txn, v.account_id, iam_arn));
  if (role_session) {
    // The role, as it was when the session began: a role deleted (or
    // deleted and made again) since then no longer backs its sessions.
    if (!who || who->id != s->role_id) return auth::sigv4::UnrecognizedClient();
    p.type = PrincipalType::kAssumedRole;
    p.role_arn = s->role_arn;
    keys.Set("aws:PrincipalArn", s->role_arn);
    keys.Set("aws:PrincipalType", "AssumedRole");
  } else {
    p.type = PrincipalType::kUser;
    p.arn = v.principal_arn;
    keys.Set("aws:PrincipalArn", v.principal_arn);
    keys.Set("aws:PrincipalType", "User");
    if (who) {
      entry->user_id = who->id;
      keys.Set("aws:userid", who->id);
      keys.Set("aws:username", who->name);
    }
  }
  if (who) {
    for (const storage::Tag& t : who->tags) keys.Set("aws:PrincipalTag/" + t.key, t.value);
    auto loaded = iam::LoadPrincipalPolicies(*txn, v.account_id, iam_arn, policy_cache_);
    if (loaded.ok()) {
      *policies = **loaded;
    } else if (loaded.status().code() != StatusCode::kNotFound) {
      return loaded.status();
    }
  }
  // A role session's managed session policies (PolicyArns).
  if (role_session) {
    for (const std::string& arn : s->policy_arns) {
      COFFER_ASSIGN_OR_RETURN(auto compiled, LoadManagedPolicy(*txn, arn, policy_cache_));
      entry->session_arn_policies.push_back(std::move(compiled));
    }
  }
  policies->Seal();
  entry->policies = std::move(policies);
  return std::shared_ptr<const Entry>(std::move(entry));
}

Result<std::shared_ptr<const Caller>> IdentityResolver::Resolve(
    const auth::sigv4::VerifiedCaller& v, const RequestOrigin& origin) {
  const uint64_t stamp = Stamp();
  thread_local std::string key_buffer;  // kept: no allocation per request
  const std::string_view key = KeyOf(v, key_buffer);
  // The last principal of this thread, without the lock and the hash: a
  // client's connections mostly stay on one thread.
  struct Memo {
    uint64_t resolver = 0;
    std::string key;
    std::shared_ptr<const Entry> entry;
  };
  thread_local Memo memo;
  std::shared_ptr<const Entry> entry;
  if (memo.resolver == id_ && memo.entry && memo.entry->stamp == stamp && memo.key == key) {
    entry = memo.entry;
  } else {
    {
      MutexLock lock(mu_);
      auto it = entries_.find(key);
      if (it != entries_.end() && it->second->stamp == stamp) entry = it->second;
    }
    if (!entry) {
      COFFER_ASSIGN_OR_RETURN(entry, Load(v, stamp));
      MutexLock lock(mu_);
      if (entries_.size() >= kMaxEntries) entries_.clear();
      entries_[std::string(key)] = entry;
    }
    memo.resolver = id_;
    memo.key.assign(key);
    memo.entry = entry;
  }

  const std::shared_ptr<Caller> caller = ReusableCaller();
  caller->principal = entry->principal;
  caller->administrator = entry->principal.type == PrincipalType::kRoot;
  caller->policies = entry->policies;
  caller->anchor = entry;
  auth::policy::ContextKeys& keys = caller->keys;
  keys.SetParent(&entry->keys);
  const auth::sigv4::SessionClaims* s = v.credential ? v.credential->session.get() : nullptr;
  if (s != nullptr && !s->role_arn.empty()) {
    caller->principal.arn = v.principal_arn;  // arn:aws:sts::…:assumed-role/ROLE/SESSION
    thread_local std::string user_id;
    user_id.assign(s->role_id);
    user_id += ':';
    user_id += s->session_name;
    keys.Set("aws:userid", user_id);
    for (const auto& [k, val] : s->tags) keys.Set("aws:PrincipalTag/" + k, val);
    if (!s->source_identity.empty()) keys.Set("aws:SourceIdentity", s->source_identity);
    if (!s->session_policy.empty()) {
      COFFER_ASSIGN_OR_RETURN(
          auto compiled,
          policy_cache_.Get(s->session_policy, auth::policy::PolicyGrammar::kIdentity));
      caller->session.push_back(std::move(compiled));
    }
    for (const auto& compiled : entry->session_arn_policies) {
      // A session policy ARN that no longer names a policy allows nothing.
      caller->session.push_back(compiled ? compiled : kAllowNothing());
    }
    for (const auto& c : caller->session) caller->session_view.push_back(c.get());
  }
  keys.Set("aws:SourceIp", origin.source_ip);
  keys.Set("aws:SecureTransport", origin.secure_transport ? "true" : "false");
  const TimeKeys& time = TimeKeysOf(origin.now_ms);
  keys.Set("aws:CurrentTime", time.iso);
  keys.Set("aws:EpochTime", time.epoch);
  return std::shared_ptr<const Caller>(caller);
}

}  // namespace coffer::server
