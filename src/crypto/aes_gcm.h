// AES-256-GCM, the one cipher of the crypto module (Barrier and Keyring both
// build on it). Internal to src/crypto.
//
// Performance (performance-notes §3): the EVP_CIPHER is fetched once per
// process and each thread keeps its own encrypt and decrypt EVP_CIPHER_CTX,
// re-keyed per call. The key schedule of the last call stays in the thread's
// context until the next call or thread exit (EVP_CIPHER_CTX_free cleanses
// it). Scrubbing it after every call would cost one more key setup per call
// and protect nothing the process does not already hold: the Keyring caches
// unsealed key material, from which every data key can be unwrapped.
//
// Associated data is given as a list of pieces that are fed to GHASH in order
// (the same as their concatenation), so callers need not build a buffer.
//
// Thread-safety: all functions are safe from any thread.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "coffer/result.h"

namespace coffer::crypto::internal {

inline constexpr size_t kAesKeySize = 32;
inline constexpr size_t kGcmNonceSize = 12;
inline constexpr size_t kGcmTagSize = 16;
// Inputs larger than this are refused (OpenSSL lengths are int).
inline constexpr size_t kGcmMaxInput = size_t{1} << 30;

using AadParts = std::initializer_list<std::string_view>;

// Encrypts `plaintext` into out[0, plaintext.size()) and writes the 16-byte tag
// to tag_out. REQUIRES: key is 32 bytes, nonce 12 bytes.
// Errors: kInvalidArgument on bad sizes, kInternal when OpenSSL fails.
Status AesGcmSeal(std::string_view key, std::string_view nonce, AadParts aad,
                  std::string_view plaintext, char* out, char* tag_out);

// Decrypts `ciphertext` into out[0, ciphertext.size()) and checks `tag`.
// Errors: kDataLoss when authentication fails (out is wiped), kInvalidArgument
// on bad sizes, kInternal when OpenSSL fails.
Status AesGcmOpen(std::string_view key, std::string_view nonce, AadParts aad,
                  std::string_view ciphertext, std::string_view tag, char* out);

}  // namespace coffer::crypto::internal
