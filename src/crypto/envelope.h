// Envelope: the byte layout of a value sealed by Keyring::SealValue, and the
// canonical encoding of an encryption context. Internal to src/crypto; the
// layout is documented in docs/storage_format.md ("Ciphertext envelopes").
//
// Format 1 (all integers big-endian; L = key ARN length, N = value length):
//   offset        size  field
//   0             1     format byte, 0x01
//   1             2     L, 1..2048
//   3             L     key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)
//   3+L           4     material version, 1..2^31-1
//   7+L           12    wrap nonce
//   19+L          32    wrapped data key (AES-256-GCM under the key material)
//   51+L          16    wrap tag
//   67+L          12    value nonce
//   79+L          N     value ciphertext (AES-256-GCM under the data key)
//   79+L+N        16    value tag
// Bytes [0, 7+L) are the "header". Both GCM layers take as associated data
// the header followed by the canonical encryption context, so the format
// byte, key ARN and material version are authenticated along with the
// context.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::crypto::internal {

inline constexpr char kEnvelopeFormatV1 = 0x01;
inline constexpr size_t kMaxEnvelopeKeyArnSize = 2048;
inline constexpr size_t kDataKeySize = 32;

struct EnvelopeParts {
  std::string_view header;  // format byte .. material version
  std::string_view key_arn;
  int32_t material_version = 0;
  std::string_view wrap_nonce;
  std::string_view wrapped_key;
  std::string_view wrap_tag;
  std::string_view value_nonce;
  std::string_view ciphertext;
  std::string_view value_tag;
};

// The header for (key_arn, version). REQUIRES: 1 <= key_arn.size() <= 2048,
// version >= 1.
std::string EnvelopeHeader(std::string_view key_arn, int32_t version);

// Total envelope size for a header of `header_size` bytes and a value of
// `value_size` bytes.
size_t EnvelopeSize(size_t header_size, size_t value_size);

// Splits an envelope into its fields without decrypting anything; nullopt
// when it is not a well-formed format-1 envelope. The views point into
// `envelope`.
std::optional<EnvelopeParts> ParseEnvelope(std::string_view envelope);

}  // namespace coffer::crypto::internal
