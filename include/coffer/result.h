// Result<T>: a value or a non-OK Status, shaped like std::expected<T, Status>
// (GCC 12 offers <expected> only under -std=c++2b). Names follow abseil's
// StatusOr so a later switch stays mechanical.
//
// Thread-safety: a value type, like Status.
#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "coffer/status.h"

namespace coffer {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result constructed from an OK Status");
    if (status_.ok()) status_ = Status::Internal("Result from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  Status take_status() { return std::move(status_); }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace coffer

#define COFFER_CONCAT_INNER_(a, b) a##b
#define COFFER_CONCAT_(a, b) COFFER_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function unless it is OK.
#define COFFER_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::coffer::Status coffer_status_ = (expr);        \
    if (!coffer_status_.ok()) return coffer_status_; \
  } while (0)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, otherwise
// moves the value into `lhs` (which may be a declaration).
#define COFFER_ASSIGN_OR_RETURN(lhs, rexpr) \
  COFFER_ASSIGN_OR_RETURN_IMPL_(COFFER_CONCAT_(coffer_result_, __LINE__), lhs, rexpr)
#define COFFER_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                  \
  if (!tmp.ok()) return tmp.take_status();             \
  lhs = std::move(tmp).value()
