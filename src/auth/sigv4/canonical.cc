#include "auth/sigv4/canonical.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "auth/sigv4/digest.h"
#include "auth/sigv4/uri_encode.h"

namespace coffer::auth::sigv4 {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// SHA-256 of the empty string, whose hex is kEmptyPayloadHash.
constexpr Sha256Digest kEmptySha256 = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

}  // namespace

std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(path.size());
  if (path.front() == '/') out.push_back('/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

namespace {

// True when NormalizePath(path) == path: the path is non-empty and no
// segment is "." or "..", nor empty except the first (leading '/') and the
// last (trailing '/'). The common "/" needs no normalising copy.
bool IsNormalPath(std::string_view path) {
  if (path.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t end = path.find('/', start);
    bool last = end == std::string_view::npos;
    std::string_view segment = path.substr(start, last ? std::string_view::npos : end - start);
    if (segment == "." || segment == "..") return false;
    if (segment.empty() && start != 0 && !last) return false;
    if (last) return true;
    start = end + 1;
  }
}

}  // namespace

void AppendCanonicalUri(std::string_view raw_path, std::string* out) {
  if (IsNormalPath(raw_path)) {
    AppendUriEncoded(raw_path, /*keep_slash=*/true, out);
  } else {
    AppendUriEncoded(NormalizePath(raw_path), /*keep_slash=*/true, out);
  }
}

std::string CanonicalUri(std::string_view raw_path) {
  std::string out;
  AppendCanonicalUri(raw_path, &out);
  return out;
}

void AppendCanonicalQuery(std::string_view raw_query, bool exclude_signature, std::string* out) {
  if (raw_query.empty()) return;
  std::vector<std::pair<std::string, std::string>> encoded;
  for (auto& [name, value] : ParseQuery(raw_query)) {
    if (exclude_signature && name == "X-Amz-Signature") continue;
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (i > 0) out->push_back('&');
    out->append(encoded[i].first);
    out->push_back('=');
    out->append(encoded[i].second);
  }
}

std::string CanonicalQuery(std::string_view raw_query, bool exclude_signature) {
  std::string out;
  AppendCanonicalQuery(raw_query, exclude_signature, &out);
  return out;
}

void AppendCanonicalHeaderValue(std::string_view value, std::string* out) {
  // Appends each run of non-space bytes whole, one space between runs.
  size_t i = 0;
  bool first = true;
  while (true) {
    while (i < value.size() && IsSpace(value[i])) ++i;
    if (i == value.size()) return;
    size_t start = i;
    while (i < value.size() && !IsSpace(value[i])) ++i;
    if (!first) out->push_back(' ');
    out->append(value.data() + start, i - start);
    first = false;
  }
}

void AppendCanonicalHeaders(const HeaderList* headers, std::string_view signed_headers,
                            std::string* out) {
  size_t start = 0;
  while (start < signed_headers.size()) {
    size_t end = signed_headers.find(';', start);
    if (end == std::string_view::npos) end = signed_headers.size();
    std::string_view name = signed_headers.substr(start, end - start);
    start = end + 1;
    out->append(name);
    out->push_back(':');
    bool first = true;
    if (headers != nullptr) {
      for (const auto& [header_name, value] : *headers) {
        if (!EqualsIgnoreCase(header_name, name)) continue;
        if (!first) out->push_back(',');
        AppendCanonicalHeaderValue(value, out);
        first = false;
      }
    }
    out->push_back('\n');
  }
}

std::string CanonicalHeaders(const HeaderList* headers, std::string_view signed_headers) {
  std::string out;
  out.reserve(256);
  AppendCanonicalHeaders(headers, signed_headers, &out);
  return out;
}

std::string SignedHeadersFor(const HeaderList& headers) {
  std::vector<std::string> names;
  names.reserve(headers.size());
  for (const auto& header : headers) {
    std::string lower(header.first);
    std::transform(lower.begin(), lower.end(), lower.begin(), AsciiLower);
    names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out.push_back(';');
    out.append(name);
  }
  return out;
}

Result<HexDigest> HashedPayloadDigest(std::string_view body) {
  if (body.empty()) return HexDigest(kEmptySha256);
  return Sha256HexDigest(body);
}

Result<std::string> HashedPayload(std::string_view body) {
  COFFER_ASSIGN_OR_RETURN(HexDigest hash, HashedPayloadDigest(body));
  return std::string(hash.view());
}

void AppendCanonicalRequest(const CanonicalRequestParts& p, std::string* out) {
  out->reserve(out->size() + p.method.size() + p.canonical_uri.size() + p.canonical_query.size() +
               p.canonical_headers.size() + p.signed_headers.size() + p.hashed_payload.size() + 5);
  out->append(p.method).push_back('\n');
  out->append(p.canonical_uri).push_back('\n');
  out->append(p.canonical_query).push_back('\n');
  out->append(p.canonical_headers).push_back('\n');
  out->append(p.signed_headers).push_back('\n');
  out->append(p.hashed_payload);
}

std::string CanonicalRequest(const CanonicalRequestParts& parts) {
  std::string out;
  AppendCanonicalRequest(parts, &out);
  return out;
}

void AppendCredentialScope(std::string_view date, std::string_view region, std::string_view service,
                           std::string* out) {
  out->append(date).push_back('/');
  out->append(region).push_back('/');
  out->append(service).push_back('/');
  out->append(kScopeTerminator);
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + kScopeTerminator.size() + 3);
  AppendCredentialScope(date, region, service, &out);
  return out;
}

Status AppendStringToSign(std::string_view amz_date, std::string_view scope,
                          std::string_view canonical_request, std::string* out) {
  COFFER_ASSIGN_OR_RETURN(HexDigest request_hash, Sha256HexDigest(canonical_request));
  out->append(kAlgorithm).push_back('\n');
  out->append(amz_date).push_back('\n');
  out->append(scope).push_back('\n');
  out->append(request_hash.view());
  return Status::Ok();
}

Result<std::string> StringToSign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request) {
  std::string out;
  COFFER_RETURN_IF_ERROR(AppendStringToSign(amz_date, scope, canonical_request, &out));
  return out;
}

}  // namespace coffer::auth::sigv4
