#include "crypto/envelope.h"

#include <algorithm>
#include <array>
#include <limits>
#include <span>
#include <vector>

#include "crypto/aes_gcm.h"
#include "crypto/key_errors.h"
#include "crypto/keyring.h"

namespace coffer::crypto {
namespace internal {
namespace {

void PutU16(std::string& out, uint32_t v) {
  out += static_cast<char>((v >> 8) & 0xFF);
  out += static_cast<char>(v & 0xFF);
}

void PutU32(std::string& out, uint32_t v) {
  out += static_cast<char>((v >> 24) & 0xFF);
  out += static_cast<char>((v >> 16) & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
  out += static_cast<char>(v & 0xFF);
}

uint32_t GetU(std::string_view bytes) {
  uint32_t v = 0;
  for (char c : bytes) v = v << 8 | static_cast<unsigned char>(c);
  return v;
}

// Bytes after the header and before the value ciphertext, and after it.
constexpr size_t kWrapSize = kGcmNonceSize + kDataKeySize + kGcmTagSize;
constexpr size_t kFixedOverhead = kWrapSize + kGcmNonceSize + kGcmTagSize;

}  // namespace

std::string EnvelopeHeader(std::string_view key_arn, int32_t version) {
  std::string header;
  header.reserve(7 + key_arn.size());
  header += kEnvelopeFormatV1;
  PutU16(header, static_cast<uint32_t>(key_arn.size()));
  header.append(key_arn);
  PutU32(header, static_cast<uint32_t>(version));
  return header;
}

size_t EnvelopeSize(size_t header_size, size_t value_size) {
  return header_size + kFixedOverhead + value_size;
}

std::optional<EnvelopeParts> ParseEnvelope(std::string_view envelope) {
  if (envelope.size() < 3 || envelope[0] != kEnvelopeFormatV1) return std::nullopt;
  const size_t arn_size = GetU(envelope.substr(1, 2));
  if (arn_size == 0 || arn_size > kMaxEnvelopeKeyArnSize) return std::nullopt;
  const size_t header_size = 7 + arn_size;
  if (envelope.size() < header_size + kFixedOverhead) return std::nullopt;
  const uint32_t version = GetU(envelope.substr(3 + arn_size, 4));
  if (version == 0 || version > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
    return std::nullopt;
  }
  EnvelopeParts p;
  p.header = envelope.substr(0, header_size);
  p.key_arn = envelope.substr(3, arn_size);
  p.material_version = static_cast<int32_t>(version);
  size_t pos = header_size;
  auto take = [&](size_t n) {
    std::string_view v = envelope.substr(pos, n);
    pos += n;
    return v;
  };
  p.wrap_nonce = take(kGcmNonceSize);
  p.wrapped_key = take(kDataKeySize);
  p.wrap_tag = take(kGcmTagSize);
  p.value_nonce = take(kGcmNonceSize);
  p.ciphertext = take(envelope.size() - pos - kGcmTagSize);
  p.value_tag = take(kGcmTagSize);
  return p;
}

}  // namespace internal

std::vector<ContextPair> ViewOf(const EncryptionContext& context) {
  return {context.begin(), context.end()};
}

Result<std::string> CanonicalEncryptionContext(EncryptionContextView context) {
  // The pairs in key order, through pointers: on the stack for the few pairs
  // a context usually has (a secret version's: two).
  constexpr size_t kInline = 8;
  std::array<const ContextPair*, kInline> inline_order;
  std::vector<const ContextPair*> heap_order;
  std::span<const ContextPair*> sorted(inline_order.data(), context.size());
  if (context.size() > kInline) {
    heap_order.resize(context.size());
    sorted = heap_order;
  }
  size_t total = 4;
  for (size_t i = 0; i < context.size(); ++i) {
    const ContextPair& kv = context[i];
    sorted[i] = &kv;
    total += 8 + kv.first.size() + kv.second.size();
    if (kv.first.size() > std::numeric_limits<uint32_t>::max() ||
        kv.second.size() > std::numeric_limits<uint32_t>::max()) {
      return KeyErrorStatus(KeyError::kInvalidInput, "Encryption context is too large.");
    }
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i - 1]->first == sorted[i]->first) {
      return KeyErrorStatus(KeyError::kInvalidInput, "Encryption context has duplicate keys.");
    }
  }
  std::string out;
  out.reserve(total);
  internal::PutU32(out, static_cast<uint32_t>(sorted.size()));
  for (const auto* kv : sorted) {
    internal::PutU32(out, static_cast<uint32_t>(kv->first.size()));
    out += kv->first;
    internal::PutU32(out, static_cast<uint32_t>(kv->second.size()));
    out += kv->second;
  }
  return out;
}

}  // namespace coffer::crypto
