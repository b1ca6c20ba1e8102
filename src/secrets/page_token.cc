// HMAC-authenticated page tokens (page_token.h).

#include "secrets/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "secrets/messages.h"

namespace coffer::secrets {

namespace {

constexpr unsigned char kVersion = 1;
constexpr size_t kMacBytes = 16;
constexpr size_t kIdBytes = 8;
constexpr std::string_view kDomain = "coffer/page-token/v1";
constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

Status InvalidToken() {
  return Status::InvalidArgument(std::string(messages::kInvalidNextToken),
                                 std::string(messages::kInvalidNextTokenText));
}

Status NoKey() { return Status::Internal("page token key is not configured"); }

std::string Base64Url(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += kB64[n & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
  } else if (rest == 2) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> UnBase64Url(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    size_t v = kB64.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Non-canonical encodings (stray low bits) are rejected.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string Mac(std::string_view key, std::string_view scope, std::string_view body) {
  return KeyedMac(key, kDomain, scope, body).substr(0, kMacBytes);
}

}  // namespace

std::string KeyedMac(std::string_view key, std::string_view domain, std::string_view scope,
                     std::string_view body) {
  std::string input;
  input.reserve(domain.size() + scope.size() + body.size() + 24);
  input.append(domain).push_back('\0');
  input.append(std::to_string(scope.size())).push_back(':');
  input.append(scope);
  input.append(body);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string PageTokenScope(std::initializer_list<std::string_view> parts) {
  std::string scope;
  for (std::string_view p : parts) {
    scope += std::to_string(p.size());
    scope += ':';
    scope += p;
  }
  return scope;
}

Result<std::string> EncodePageToken(std::string_view mac_key, std::string_view scope,
                                    const PagePosition& position) {
  if (mac_key.empty()) return NoKey();
  std::string body;
  body.push_back(static_cast<char>(kVersion));
  uint64_t id = static_cast<uint64_t>(position.id);
  for (int i = 7; i >= 0; --i) body.push_back(static_cast<char>((id >> (8 * i)) & 0xff));
  body.append(position.key);
  body.append(Mac(mac_key, scope, body));
  return Base64Url(body);
}

Result<PagePosition> DecodePageToken(std::string_view mac_key, std::string_view scope,
                                     std::string_view token) {
  if (mac_key.empty()) return NoKey();
  std::optional<std::string> raw = UnBase64Url(token);
  if (!raw || raw->size() < 1 + kIdBytes + kMacBytes) return InvalidToken();
  std::string_view body(raw->data(), raw->size() - kMacBytes);
  std::string_view mac(raw->data() + body.size(), kMacBytes);
  std::string expected = Mac(mac_key, scope, body);
  if (CRYPTO_memcmp(expected.data(), mac.data(), kMacBytes) != 0) return InvalidToken();
  if (static_cast<unsigned char>(body[0]) != kVersion) return InvalidToken();
  uint64_t id = 0;
  for (size_t i = 0; i < kIdBytes; ++i) id = (id << 8) | static_cast<uint8_t>(body[1 + i]);
  PagePosition pos;
  pos.id = static_cast<int64_t>(id);
  pos.key = std::string(body.substr(1 + kIdBytes));
  return pos;
}

}  // namespace coffer::secrets
