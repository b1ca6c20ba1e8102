// Barrier: AES-256-GCM under the root key. The format byte is authenticated
// too: the GCM associated data is the format byte followed by the caller's
// associated data (fixed-length prefix, so the concatenation is unambiguous).
#include "crypto/barrier.h"

#include <atomic>
#include <cerrno>
#include <string>
#include <utility>

#include "common/log.h"
#include "common/random.h"
#include "crypto/aes_gcm.h"
#include "crypto/lock_memory.h"

namespace coffer::crypto {
namespace {

constexpr char kBarrierFormatV1 = 0x01;
constexpr size_t kHeaderSize = 1 + internal::kGcmNonceSize;
constexpr size_t kOverhead = kHeaderSize + internal::kGcmTagSize;

std::atomic<bool> root_key_lock_warned{false};

}  // namespace

Barrier::Barrier(SecureString root_key) : root_key_(std::move(root_key)) {
  internal::LockInMemory(root_key_.data(), root_key_.size(), "the root key", root_key_lock_warned);
}

Result<std::string> Barrier::Seal(std::string_view plaintext, std::string_view aad) const {
  // Fail closed rather than assert: a wrong-sized key never seals anything.
  if (root_key_.size() != internal::kAesKeySize) {
    return Status::Internal("barrier: root key is not 32 bytes");
  }
  if (plaintext.size() > internal::kGcmMaxInput) {
    return Status::InvalidArgument("", "value too large to seal");
  }
  std::string sealed(kOverhead + plaintext.size(), '\0');
  sealed[0] = kBarrierFormatV1;
  const std::string nonce = RandomBytes(internal::kGcmNonceSize);
  sealed.replace(1, nonce.size(), nonce);
  const std::string_view format(sealed.data(), 1);
  COFFER_RETURN_IF_ERROR(internal::AesGcmSeal(root_key_.view(), nonce, {format, aad}, plaintext,
                                              sealed.data() + kHeaderSize,
                                              sealed.data() + kHeaderSize + plaintext.size()));
  return sealed;
}

Result<SecureString> Barrier::Open(std::string_view sealed, std::string_view aad) const {
  if (root_key_.size() != internal::kAesKeySize) {
    return Status::Internal("barrier: root key is not 32 bytes");
  }
  if (sealed.size() < kOverhead) return Status::DataLoss("sealed blob is truncated");
  if (sealed[0] != kBarrierFormatV1) {
    return Status::DataLoss("sealed blob has an unknown format version");
  }
  const std::string_view format = sealed.substr(0, 1);
  const std::string_view nonce = sealed.substr(1, internal::kGcmNonceSize);
  const size_t body_size = sealed.size() - kOverhead;
  const std::string_view body = sealed.substr(kHeaderSize, body_size);
  const std::string_view tag = sealed.substr(kHeaderSize + body_size);
  SecureString plaintext;
  plaintext.resize(body_size);
  Status s = internal::AesGcmOpen(root_key_.view(), nonce, {format, aad}, body, tag,
                                  plaintext.mutable_data());
  if (s.code() == StatusCode::kDataLoss) {
    return Status::DataLoss(
        "sealed blob cannot be opened: damaged, sealed under another root key, or bound to "
        "other associated data");
  }
  COFFER_RETURN_IF_ERROR(s);
  return plaintext;
}

}  // namespace coffer::crypto
