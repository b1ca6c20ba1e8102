#include "server/credential_cache.h"

#include <mutex>

namespace coffer::server {

Result<std::optional<auth::sigv4::Credential>> CredentialCache::Lookup(
    std::string_view access_key_id) {
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(std::string(access_key_id));
    if (it != cache_.end()) return std::optional<auth::sigv4::Credential>(it->second);
  }
  COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(auto rec, txn->GetAccessKey(access_key_id));
  if (!rec || !rec->active) return std::optional<auth::sigv4::Credential>();
  COFFER_ASSIGN_OR_RETURN(SecureString secret,
                          barrier_.Open(rec->sealed_secret, "access-key|" + rec->access_key_id));
  auth::sigv4::Credential cred;
  cred.secret_access_key = std::move(secret);
  cred.account_id = rec->account_id;
  cred.principal_arn = rec->principal_arn;
  std::unique_lock lock(mu_);
  auto [it, inserted] = cache_.emplace(rec->access_key_id, std::move(cred));
  return std::optional<auth::sigv4::Credential>(it->second);
}

}  // namespace coffer::server
