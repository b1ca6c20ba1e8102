// LockInMemory: keeps key material out of swap where the system allows
// (issue #4 item 6). Without CAP_IPC_LOCK, mlock can fail (EPERM, or ENOMEM
// over RLIMIT_MEMLOCK): that is not fatal; the first failure per `warned`
// flag is logged with `what`. Pages locked this way are never unlocked (they
// may be shared with other locked objects; mlock does not count).
//
// LockedSlots: a page-aligned arena of fixed-size slots for key material
// that is cached and dropped over the process's life (the KMS key material
// cache): locked once as a whole, so dropping an entry wipes its slot and
// never has to unlock a page that something else shares; on destruction the
// whole arena is wiped, unlocked (munlock) and freed, so no locked page is
// handed back to the heap with a key in it (issue 18 item 7).
//
// Thread-safety: LockInMemory and WipeUnlockAndFree are thread-safe;
// LockedSlots is not (its owner serialises Acquire/Release; reading a slot
// that no one releases concurrently is fine).
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace coffer::crypto::internal {

// True when the pages are locked.
bool LockInMemory(const void* p, size_t n, std::string_view what, std::atomic<bool>& warned);

// Wipes `n` bytes at `p` (from a page-aligned allocation locked with
// LockInMemory, or not locked at all), unlocks them and frees them.
void WipeUnlockAndFree(void* p, size_t n);

class LockedSlots {
 public:
  // `slots` slots of `slot_size` bytes; `what` names them in the mlock warning.
  LockedSlots(size_t slot_size, size_t slots, std::string_view what);
  ~LockedSlots();
  LockedSlots(const LockedSlots&) = delete;
  LockedSlots& operator=(const LockedSlots&) = delete;

  // A free slot, or nullopt when all are taken (or the arena could not be
  // allocated).
  std::optional<size_t> Acquire();
  // Wipes slot `i` and makes it free again.
  void Release(size_t i);
  // Wipes and frees every slot.
  void ReleaseAll();

  char* slot(size_t i) { return arena_ + i * slot_size_; }
  const char* slot(size_t i) const { return arena_ + i * slot_size_; }
  size_t slot_size() const { return slot_size_; }
  size_t in_use() const { return slots_ - free_.size(); }
  bool locked() const { return locked_; }

 private:
  const size_t slot_size_;
  const size_t slots_;
  const size_t bytes_;  // rounded up to whole pages
  char* arena_ = nullptr;
  bool locked_ = false;
  std::vector<size_t> free_;
};

}  // namespace coffer::crypto::internal
