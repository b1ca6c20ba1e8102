// LockInMemory: keeps key material out of swap where the system allows
// (issue #4 item 6). Without CAP_IPC_LOCK, mlock can fail (EPERM, or ENOMEM
// over RLIMIT_MEMLOCK): that is not fatal; the first failure per `warned`
// flag is logged with `what`. Pages are never unlocked (they may be shared
// with other locked objects; mlock does not count).
//
// Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <string_view>

namespace coffer::crypto::internal {

void LockInMemory(const void* p, size_t n, std::string_view what, std::atomic<bool>& warned);

}  // namespace coffer::crypto::internal
