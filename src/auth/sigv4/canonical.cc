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

std::string CanonicalUri(std::string_view raw_path) {
  return UriEncode(NormalizePath(raw_path), /*keep_slash=*/true);
}

std::string CanonicalQuery(std::string_view raw_query, bool exclude_signature) {
  if (raw_query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> encoded;
  for (auto& [name, value] : ParseQuery(raw_query)) {
    if (exclude_signature && name == "X-Amz-Signature") continue;
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name);
    out.push_back('=');
    out.append(value);
  }
  return out;
}

void AppendCanonicalHeaderValue(std::string_view value, std::string* out) {
  bool pending_space = false;
  bool wrote_any = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = wrote_any;
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    out->push_back(c);
    wrote_any = true;
  }
}

std::string CanonicalHeaders(const HeaderList* headers, std::string_view signed_headers) {
  std::string out;
  out.reserve(256);
  size_t start = 0;
  while (start < signed_headers.size()) {
    size_t end = signed_headers.find(';', start);
    if (end == std::string_view::npos) end = signed_headers.size();
    std::string_view name = signed_headers.substr(start, end - start);
    start = end + 1;
    out.append(name);
    out.push_back(':');
    bool first = true;
    if (headers != nullptr) {
      for (const auto& [header_name, value] : *headers) {
        if (!EqualsIgnoreCase(header_name, name)) continue;
        if (!first) out.push_back(',');
        AppendCanonicalHeaderValue(value, &out);
        first = false;
      }
    }
    out.push_back('\n');
  }
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

Result<std::string> HashedPayload(std::string_view body) {
  if (body.empty()) return std::string(kEmptyPayloadHash);
  return Sha256Hex(body);
}

std::string CanonicalRequest(const CanonicalRequestParts& p) {
  std::string out;
  out.reserve(p.method.size() + p.canonical_uri.size() + p.canonical_query.size() +
              p.canonical_headers.size() + p.signed_headers.size() + p.hashed_payload.size() +
              6);
  out.append(p.method).push_back('\n');
  out.append(p.canonical_uri).push_back('\n');
  out.append(p.canonical_query).push_back('\n');
  out.append(p.canonical_headers).push_back('\n');
  out.append(p.signed_headers).push_back('\n');
  out.append(p.hashed_payload);
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + kScopeTerminator.size() + 3);
  out.append(date).push_back('/');
  out.append(region).push_back('/');
  out.append(service).push_back('/');
  out.append(kScopeTerminator);
  return out;
}

Result<std::string> StringToSign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request) {
  COFFER_ASSIGN_OR_RETURN(std::string request_hash, Sha256Hex(canonical_request));
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + request_hash.size() + 3);
  out.append(kAlgorithm).push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out.append(request_hash);
  return out;
}

}  // namespace coffer::auth::sigv4
