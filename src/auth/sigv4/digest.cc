#include "auth/sigv4/digest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <optional>

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

// An HMAC-SHA256 context, reused for every call on its thread.
struct MacContext {
  EVP_MAC_CTX* ctx = nullptr;
  bool digest_set = false;  // the SHA256 parameter needs setting once

  ~MacContext() { EVP_MAC_CTX_free(ctx); }
};

// The contexts of one thread.
struct ThreadContexts {
  EVP_MD_CTX* md_ctx = nullptr;
  MacContext mac;  // HMAC under any key
  // Step 5's HMAC, left keyed with `signing_key` so that signing again under
  // the same key skips the key setup (performance-notes §3). The key copy is
  // wiped when it is replaced or the thread ends.
  MacContext signing_mac;
  SigningKey signing_key;
  bool signing_keyed = false;

  ~ThreadContexts() { EVP_MD_CTX_free(md_ctx); }
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

// HMAC-SHA256 of `data` into `out` (32 bytes) with context `m`, keyed with
// `key`, or when `key` is nullopt with the key of m's previous successful
// call. False only when OpenSSL itself fails.
bool HmacInto(MacContext& m, std::optional<std::string_view> key, std::string_view data,
              uint8_t* out) {
  EVP_MAC* mac = HmacMac();
  if (mac == nullptr || (!key && m.ctx == nullptr)) return false;
  if (m.ctx == nullptr) {
    m.ctx = EVP_MAC_CTX_new(mac);
    m.digest_set = false;
    if (m.ctx == nullptr) return false;
  }
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                         OSSL_PARAM_construct_end()};
  size_t len = 0;
  // An empty key is legal HMAC input; pass a non-null pointer for it. A null
  // key makes EVP_MAC_init keep the context's current key.
  const unsigned char* key_bytes = nullptr;
  if (key) key_bytes = reinterpret_cast<const unsigned char*>(key->empty() ? "" : key->data());
  // Setting the digest parameter costs a fetch, so it is passed only on the
  // first init of this context; later inits keep it.
  if (EVP_MAC_init(m.ctx, key_bytes, key ? key->size() : 0, m.digest_set ? nullptr : params) != 1 ||
      EVP_MAC_update(m.ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(m.ctx, out, &len, 32) != 1 || len != 32) {
    // Start from a fresh context next time rather than trust this one.
    EVP_MAC_CTX_free(m.ctx);
    m.ctx = nullptr;
    return false;
  }
  m.digest_set = true;
  return true;
}

bool HmacInto(std::string_view key, std::string_view data, uint8_t* out) {
  return HmacInto(Contexts().mac, key, data, out);
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

Result<HexDigest> ComputeSignatureDigest(const SigningKey& key, std::string_view string_to_sign) {
  ThreadContexts& t = Contexts();
  const bool rekey = !t.signing_keyed || !(t.signing_key == key);
  if (rekey) t.signing_key = key;
  Sha256Digest mac;
  if (!HmacInto(t.signing_mac, rekey ? std::optional(key.view()) : std::nullopt, string_to_sign,
                mac.data())) {
    t.signing_keyed = false;
    return Status::Internal("sigv4: HMAC-SHA256 failed");
  }
  t.signing_keyed = true;
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
