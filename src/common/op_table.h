// OpTable: a compile-time table from operation name to handler, sorted by
// name (checked with static_assert(table.Sorted())) and searched by binary
// search; DispatchJsonOp runs one. Shared by the Secrets Manager and KMS
// dispatchers.
//
// Thread-safety: immutable; safe to share.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <utility>

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

// The dispatch both services share: runs the handler `ops` has for `op` as
// the body of one JSON object written to `out` (the handler writes the
// members; `out` is its last argument, after `args`), or returns
// `unknown(op)` when there is none. On failure `out` holds a partial object
// that the caller discards.
template <typename Fn, size_t N, typename Unknown, typename Writer, typename... Args>
auto DispatchJsonOp(const OpTable<Fn, N>& ops, std::string_view op, const Unknown& unknown,
                    Writer& out, Args&&... args) -> decltype(unknown(op)) {
  const Fn fn = ops.Find(op);
  if (fn == nullptr) return unknown(op);
  out.StartObject();
  auto status = fn(std::forward<Args>(args)..., out);
  if (!status.ok()) return status;
  out.EndObject();
  return status;
}

}  // namespace coffer
