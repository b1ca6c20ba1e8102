// RequestContext: who is calling and where, as established by authentication.
// Passed to every service handler.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace coffer::auth::policy {
struct Caller;  // auth/policy/access.h
}  // namespace coffer::auth::policy

namespace coffer {

struct RequestContext {
  std::string request_id;     // x-amzn-RequestId
  std::string account_id;     // caller's account (12 digits)
  std::string region;         // from the SigV4 credential scope
  std::string principal_arn;  // e.g. arn:aws:iam::123456789012:user/admin
  std::string access_key_id;
  int64_t now_ms = 0;  // request time from the server's Clock
  // Who calls, for authorization (auth/policy/access.h): set by the server's
  // pipeline for every request it admits. Null only for Coffer's own work
  // (the purge, rotation, unit tests of business rules), which is not
  // authorized per action.
  std::shared_ptr<const auth::policy::Caller> caller;
};

}  // namespace coffer
