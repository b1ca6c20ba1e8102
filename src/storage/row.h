// Row<T>: what a Store's point lookup returns: a record, or nothing. It reads
// like std::optional<const T> (has_value, *, ->, == std::nullopt) but holds
// the record through a shared pointer, so an engine that caches rows
// (ReadCache) hands out the cached record itself instead of a copy of every
// string in it: the copies were ~5% of a GetSecretValue's CPU
// (docs/performance.md §6). A record reached through a Row is immutable; a
// caller that wants to change it copies it (`SecretRecord s = *row;`).
//
// Thread-safety: a Row may be copied and read from any thread (the record is
// const, the count atomic).
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <utility>

namespace coffer::storage {

template <typename T>
class Row {
 public:
  Row() = default;
  Row(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): reads like optional
  explicit Row(std::shared_ptr<const T> record) : record_(std::move(record)) {}
  // A record of its own (an engine without a cache, or a cache miss).
  static Row Of(T record) { return Row(std::make_shared<const T>(std::move(record))); }
  static Row Of(std::optional<T> record) { return record ? Of(*std::move(record)) : Row(); }

  bool has_value() const { return record_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  const T& operator*() const {
    assert(record_);
    return *record_;
  }
  const T* operator->() const {
    assert(record_);
    return record_.get();
  }
  const std::shared_ptr<const T>& shared() const { return record_; }
  void reset() { record_.reset(); }

  friend bool operator==(const Row& row, std::nullopt_t) { return !row.has_value(); }
  friend bool operator==(const Row& row, const T& value) {
    return row.has_value() && *row == value;
  }

 private:
  std::shared_ptr<const T> record_;
};

}  // namespace coffer::storage
