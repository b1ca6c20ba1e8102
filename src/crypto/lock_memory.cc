#include "crypto/lock_memory.h"

#include <openssl/crypto.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/log.h"

namespace coffer::crypto::internal {
namespace {

constexpr size_t kPage = 4096;

size_t RoundUpToPages(size_t n) { return (n + kPage - 1) / kPage * kPage; }

}  // namespace

bool LockInMemory(const void* p, size_t n, std::string_view what, std::atomic<bool>& warned) {
  if (n == 0 || ::mlock(p, n) == 0) return true;
  const int err = errno;
  if (!warned.exchange(true)) {
    LogWarn("cannot lock " + std::string(what) + " in memory (mlock); it could be swapped out",
            {{"errno", std::to_string(err)}});
  }
  return false;
}

void WipeUnlockAndFree(void* p, size_t n) {
  if (p == nullptr) return;
  OPENSSL_cleanse(p, n);
  ::munlock(p, n);  // EINVAL/ENOMEM when it was never locked: nothing to undo
  std::free(p);
}

LockedSlots::LockedSlots(size_t slot_size, size_t slots, std::string_view what)
    : slot_size_(slot_size), slots_(slots), bytes_(RoundUpToPages(slot_size * slots)) {
  if (bytes_ == 0) return;
  arena_ = static_cast<char*>(std::aligned_alloc(kPage, bytes_));
  if (arena_ == nullptr) return;
  std::memset(arena_, 0, bytes_);
  static std::atomic<bool> warned{false};
  locked_ = LockInMemory(arena_, bytes_, what, warned);
  free_.reserve(slots_);
  for (size_t i = slots_; i-- > 0;) free_.push_back(i);
}

LockedSlots::~LockedSlots() { WipeUnlockAndFree(arena_, bytes_); }

std::optional<size_t> LockedSlots::Acquire() {
  if (arena_ == nullptr || free_.empty()) return std::nullopt;
  const size_t i = free_.back();
  free_.pop_back();
  return i;
}

void LockedSlots::Release(size_t i) {
  OPENSSL_cleanse(slot(i), slot_size_);
  free_.push_back(i);
}

void LockedSlots::ReleaseAll() {
  if (arena_ == nullptr) return;
  OPENSSL_cleanse(arena_, bytes_);
  free_.clear();
  for (size_t i = slots_; i-- > 0;) free_.push_back(i);
}

}  // namespace coffer::crypto::internal
