// AddressLimit: counts the open connections of each client IP address and
// refuses a new one from an address that already has `max_per_address`, so
// that one address (a flood of idle sockets, a runaway client pool) cannot
// take every one of the server's max_connections slots and starve the other
// clients. Counted at accept and at close only: never per request.
//
// An IPv4 address and its IPv4-mapped IPv6 form (a dual-stack listener)
// count as the same address. IPv6 addresses count one by one, as IPv4 ones
// do (not by /64 prefix).
//
// Thread-safety: TryAcquire and Release may be called concurrently from
// every I/O thread (one mutex guards the map). With max_per_address 0 (no
// limit) both do nothing and take no lock.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>  // before boost/asio (performance-notes §8)

#include "common/thread_annotations.h"

namespace coffer::http::internal {

// A client address as two 64-bit halves of its IPv6 (or IPv4-mapped) form.
struct AddressKey {
  uint64_t high = 0;
  uint64_t low = 0;

  static AddressKey From(const boost::asio::ip::address& address);
  bool operator==(const AddressKey& other) const { return high == other.high && low == other.low; }
};

class AddressLimit {
 public:
  // `max_per_address` 0 = no limit.
  explicit AddressLimit(size_t max_per_address) : max_per_address_(max_per_address) {}
  AddressLimit(const AddressLimit&) = delete;
  AddressLimit& operator=(const AddressLimit&) = delete;

  bool enabled() const { return max_per_address_ != 0; }

  // Counts one more connection from `key`, or returns false (counting
  // nothing) if `key` already has max_per_address open.
  bool TryAcquire(const AddressKey& key);
  // Counts one connection from `key` fewer. REQUIRES: a TryAcquire(key) that
  // returned true and has not been released.
  void Release(const AddressKey& key);

  // Open connections counted for `key` (for tests and diagnostics).
  size_t CountFor(const AddressKey& key) const;
  // Addresses with at least one open connection.
  size_t addresses() const;

 private:
  struct Hash {
    size_t operator()(const AddressKey& key) const {
      // Mixes both halves; an IPv4 address lives in the low half only.
      uint64_t h = key.low * 0x9E3779B97F4A7C15ULL ^ (key.high + 0x632BE59BD9B4E019ULL);
      return static_cast<size_t>(h ^ (h >> 29));
    }
  };

  const size_t max_per_address_;
  mutable Mutex mu_;
  std::unordered_map<AddressKey, uint32_t, Hash> open_ GUARDED_BY(mu_);  // no zero counts
};

}  // namespace coffer::http::internal
