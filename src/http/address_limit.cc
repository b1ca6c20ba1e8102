#include "http/address_limit.h"

namespace coffer::http::internal {

AddressKey AddressKey::From(const boost::asio::ip::address& address) {
  boost::asio::ip::address_v6::bytes_type bytes;
  if (address.is_v4()) {
    bytes =
        boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, address.to_v4()).to_bytes();
  } else {
    bytes = address.to_v6().to_bytes();
  }
  AddressKey key;
  for (size_t i = 0; i < 8; ++i) key.high = (key.high << 8) | bytes[i];
  for (size_t i = 8; i < 16; ++i) key.low = (key.low << 8) | bytes[i];
  return key;
}

bool AddressLimit::TryAcquire(const AddressKey& key) {
  if (max_per_address_ == 0) return true;
  MutexLock lock(mu_);
  uint32_t& count = open_[key];
  if (count >= max_per_address_) return false;  // leaves count >= 1: no zero entry
  ++count;
  return true;
}

void AddressLimit::Release(const AddressKey& key) {
  if (max_per_address_ == 0) return;
  MutexLock lock(mu_);
  auto it = open_.find(key);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

size_t AddressLimit::CountFor(const AddressKey& key) const {
  MutexLock lock(mu_);
  auto it = open_.find(key);
  return it == open_.end() ? 0 : it->second;
}

size_t AddressLimit::addresses() const {
  MutexLock lock(mu_);
  return open_.size();
}

}  // namespace coffer::http::internal
