#include "server/credential_cache.h"

#include <atomic>
#include <mutex>

namespace coffer::server {
namespace {

// Serials of the secrets opened by any CredentialCache of the process: never
// reused, so a serial names one secret (SigningKeyCache::Get).
std::atomic<uint64_t> next_serial{1};

}  // namespace

Result<std::shared_ptr<const auth::sigv4::Credential>> CredentialCache::Lookup(
    std::string_view access_key_id) {
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(access_key_id);
    if (it != cache_.end()) return it->second;
  }
  COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(auto rec, txn->GetAccessKey(access_key_id));
  if (!rec || !rec->active) return std::shared_ptr<const auth::sigv4::Credential>();
  COFFER_ASSIGN_OR_RETURN(SecureString secret,
                          barrier_.Open(rec->sealed_secret, "access-key|" + rec->access_key_id));
  auto cred = std::make_shared<auth::sigv4::Credential>();
  cred->secret_access_key = std::move(secret);
  cred->account_id = rec->account_id;
  cred->principal_arn = rec->principal_arn;
  cred->serial = next_serial.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(mu_);
  auto [it, inserted] = cache_.emplace(rec->access_key_id, std::move(cred));
  return it->second;
}

}  // namespace coffer::server
