#include "auth/sigv4/digest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "common/secure_string.h"

namespace coffer::auth::sigv4 {
namespace {

// Fetched once for the process lifetime (function-local statics are
// initialised thread-safely); deliberately never freed.
EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MAC* HmacMac() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// One digest and one MAC context per thread, reused for every call.
struct ThreadContexts {
  EVP_MD_CTX* md_ctx = nullptr;
  EVP_MAC_CTX* mac_ctx = nullptr;
  bool mac_digest_set = false;  // the SHA256 parameter needs setting once

  ~ThreadContexts() {
    EVP_MD_CTX_free(md_ctx);
    EVP_MAC_CTX_free(mac_ctx);
  }
};

ThreadContexts& Contexts() {
  thread_local ThreadContexts contexts;
  return contexts;
}

}  // namespace

SigningKey::~SigningKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

bool SigningKey::operator==(const SigningKey& other) const {
  return CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
}

Result<Sha256Digest> Sha256(std::string_view a, std::string_view b) {
  ThreadContexts& t = Contexts();
  if (t.md_ctx == nullptr) t.md_ctx = EVP_MD_CTX_new();
  EVP_MD* md = Sha256Md();
  Sha256Digest out;
  unsigned int len = 0;
  if (t.md_ctx == nullptr || md == nullptr || EVP_DigestInit_ex2(t.md_ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(t.md_ctx, a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(t.md_ctx, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(t.md_ctx, out.data(), &len) != 1 || len != out.size()) {
    return Status::Internal("sigv4: SHA-256 failed");
  }
  return out;
}

Result<Sha256Digest> Sha256(std::string_view data) { return Sha256(data, {}); }

HexDigest::HexDigest(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < digest.size(); ++i) {
    chars_[2 * i] = kHex[digest[i] >> 4];
    chars_[2 * i + 1] = kHex[digest[i] & 15];
  }
}

Result<HexDigest> Sha256HexDigest(std::string_view data) {
  COFFER_ASSIGN_OR_RETURN(Sha256Digest digest, Sha256(data));
  return HexDigest(digest);
}

Result<std::string> Sha256Hex(std::string_view data) {
  COFFER_ASSIGN_OR_RETURN(HexDigest hex, Sha256HexDigest(data));
  return std::string(hex.view());
}

namespace {

// HMAC-SHA256 of `data` under `key` into `out` (32 bytes) with this
// thread's context. False only when OpenSSL itself fails.
bool HmacInto(std::string_view key, std::string_view data, uint8_t* out) {
  ThreadContexts& t = Contexts();
  EVP_MAC* mac = HmacMac();
  if (mac == nullptr) return false;
  if (t.mac_ctx == nullptr) {
    t.mac_ctx = EVP_MAC_CTX_new(mac);
    t.mac_digest_set = false;
    if (t.mac_ctx == nullptr) return false;
  }
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  size_t len = 0;
  // An empty key is legal HMAC input; pass a non-null pointer for it.
  const auto* key_bytes =
      reinterpret_cast<const unsigned char*>(key.empty() ? "" : key.data());
  // Setting the digest parameter costs a fetch, so it is passed only on the
  // first init of this context; later inits keep it.
  if (EVP_MAC_init(t.mac_ctx, key_bytes, key.size(), t.mac_digest_set ? nullptr : params) != 1 ||
      EVP_MAC_update(t.mac_ctx, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1 ||
      EVP_MAC_final(t.mac_ctx, out, &len, 32) != 1 || len != 32) {
    // Start from a fresh context next time rather than trust this one.
    EVP_MAC_CTX_free(t.mac_ctx);
    t.mac_ctx = nullptr;
    return false;
  }
  t.mac_digest_set = true;
  return true;
}

}  // namespace

Result<Sha256Digest> HmacSha256(std::string_view key, std::string_view data) {
  Sha256Digest out;
  if (!HmacInto(key, data, out.data())) return Status::Internal("sigv4: HMAC-SHA256 failed");
  return out;
}

Result<SigningKey> DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                    std::string_view region, std::string_view service) {
  SecureString k_secret(std::string("AWS4"));
  k_secret.append(secret_access_key);
  // Each intermediate key lives in a SigningKey, so it is wiped on every path.
  SigningKey k_date, k_region, k_service, k_signing;
  if (!HmacInto(k_secret.view(), date, k_date.mutable_data()) ||
      !HmacInto(k_date.view(), region, k_region.mutable_data()) ||
      !HmacInto(k_region.view(), service, k_service.mutable_data()) ||
      !HmacInto(k_service.view(), "aws4_request", k_signing.mutable_data())) {
    return Status::Internal("sigv4: signing key derivation failed");
  }
  return k_signing;
}

Result<HexDigest> ComputeSignatureDigest(const SigningKey& key,
                                         std::string_view string_to_sign) {
  COFFER_ASSIGN_OR_RETURN(Sha256Digest mac, HmacSha256(key.view(), string_to_sign));
  return HexDigest(mac);
}

Result<std::string> ComputeSignature(const SigningKey& key, std::string_view string_to_sign) {
  COFFER_ASSIGN_OR_RETURN(HexDigest signature, ComputeSignatureDigest(key, string_to_sign));
  return std::string(signature.view());
}

bool SignaturesEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace coffer::auth::sigv4
