// CredentialCache: finds the secret of an access key for SigV4 verification,
// and forgets it when the key changes.
//
// Access keys live in the store with their secret sealed by the root key,
// bound to every column that grants access (AccessKeyAad). The first lookup
// of a key opens it and keeps it in memory (SecureString, wiped on
// destruction), so the hot path touches neither the database nor the
// barrier: a shared lock and a hash lookup, as before revocation existed.
// Lookups share the cached Credential (no copy of the secret per request);
// each secret opened gets a new serial (Credential::serial) for the
// SigningKeyCache.
//
// A key whose account is disabled (AccountRecord::active, `coffer admin
// account disable`) is refused like an inactive one: the lookup that opens a
// key reads its account row in the same transaction (a key whose account has
// no row is judged by its own row).
//
// Revocation (docs/architecture.md): every access-key change, and every
// change of an account's status, moves the store's auth generation in the
// transaction that makes it (Txn::GetAuthGeneration).
//   * Poll() reads it (one single-row read); when it moved, it re-reads every
//     access-key row and account, drops the cached keys that changed or are
//     gone or whose account's status changed, clears
//     the negative cache and reloads the known ids (below). Start() runs Poll every poll_interval
//     on a thread of its own, so a change made by another process or node (e.g. `coffer admin
//     access-key deactivate`) stops a key within that bound, at no cost per request.
//   * Invalidate(id) drops one key at once; this process's own writers call
//     it after their commit so the change applies to the next request.
// Lookups that read the database while either happened do not cache what
// they read (an epoch counter), so a stale row cannot be put back.
//
// Unknown access key ids cost no database read (issue #18 item 2): each
// Poll that sees the generation move also reloads the set of every access
// key id in the store, and an id outside it is refused from memory, so a
// client sending random ids cannot make each request a read. A key created by
// another process is found at once all the same: an id outside the set makes
// the lookup Poll first (a single-row read of the generation, which reloads
// the set if it moved), but at most once per miss_refresh_gap for all callers
// together, so random ids cost at most that many reads a second, not one each;
// Invalidate(id) adds `id` at once for this process's own writers. Until the
// first Poll, lookups read the store. Ids in the store but inactive or
// unopenable (a row whose columns were altered: fail closed, logged once with
// the key id) are cached as negative, in at most negative_capacity entries
// (two halves; when the newer is full the older is dropped). Ids not shaped
// like an access key ([A-Za-z0-9_]{16,128}) are refused without a read.
//
// Thread-safety: Lookup, Invalidate and Poll may be called concurrently
// (shared_mutex: lookups in parallel; a miss, an invalidation or a
// revalidation takes it exclusively, briefly, never across a database read).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "auth/sigv4/verifier.h"
#include "coffer/result.h"
#include "common/secure_string.h"
#include "common/sharded_cache.h"  // StringHash
#include "common/thread_annotations.h"
#include "crypto/barrier.h"
#include "server/access_keys.h"
#include "storage/store.h"

namespace coffer::server {

struct CredentialCacheOptions {
  // How often the Start()ed thread reads the auth generation. 0: no thread
  // (tests call Poll themselves).
  std::chrono::milliseconds poll_interval{250};
  // Unknown ids remembered, at most.
  size_t negative_capacity = 10000;
  // The least time between two Polls made by lookups of ids outside the known
  // set (a key created elsewhere since the last poll).
  std::chrono::milliseconds miss_refresh_gap{10};
};

class CredentialCache {
 public:
  CredentialCache(storage::Store& store, const crypto::Barrier& barrier,
                  CredentialCacheOptions options = {});
  ~CredentialCache();  // Stop()s
  CredentialCache(const CredentialCache&) = delete;
  CredentialCache& operator=(const CredentialCache&) = delete;

  // The credential of an active key whose row opens; null otherwise
  // (UnrecognizedClientException). An error only when the store fails.
  Result<std::shared_ptr<const auth::sigv4::Credential>> Lookup(std::string_view access_key_id);

  // Forgets what is cached about `access_key_id` (positive or negative);
  // the next Lookup reads the store. Call after committing a change to it.
  void Invalidate(std::string_view access_key_id);

  // Reads the auth generation; when it moved since the last Poll, revalidates
  // (see above). Errors are the store's.
  Status Poll();

  // A number that grows each time a Poll saw the auth generation move or a
  // key was invalidated: whatever was derived from IAM or access keys before
  // it moved may be stale (server::IdentityResolver's cache).
  uint64_t changes() const { return changes_.load(std::memory_order_acquire); }

  // Starts / stops the polling thread (no-op when poll_interval is 0).
  // Stop before closing the store.
  void Start();
  void Stop();

  struct Stats {
    uint64_t store_reads = 0;     // lookups that read the store
    uint64_t negative_hits = 0;   // lookups refused from memory (negative or not known)
    uint64_t revalidations = 0;   // polls that saw the generation move
    uint64_t miss_refreshes = 0;  // polls made by lookups of ids outside the known set
    size_t positive = 0;          // entries now
    size_t negative = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::shared_ptr<const auth::sigv4::Credential> credential;
    storage::AccessKeyRecord row;  // as opened (sealed_secret is ciphertext)
    bool account_active = true;    // its account's status when opened
  };
  void RememberUnknownLocked(std::string_view access_key_id) REQUIRES(mu_);
  // True for one caller at most every miss_refresh_gap.
  bool MissRefreshDue();
  void RunPoller();

  storage::Store& store_;
  const crypto::Barrier& barrier_;
  const CredentialCacheOptions options_;

  mutable SharedMutex mu_;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> positive_ GUARDED_BY(mu_);
  // negative_[0] is the newer half.
  std::unordered_set<std::string, StringHash, std::equal_to<>> negative_[2] GUARDED_BY(mu_);
  // Every access key id in the store as of seen_generation_, once a Poll
  // loaded it (known_loaded_), plus those Invalidate()d since.
  std::unordered_set<std::string, StringHash, std::equal_to<>> known_ GUARDED_BY(mu_);
  bool known_loaded_ GUARDED_BY(mu_) = false;
  uint64_t epoch_ GUARDED_BY(mu_) = 0;  // moves on Invalidate and revalidation
  int64_t seen_generation_ GUARDED_BY(mu_) = -1;
  std::atomic<uint64_t> changes_{0};
  Mutex poll_mu_ ACQUIRED_BEFORE(mu_);  // one Poll at a time

  std::atomic<uint64_t> store_reads_{0};
  std::atomic<uint64_t> negative_hits_{0};
  std::atomic<uint64_t> revalidations_{0};
  std::atomic<uint64_t> miss_refreshes_{0};
  std::atomic<int64_t> last_miss_refresh_ms_{INT64_MIN / 2};  // steady clock

  Mutex thread_mu_;
  std::condition_variable thread_cv_;
  bool stop_ GUARDED_BY(thread_mu_) = false;
  std::thread poller_;
};

}  // namespace coffer::server
