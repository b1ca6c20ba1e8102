// Cryptographically secure randomness (OpenSSL RAND_bytes) and the
// identifiers built from it: UUIDv4 strings and the 6-character secret ARN
// suffix.
//
// Thread-safety: all functions are safe from any thread.
#pragma once

#include <cstddef>
#include <string>

namespace coffer {

// `n` random bytes. Aborts if the system RNG fails (it never should).
std::string RandomBytes(size_t n);
// Lowercase RFC 4122 version-4 UUID, e.g. "1b4e28ba-2fa1-41d2-883f-0016d3cca427".
std::string RandomUuid();
// `n` characters drawn uniformly from `alphabet` (rejection sampling, no bias).
std::string RandomString(size_t n, const std::string& alphabet);

}  // namespace coffer
