// OpTable: a compile-time table from operation name to handler, sorted by
// name (checked with static_assert(table.Sorted())) and searched by binary
// search. Shared by the Secrets Manager and KMS dispatchers.
//
// Thread-safety: immutable; safe to share.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace coffer {

template <typename Fn, size_t N>
class OpTable {
 public:
  struct Entry {
    std::string_view name;
    Fn fn;
  };

  constexpr explicit OpTable(const std::array<Entry, N>& entries) : entries_(entries) {}

  constexpr bool Sorted() const {
    for (size_t i = 1; i < N; ++i)
      if (!(entries_[i - 1].name < entries_[i].name)) return false;
    return true;
  }

  // The handler named `name`, or nullptr.
  Fn Find(std::string_view name) const {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                               [](const Entry& e, std::string_view n) { return e.name < n; });
    return it == entries_.end() || it->name != name ? nullptr : it->fn;
  }

 private:
  std::array<Entry, N> entries_;
};

}  // namespace coffer
