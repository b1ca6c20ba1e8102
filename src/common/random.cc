#include "common/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

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

std::string RandomUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  std::string h = HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string RandomString(size_t n, const std::string& alphabet) {
  std::string out;
  out.reserve(n);
  const size_t m = alphabet.size();
  if (m == 0) return out;
  const unsigned limit = 256 - (256 % m);  // reject bytes >= limit to avoid bias
  while (out.size() < n) {
    std::string buf = RandomBytes(n * 2 + 8);
    for (unsigned char c : buf) {
      if (c >= limit) continue;
      out += alphabet[c % m];
      if (out.size() == n) break;
    }
  }
  return out;
}

}  // namespace coffer
