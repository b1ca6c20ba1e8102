// Byte encodings used on the wire and on disk: lowercase hex, standard base64
// (RFC 4648 with padding, as AWS JSON blobs use), and percent-encoding as
// SigV4 canonicalisation needs it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffer {

std::string HexEncode(std::string_view bytes);
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
// Strict: rejects characters outside the alphabet, bad padding and bad length.
std::optional<std::string> Base64Decode(std::string_view text);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);
// Decodes the code point at s[*i] and advances *i past it; a malformed or
// truncated sequence counts as U+FFFD and advances one byte. REQUIRES: *i < s.size().
uint32_t DecodeUtf8(std::string_view s, size_t* i);

}  // namespace coffer
