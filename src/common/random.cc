#include "common/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/encoding.h"

namespace coffer {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("fatal: RAND_bytes failed\n", stderr);
    std::abort();
  }
  return out;
}

namespace {

// RandomUuid draws from a per-thread buffer that RAND_bytes refills 4 KiB at a
// time: one DRBG call per 256 UUIDs. A RAND_bytes call costs ~1.3 µs here and
// every request makes a UUID (docs/performance.md: BM_RandomUuid 1.5 µs ->
// 0.1 µs). A fork empties the buffers so parent and child never share bytes.
std::atomic<uint64_t> fork_generation{0};
const bool atfork_registered = [] {
  pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); });
  return true;
}();

struct UuidPool {
  unsigned char bytes[4096];
  size_t used = sizeof bytes;
  uint64_t generation = 0;
  ~UuidPool() { OPENSSL_cleanse(bytes, sizeof bytes); }
};

}  // namespace

std::string RandomUuid() {
  thread_local UuidPool pool;
  const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (pool.used + 16 > sizeof pool.bytes || pool.generation != generation) {
    if (RAND_bytes(pool.bytes, sizeof pool.bytes) != 1) {
      std::fputs("fatal: RAND_bytes failed\n", stderr);
      std::abort();
    }
    pool.used = 0;
    pool.generation = generation;
  }
  unsigned char b[16];
  std::memcpy(b, pool.bytes + pool.used, sizeof b);
  OPENSSL_cleanse(pool.bytes + pool.used, sizeof b);
  pool.used += sizeof b;
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t o = 0;
  for (size_t i = 0; i < sizeof b; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++o;
    out[o++] = kHexDigits[b[i] >> 4];
    out[o++] = kHexDigits[b[i] & 15];
  }
  (void)atfork_registered;
  return out;
}

std::string RandomString(size_t n, const std::string& alphabet) {
  std::string out;
  out.reserve(n);
  const size_t m = alphabet.size();
  if (m == 0) return out;
  const unsigned limit = 256 - (256 % m);  // reject bytes >= limit to avoid bias
  while (out.size() < n) {
    // The draw decides the characters (a password's, an access key's
    // secret): wipe it, whatever it holds, before it is freed.
    std::string buf = RandomBytes(n * 2 + 8);
    for (unsigned char c : buf) {
      if (c >= limit) continue;
      out += alphabet[c % m];
      if (out.size() == n) break;
    }
    OPENSSL_cleanse(buf.data(), buf.capacity());
  }
  return out;  // reserved up front: `out` never reallocated, so no stale copy
}

}  // namespace coffer
