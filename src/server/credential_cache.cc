#include "server/credential_cache.h"

#include <utility>
#include <vector>

#include "common/log.h"

namespace coffer::server {
namespace {

// AWS's constraint on an AccessKeyId: [\w]+, 16 to 128 characters.
bool ShapedLikeAccessKeyId(std::string_view id) {
  if (id.size() < 16 || id.size() > 128) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

CredentialCache::CredentialCache(storage::Store& store, const crypto::Barrier& barrier,
                                 CredentialCacheOptions options)
    : store_(store), barrier_(barrier), options_(options) {}

CredentialCache::~CredentialCache() { Stop(); }

Result<std::shared_ptr<const auth::sigv4::Credential>> CredentialCache::Lookup(
    std::string_view access_key_id) {
  using CredentialPtr = std::shared_ptr<const auth::sigv4::Credential>;
  uint64_t epoch;
  bool outside_known;
  {
    ReaderMutexLock lock(mu_);
    auto it = positive_.find(access_key_id);
    if (it != positive_.end()) return it->second.credential;
    if (negative_[0].contains(access_key_id) || negative_[1].contains(access_key_id)) {
      negative_hits_.fetch_add(1, std::memory_order_relaxed);
      return CredentialPtr();
    }
    outside_known = known_loaded_ && !known_.contains(access_key_id);
    epoch = epoch_;
  }
  if (!ShapedLikeAccessKeyId(access_key_id)) return CredentialPtr();
  if (outside_known) {
    // Perhaps created by another process since the last poll: poll now, if
    // no lookup did within miss_refresh_gap, and look again.
    if (MissRefreshDue()) {
      miss_refreshes_.fetch_add(1, std::memory_order_relaxed);
      COFFER_RETURN_IF_ERROR(Poll());
      ReaderMutexLock lock(mu_);
      outside_known = !known_.contains(access_key_id);
      epoch = epoch_;
    }
    if (outside_known) {
      negative_hits_.fetch_add(1, std::memory_order_relaxed);
      return CredentialPtr();
    }
  }

  store_reads_.fetch_add(1, std::memory_order_relaxed);
  std::optional<storage::AccessKeyRecord> rec;
  bool account_active = true;
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(rec, txn->GetAccessKey(access_key_id));
    if (rec && rec->active) {
      // Same snapshot as the key. A key of an account without a row (not
      // written by Coffer) is judged by its own row alone.
      COFFER_ASSIGN_OR_RETURN(auto account, txn->GetAccount(rec->account_id));
      account_active = !account || account->active;
    }
  }
  std::shared_ptr<auth::sigv4::Credential> cred;
  if (rec && rec->active && account_active) {
    auto secret = rec->seal_version == kAccessKeySealVersion
                      ? OpenAccessKeySecret(barrier_, *rec)
                      : Result<SecureString>(Status::DataLoss("old seal version"));
    if (secret.ok()) {
      cred = std::make_shared<auth::sigv4::Credential>();
      cred->secret_access_key = std::move(*secret);
      cred->account_id = rec->account_id;
      cred->principal_arn = rec->principal_arn;
      cred->serial = auth::sigv4::NextCredentialSerial();
    } else {
      // Fail closed: the key is unknown to the caller. Logged once per
      // negative-cache entry, with the id and nothing secret.
      LogError(
          "access key refused: its sealed secret does not open with its columns (row "
          "altered, or not resealed)",
          {{"access_key_id", rec->access_key_id},
           {"seal_version", std::to_string(rec->seal_version)}});
    }
  }
  WriterMutexLock lock(mu_);
  if (epoch_ != epoch) return CredentialPtr(cred);  // changed meanwhile: do not cache
  if (!cred) {
    RememberUnknownLocked(access_key_id);
    return CredentialPtr();
  }
  std::string id = rec->access_key_id;
  auto [it, inserted] =
      positive_.try_emplace(std::move(id), Entry{cred, std::move(*rec), account_active});
  return it->second.credential;
}

bool CredentialCache::MissRefreshDue() {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  int64_t last = last_miss_refresh_ms_.load(std::memory_order_relaxed);
  if (now - last < options_.miss_refresh_gap.count()) return false;
  return last_miss_refresh_ms_.compare_exchange_strong(last, now, std::memory_order_relaxed);
}

void CredentialCache::RememberUnknownLocked(std::string_view access_key_id) {
  const size_t half = options_.negative_capacity / 2;
  if (half == 0) return;
  if (negative_[0].size() >= half) {
    negative_[1] = std::move(negative_[0]);
    negative_[0].clear();
  }
  negative_[0].emplace(access_key_id);
}

void CredentialCache::Invalidate(std::string_view access_key_id) {
  WriterMutexLock lock(mu_);
  if (auto it = positive_.find(access_key_id); it != positive_.end()) positive_.erase(it);
  for (auto& half : negative_) {
    if (auto it = half.find(access_key_id); it != half.end()) half.erase(it);
  }
  if (known_loaded_) known_.emplace(access_key_id);  // perhaps created: read it
  ++epoch_;
}

Status CredentialCache::Poll() {
  MutexLock poll_lock(poll_mu_);
  int64_t generation;
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(generation, txn->GetAuthGeneration());
  }
  std::vector<std::pair<std::string, std::shared_ptr<const auth::sigv4::Credential>>> cached;
  uint64_t poll_epoch;
  {
    WriterMutexLock lock(mu_);
    if (generation == seen_generation_) return Status::Ok();
    // From here on, lookups that read the store before this point cannot
    // cache what they read; unknown ids may have been created.
    poll_epoch = ++epoch_;
    negative_[0].clear();
    negative_[1].clear();
    cached.reserve(positive_.size());
    for (const auto& [id, entry] : positive_) cached.emplace_back(id, entry.credential);
  }
  revalidations_.fetch_add(1, std::memory_order_relaxed);
  // Every row as it is now (read after the generation above): the ids for
  // known_, the rows to compare the cached ones with.
  std::unordered_map<std::string, storage::AccessKeyRecord, StringHash, std::equal_to<>> rows;
  // The accounts that are not active (an account status change moves the
  // generation too).
  std::unordered_set<std::string, StringHash, std::equal_to<>> inactive_accounts;
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(auto all, txn->ListAllAccessKeys());
    rows.reserve(all.size());
    for (storage::AccessKeyRecord& row : all) {
      std::string id = row.access_key_id;
      rows.emplace(std::move(id), std::move(row));
    }
    COFFER_ASSIGN_OR_RETURN(auto accounts, txn->ListAccounts());
    for (storage::AccountRecord& account : accounts) {
      if (!account.active) inactive_accounts.insert(std::move(account.account_id));
    }
  }
  std::unordered_set<std::string, StringHash, std::equal_to<>> known;
  known.reserve(rows.size());
  for (const auto& [id, row] : rows) known.insert(id);
  WriterMutexLock lock(mu_);
  for (const auto& [id, credential] : cached) {
    auto it = positive_.find(id);
    if (it == positive_.end() || it->second.credential != credential) continue;
    auto row = rows.find(id);
    if (row == rows.end() || row->second != it->second.row ||
        inactive_accounts.contains(row->second.account_id) == it->second.account_active) {
      positive_.erase(it);
    }
  }
  // An Invalidate() since the list was read may name a key created after
  // it: keep what known_ has too (an id too many costs one read, not an error).
  if (epoch_ != poll_epoch) known.insert(known_.begin(), known_.end());
  known_ = std::move(known);
  known_loaded_ = true;
  seen_generation_ = generation;
  changes_.fetch_add(1, std::memory_order_release);
  return Status::Ok();
}

void CredentialCache::Start() {
  if (options_.poll_interval.count() <= 0 || poller_.joinable()) return;
  {
    MutexLock lock(thread_mu_);
    stop_ = false;
  }
  poller_ = std::thread([this] { RunPoller(); });
}

void CredentialCache::Stop() {
  if (!poller_.joinable()) return;
  {
    MutexLock lock(thread_mu_);
    stop_ = true;
  }
  thread_cv_.notify_all();
  poller_.join();
}

void CredentialCache::RunPoller() {
  bool failing = false;
  MutexLock lock(thread_mu_);
  while (!stop_) {
    lock.Unlock();
    Status s = Poll();
    if (!s.ok() && !failing) {
      LogWarn(
          "cannot read the auth generation; cached credentials are kept until it can be "
          "read again",
          {{"error", s.ToString()}});
    } else if (s.ok() && failing) {
      LogInfo("the auth generation can be read again");
    }
    failing = !s.ok();
    lock.Lock();
    lock.WaitFor(thread_cv_, options_.poll_interval,
                 [this]() REQUIRES(thread_mu_) { return stop_; });
  }
}

CredentialCache::Stats CredentialCache::stats() const {
  Stats s;
  s.store_reads = store_reads_.load(std::memory_order_relaxed);
  s.negative_hits = negative_hits_.load(std::memory_order_relaxed);
  s.revalidations = revalidations_.load(std::memory_order_relaxed);
  s.miss_refreshes = miss_refreshes_.load(std::memory_order_relaxed);
  ReaderMutexLock lock(mu_);
  s.positive = positive_.size();
  s.negative = negative_[0].size() + negative_[1].size();
  return s;
}

}  // namespace coffer::server
