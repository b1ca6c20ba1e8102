#include "crypto/aes_gcm.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdint>

namespace coffer::crypto::internal {
namespace {

// Fetched once; intentionally never freed (contexts of exiting threads may
// still hold references, and OpenSSL's own cleanup runs at exit).
const EVP_CIPHER* Cipher() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

// One encrypt and one decrypt context per thread, created on first use.
class ThreadContexts {
 public:
  ThreadContexts() = default;
  ThreadContexts(const ThreadContexts&) = delete;
  ThreadContexts& operator=(const ThreadContexts&) = delete;
  ~ThreadContexts() {
    Drop(0);
    Drop(1);
  }

  // enc: 1 = encrypt, 0 = decrypt. nullptr when OpenSSL fails.
  EVP_CIPHER_CTX* Get(int enc) {
    if (ctx_[enc] != nullptr) return ctx_[enc];
    const EVP_CIPHER* cipher = Cipher();
    if (cipher == nullptr) return nullptr;
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (ctx == nullptr) return nullptr;
    if (EVP_CipherInit_ex2(ctx, cipher, nullptr, nullptr, enc, nullptr) != 1) {
      EVP_CIPHER_CTX_free(ctx);
      return nullptr;
    }
    ctx_[enc] = ctx;
    return ctx;
  }

  // Frees (and so cleanses) a context whose state is unknown after an error.
  void Drop(int enc) {
    EVP_CIPHER_CTX_free(ctx_[enc]);
    ctx_[enc] = nullptr;
  }

 private:
  EVP_CIPHER_CTX* ctx_[2] = {nullptr, nullptr};
};

thread_local ThreadContexts tls_contexts;

// Borrows this thread's context for one operation; drops (frees and
// cleanses) it when the operation failed inside OpenSSL, so a context in an
// unknown state is never reused.
class ContextLease {
 public:
  explicit ContextLease(int enc) : enc_(enc), ctx_(tls_contexts.Get(enc)) {}
  ContextLease(const ContextLease&) = delete;
  ContextLease& operator=(const ContextLease&) = delete;
  ~ContextLease() {
    if (ctx_ != nullptr && failed_) tls_contexts.Drop(enc_);
  }
  EVP_CIPHER_CTX* get() const { return ctx_; }
  void MarkFailed() { failed_ = true; }

 private:
  int enc_;
  EVP_CIPHER_CTX* ctx_;
  bool failed_ = false;
};

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status CheckSizes(std::string_view key, std::string_view nonce, AadParts aad, size_t data_size) {
  if (key.size() != kAesKeySize) return Status::Internal("AES-256-GCM: key must be 32 bytes");
  if (nonce.size() != kGcmNonceSize) {
    return Status::Internal("AES-256-GCM: nonce must be 12 bytes");
  }
  if (data_size > kGcmMaxInput) {
    return Status::InvalidArgument("", "input too large to encrypt");
  }
  for (std::string_view part : aad) {
    if (part.size() > kGcmMaxInput) {
      return Status::InvalidArgument("", "associated data too large");
    }
  }
  return Status::Ok();
}

bool FeedAad(EVP_CIPHER_CTX* ctx, AadParts aad) {
  for (std::string_view part : aad) {
    if (part.empty()) continue;
    int len = 0;
    if (EVP_CipherUpdate(ctx, nullptr, &len, U(part), static_cast<int>(part.size())) != 1) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status AesGcmSeal(std::string_view key, std::string_view nonce, AadParts aad,
                  std::string_view plaintext, char* out, char* tag_out) {
  COFFER_RETURN_IF_ERROR(CheckSizes(key, nonce, aad, plaintext.size()));
  ContextLease lease(1);
  EVP_CIPHER_CTX* ctx = lease.get();
  if (ctx == nullptr) return Status::Internal("AES-256-GCM: cannot create context");
  auto* uout = reinterpret_cast<unsigned char*>(out);
  int len = 0;
  bool ok =
      EVP_CipherInit_ex2(ctx, nullptr, U(key), U(nonce), 1, nullptr) == 1 && FeedAad(ctx, aad);
  if (ok && !plaintext.empty()) {
    ok = EVP_CipherUpdate(ctx, uout, &len, U(plaintext), static_cast<int>(plaintext.size())) == 1 &&
         static_cast<size_t>(len) == plaintext.size();
  }
  int final_len = 0;
  ok = ok && EVP_CipherFinal_ex(ctx, uout + len, &final_len) == 1 && final_len == 0 &&
       EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagSize), tag_out) == 1;
  if (!ok) {
    lease.MarkFailed();
    OPENSSL_cleanse(out, plaintext.size());
    return Status::Internal("AES-256-GCM: encryption failed");
  }
  return Status::Ok();
}

Status AesGcmOpen(std::string_view key, std::string_view nonce, AadParts aad,
                  std::string_view ciphertext, std::string_view tag, char* out) {
  COFFER_RETURN_IF_ERROR(CheckSizes(key, nonce, aad, ciphertext.size()));
  if (tag.size() != kGcmTagSize) return Status::DataLoss("authentication tag is missing");
  ContextLease lease(0);
  EVP_CIPHER_CTX* ctx = lease.get();
  if (ctx == nullptr) return Status::Internal("AES-256-GCM: cannot create context");
  auto* uout = reinterpret_cast<unsigned char*>(out);
  int len = 0;
  bool ok =
      EVP_CipherInit_ex2(ctx, nullptr, U(key), U(nonce), 0, nullptr) == 1 && FeedAad(ctx, aad);
  if (ok && !ciphertext.empty()) {
    ok = EVP_CipherUpdate(ctx, uout, &len, U(ciphertext), static_cast<int>(ciphertext.size())) ==
             1 &&
         static_cast<size_t>(len) == ciphertext.size();
  }
  // The tag buffer is only read by SET_TAG; OpenSSL takes a non-const void*.
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagSize),
                                 const_cast<char*>(tag.data())) == 1;
  if (!ok) {
    lease.MarkFailed();
    OPENSSL_cleanse(out, ciphertext.size());
    return Status::Internal("AES-256-GCM: decryption failed");
  }
  int final_len = 0;
  if (EVP_CipherFinal_ex(ctx, uout + len, &final_len) != 1 || final_len != 0) {
    // Authentication failed: nothing decrypted may be used.
    OPENSSL_cleanse(out, ciphertext.size());
    return Status::DataLoss("authentication failed");
  }
  return Status::Ok();
}

}  // namespace coffer::crypto::internal
