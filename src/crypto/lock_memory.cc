#include "crypto/lock_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <string>

#include "common/log.h"

namespace coffer::crypto::internal {

void LockInMemory(const void* p, size_t n, std::string_view what, std::atomic<bool>& warned) {
  if (n == 0 || ::mlock(p, n) == 0) return;
  const int err = errno;
  if (!warned.exchange(true)) {
    LogWarn("cannot lock " + std::string(what) + " in memory (mlock); it could be swapped out",
            {{"errno", std::to_string(err)}});
  }
}

}  // namespace coffer::crypto::internal
