#include "agent/secret_cache.h"

#include <charconv>
#include <utility>

namespace coffer::agent {

std::string SecretQuery::CacheKey() const {
  // Length-prefixed parts: no secret id can collide with another's parts.
  std::string key;
  key.reserve(secret_id.size() + 16);
  key.append(std::to_string(secret_id.size())).append(":").append(secret_id);
  for (const auto* part : {&version_id, &version_stage}) {
    if (part->has_value()) {
      key.append("|").append(std::to_string((*part)->size())).append(":").append(**part);
    } else {
      key.append("|-");
    }
  }
  return key;
}

std::string_view SecretIdOfKey(std::string_view key) {
  size_t colon = key.find(':');
  if (colon == std::string_view::npos) return {};
  size_t len = 0;
  auto [ptr, ec] = std::from_chars(key.data(), key.data() + colon, len);
  if (ec != std::errc() || ptr != key.data() + colon || colon + 1 + len > key.size()) return {};
  return key.substr(colon + 1, len);
}

SecretCache::SecretCache(size_t capacity, std::chrono::seconds ttl,
                         std::function<Clock::time_point()> now, std::chrono::seconds max_stale)
    : capacity_(capacity == 0 ? 1 : capacity),
      ttl_(ttl),
      max_stale_(max_stale.count() < 0 ? std::chrono::seconds(0) : max_stale),
      now_(now ? std::move(now) : std::function<Clock::time_point()>(&Clock::now)) {}

std::shared_ptr<const SecureString> SecretCache::Get(const std::string& key) {
  if (!enabled()) return nullptr;
  const Clock::time_point now = now_();
  MutexLock lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (now - it->second->stored >= ttl_) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

SecretCache::Lookup SecretCache::Find(const std::string& key) {
  Lookup out;
  if (!enabled()) return out;
  const Clock::time_point now = now_();
  MutexLock lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return out;
  const Clock::duration age = now - it->second->stored;
  out.age = std::chrono::duration_cast<std::chrono::seconds>(age);
  if (age < ttl_) {
    lru_.splice(lru_.begin(), lru_, it->second);
    out.value = it->second->value;
    out.fresh = true;
  } else if (age < ttl_ + max_stale_) {
    out.value = it->second->value;
  } else {
    DropLocked(it->second);
    ++stats_.expirations;
  }
  return out;
}

void SecretCache::Put(const std::string& key, SecureString value) {
  if (!enabled()) return;
  auto shared = std::make_shared<const SecureString>(std::move(value));
  const Clock::time_point now = now_();
  MutexLock lock(mu_);
  PutLocked(key, std::move(shared), now);
}

bool SecretCache::PutIfUnchanged(const std::string& key, SecureString value, uint64_t epoch) {
  if (!enabled()) return false;
  auto shared = std::make_shared<const SecureString>(std::move(value));
  const Clock::time_point now = now_();
  MutexLock lock(mu_);
  if (epoch != epoch_) return false;
  PutLocked(key, std::move(shared), now);
  return true;
}

uint64_t SecretCache::epoch() {
  MutexLock lock(mu_);
  return epoch_;
}

void SecretCache::PutLocked(const std::string& key, std::shared_ptr<const SecureString> value,
                            Clock::time_point now) {
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->value = std::move(value);
    it->second->stored = now;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  if (lru_.size() >= capacity_) {
    DropLocked(std::prev(lru_.end()));
    ++stats_.evictions;
  }
  lru_.push_front(Entry{key, std::move(value), now});
  index_[key] = lru_.begin();
}

void SecretCache::DropLocked(Iterator it) {
  index_.erase(it->key);
  lru_.erase(it);
}

void SecretCache::Erase(const std::string& key) {
  MutexLock lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    DropLocked(it->second);
    ++stats_.invalidations;
  }
}

size_t SecretCache::Invalidate(const std::function<bool(std::string_view)>& matches) {
  MutexLock lock(mu_);
  ++epoch_;
  size_t dropped = 0;
  for (auto it = lru_.begin(); it != lru_.end();) {
    auto next = std::next(it);
    if (matches(SecretIdOfKey(it->key))) {
      DropLocked(it);
      ++dropped;
    }
    it = next;
  }
  stats_.invalidations += dropped;
  return dropped;
}

size_t SecretCache::Clear() {
  MutexLock lock(mu_);
  ++epoch_;
  size_t dropped = lru_.size();
  index_.clear();
  lru_.clear();
  stats_.invalidations += dropped;
  return dropped;
}

size_t SecretCache::size() {
  MutexLock lock(mu_);
  return lru_.size();
}

SecretCache::Stats SecretCache::stats() {
  MutexLock lock(mu_);
  Stats s = stats_;
  s.entries = lru_.size();
  return s;
}

}  // namespace coffer::agent
