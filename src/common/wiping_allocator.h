// Allocators that wipe (OPENSSL_cleanse) a block before freeing it, for the
// buffers a secret passes through on its way in or out and that would
// otherwise leave a copy in freed heap memory:
//   WipingAllocator<T>   a std allocator (a connection's read buffer, the
//                        buffer of every SecureString);
//   WipingJsonAllocator  RapidJSON's Allocator concept (the parse stacks of
//                        a request body, which hold every decoded string).
// Wiping costs about as much as writing the block once.
//
// Thread-safety: stateless; safe from any thread.
#pragma once

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace coffer {

namespace wiping_testing {
// Tests only (null otherwise): called by WipingAllocator::deallocate with
// each block after it is wiped and before it is freed, so that a test can
// check that a reallocation left no copy behind without reading freed memory.
inline std::atomic<void (*)(const void* p, size_t n)> free_observer{nullptr};
}  // namespace wiping_testing

template <class T>
struct WipingAllocator {
  using value_type = T;

  WipingAllocator() = default;
  template <class U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}  // NOLINT: rebinding converts

  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) noexcept {
    OPENSSL_cleanse(p, n * sizeof(T));
    if (auto* observe = wiping_testing::free_observer.load(std::memory_order_relaxed))
      observe(p, n * sizeof(T));
    ::operator delete(p);
  }

  template <class U>
  bool operator==(const WipingAllocator<U>&) const noexcept {
    return true;
  }
};

class WipingJsonAllocator {
 public:
  static const bool kNeedFree = true;

  void* Malloc(size_t size) {
    if (size == 0 || size > SIZE_MAX - kHeader) return nullptr;
    auto* block = static_cast<unsigned char*>(std::malloc(kHeader + size));
    if (block == nullptr) return nullptr;
    std::memcpy(block, &size, sizeof size);
    return block + kHeader;
  }

  void* Realloc(void* original, size_t original_size, size_t new_size) {
    if (new_size == 0) {
      Free(original);
      return nullptr;
    }
    void* moved = Malloc(new_size);
    if (moved != nullptr && original != nullptr) {
      std::memcpy(moved, original, std::min(original_size, new_size));
      Free(original);
    }
    return moved;
  }

  static void Free(void* ptr) {
    if (ptr == nullptr) return;
    unsigned char* block = static_cast<unsigned char*>(ptr) - kHeader;
    size_t size;
    std::memcpy(&size, block, sizeof size);
    OPENSSL_cleanse(ptr, size);
    std::free(block);
  }

 private:
  // The block's size, kept in front of it (Free is given only the pointer);
  // 16 bytes keep the block as aligned as malloc's.
  static constexpr size_t kHeader = 16;
};

}  // namespace coffer
