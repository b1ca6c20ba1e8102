// Status: the outcome of a fallible operation, as in leveldb/abseil.
//
// A Status is OK (the cheap, empty state) or carries a code from a small
// canonical set, an optional `reason` and a message. The reason carries the
// finer AWS distinction the wire needs (for example the `__type`
// "ResourceNotFoundException" or "InvalidSignatureException"); the protocol
// layer maps (code, reason) to the HTTP status and error body. The message is
// what the client sees, so it must never contain a secret value, key or
// internal detail (SQL text, file paths): log those, do not return them.
//
// Thread-safety: a Status is a value; distinct objects may be used from
// different threads, a shared one only for reading.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace coffer {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the request is malformed or breaks a rule (400)
  kNotFound,            // the named thing does not exist (400 on AWS JSON)
  kAlreadyExists,       // create of something that exists (400)
  kFailedPrecondition,  // the resource is in the wrong state (400)
  kPermissionDenied,    // authenticated but not allowed (400 AccessDenied)
  kUnauthenticated,     // signature / credential problems (400 or 403)
  kResourceExhausted,   // limits and throttling (400)
  kUnavailable,         // try again later (503)
  kDataLoss,            // stored data cannot be read back (500)
  kInternal,            // a bug or an environment failure (500)
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string reason, std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(reason), std::move(msg)};
  }
  static Status NotFound(std::string reason, std::string msg) {
    return {StatusCode::kNotFound, std::move(reason), std::move(msg)};
  }
  static Status AlreadyExists(std::string reason, std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(reason), std::move(msg)};
  }
  static Status FailedPrecondition(std::string reason, std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(reason), std::move(msg)};
  }
  static Status PermissionDenied(std::string reason, std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(reason), std::move(msg)};
  }
  static Status Unauthenticated(std::string reason, std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(reason), std::move(msg)};
  }
  static Status ResourceExhausted(std::string reason, std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(reason), std::move(msg)};
  }
  static Status Unavailable(std::string reason, std::string msg) {
    return {StatusCode::kUnavailable, std::move(reason), std::move(msg)};
  }
  static Status DataLoss(std::string msg) { return {StatusCode::kDataLoss, "", std::move(msg)}; }
  // Internal errors: `detail` is for the log only; clients see a generic message.
  static Status Internal(std::string detail) {
    return {StatusCode::kInternal, "", std::move(detail)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  // For logs and test failure messages.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string reason_;
  std::string message_;
};

std::string_view StatusCodeName(StatusCode code);

inline std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(StatusCodeName(code_));
  if (!reason_.empty()) s += "(" + reason_ + ")";
  s += ": " + message_;
  return s;
}

inline std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kFailedPrecondition: return "FailedPrecondition";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
    case StatusCode::kUnauthenticated: return "Unauthenticated";
    case StatusCode::kResourceExhausted: return "ResourceExhausted";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kDataLoss: return "DataLoss";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

}  // namespace coffer
