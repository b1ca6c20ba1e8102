// CredentialCache: finds the secret of an access key for SigV4 verification.
// Access keys live in the store with their secret sealed by the root key; the
// first lookup of a key opens it and keeps it in memory (SecureString, wiped
// on destruction) so the hot path never touches the database or the barrier.
// Unknown keys are not cached (so a key created later is found). Lookups
// share the cached Credential (no copy of the secret per request), and each
// secret opened gets a new serial (Credential::serial) for the SigningKeyCache.
//
// Thread-safety: Lookup() may be called concurrently (shared_mutex: readers
// in parallel, a miss takes the exclusive lock only to insert).
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/sigv4/verifier.h"
#include "coffer/result.h"
#include "common/sharded_cache.h"  // StringHash
#include "crypto/barrier.h"
#include "storage/store.h"

namespace coffer::server {

class CredentialCache {
 public:
  CredentialCache(storage::Store& store, const crypto::Barrier& barrier)
      : store_(store), barrier_(barrier) {}

  Result<std::shared_ptr<const auth::sigv4::Credential>> Lookup(std::string_view access_key_id);

 private:
  storage::Store& store_;
  const crypto::Barrier& barrier_;
  std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const auth::sigv4::Credential>, StringHash,
                     std::equal_to<>>
      cache_;  // GUARDED_BY(mu_)
};

}  // namespace coffer::server
