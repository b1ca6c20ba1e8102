// RequestContext: who is calling and where, as established by authentication.
// Passed to every service handler.
#pragma once

#include <cstdint>
#include <string>

namespace coffer {

struct RequestContext {
  std::string request_id;     // x-amzn-RequestId
  std::string account_id;     // caller's account (12 digits)
  std::string region;         // from the SigV4 credential scope
  std::string principal_arn;  // e.g. arn:aws:iam::123456789012:user/admin
  std::string access_key_id;
  int64_t now_ms = 0;  // request time from the server's Clock
};

}  // namespace coffer
