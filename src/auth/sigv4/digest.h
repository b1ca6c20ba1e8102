// SHA-256 and HMAC-SHA256 for SigV4 (IAM UG "Create a signed AWS API
// request", steps 3-5), built for the request hot path: the EVP_MD and EVP_MAC
// are fetched once per process and every thread reuses its own
// EVP_MD_CTX/EVP_MAC_CTX, never OpenSSL's one-shot SHA256()/HMAC()
// (performance-notes §3).
//
// Thread-safety: all functions are safe from any thread (per-thread contexts).
// Key material passed in or returned is never logged; SigningKey wipes itself.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "coffer/result.h"

namespace coffer::auth::sigv4 {

using Sha256Digest = std::array<uint8_t, 32>;

// The lowercase hex form of a SHA-256 digest, held inline so that the hot
// path hex-encodes without allocating.
class HexDigest {
 public:
  explicit HexDigest(const Sha256Digest& digest);
  std::string_view view() const { return {chars_.data(), chars_.size()}; }

 private:
  std::array<char, 64> chars_;
};

// The derived SigV4 signing key (kSigning). Wiped on destruction.
class SigningKey {
 public:
  SigningKey() { bytes_.fill(0); }
  explicit SigningKey(const Sha256Digest& bytes) : bytes_(bytes) {}
  SigningKey(const SigningKey&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  ~SigningKey();

  std::string_view view() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  uint8_t* mutable_data() { return bytes_.data(); }
  bool operator==(const SigningKey& other) const;  // constant time

 private:
  Sha256Digest bytes_;
};

Result<Sha256Digest> Sha256(std::string_view data);
// SHA-256 of the concatenation `a` + `b`, without building it.
Result<Sha256Digest> Sha256(std::string_view a, std::string_view b);
// Lowercase hex SHA-256, the form SigV4 uses for payload and request hashes.
Result<HexDigest> Sha256HexDigest(std::string_view data);
Result<std::string> Sha256Hex(std::string_view data);
Result<Sha256Digest> HmacSha256(std::string_view key, std::string_view data);

// Step 4: kDate = HMAC("AWS4" + secret, date), kRegion, kService,
// kSigning = HMAC(kService, "aws4_request").
Result<SigningKey> DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                    std::string_view region, std::string_view service);

// Step 5: lowercase hex HMAC(kSigning, string_to_sign).
Result<HexDigest> ComputeSignatureDigest(const SigningKey& key, std::string_view string_to_sign);
Result<std::string> ComputeSignature(const SigningKey& key, std::string_view string_to_sign);

// Constant-time comparison of two signatures (CRYPTO_memcmp). Different
// lengths compare unequal; the length is not secret.
bool SignaturesEqual(std::string_view a, std::string_view b);

}  // namespace coffer::auth::sigv4
