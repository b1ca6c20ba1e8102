#include "auth/sigv4/auth_parser.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "auth/sigv4/canonical.h"
#include "auth/sigv4/errors.h"

namespace coffer::auth::sigv4 {
namespace {

constexpr int64_t kMaxPresignedExpiresSeconds = 604800;  // seven days

constexpr char kSeparators[] = {' ', ',', '\t'};

bool IsSeparator(char c) { return c == ' ' || c == ',' || c == '\t'; }

// Finds where tokens of `text` end (at the next separator) with memchr, which
// scans many bytes at a time, instead of testing byte by byte. Each
// separator's next position is remembered, so one pass over `text` stays
// linear however many tokens it has.
class TokenEnds {
 public:
  explicit TokenEnds(std::string_view text) : text_(text) {
    for (size_t k = 0; k < next_.size(); ++k) next_[k] = Find(kSeparators[k], 0);
  }

  // The first separator at or after `begin`, or text.size() if none.
  size_t After(size_t begin) {
    size_t end = text_.size();
    for (size_t k = 0; k < next_.size(); ++k) {
      if (next_[k] < begin) next_[k] = Find(kSeparators[k], begin);
      end = std::min(end, next_[k]);
    }
    return end;
  }

 private:
  size_t Find(char c, size_t from) const {
    size_t at = text_.find(c, from);
    return at == std::string_view::npos ? text_.size() : at;
  }

  std::string_view text_;
  std::array<size_t, std::size(kSeparators)> next_;
};

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "AKID/20150830/us-east-1/service/aws4_request" into `out`.
Status ParseCredential(std::string_view credential, ParsedAuthorization* out) {
  std::array<std::string_view, 5> parts;
  size_t count = 0, start = 0;
  while (true) {
    size_t slash = credential.find('/', start);
    std::string_view part = credential.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (count < parts.size()) parts[count] = part;
    ++count;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (count != parts.size() || parts[0].empty()) {
    return IncompleteSignature(
        "Credential must have the form <AccessKeyId>/<yyyyMMdd>/<region>/<service>/aws4_request, "
        "not '" +
        std::string(credential) + "'.");
  }
  if (parts[4] != kScopeTerminator) return InvalidScopeTerminator(parts[4]);
  out->access_key_id = parts[0];
  out->scope_date = parts[1];
  out->region = parts[2];
  out->service = parts[3];
  return Status::Ok();
}

const std::string* FindParam(const QueryParams& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace

Result<ParsedAuthorization> ParseAuthorizationHeader(std::string_view header,
                                                     bool has_date_header) {
  std::string_view value = TrimSpaces(header);
  std::string_view credential, signed_headers, signature;
  bool have_credential = false, have_signed_headers = false, have_signature = false;
  // Anything but AWS4-HMAC-SHA256 (SigV2's "AWS key:sig", a bearer token)
  // carries none of the parameters, which is how AWS reports it.
  bool sigv4 = value.size() > kAlgorithm.size() &&
               value.substr(0, kAlgorithm.size()) == kAlgorithm &&
               IsSeparator(value[kAlgorithm.size()]);
  if (sigv4) {
    std::string_view rest = value.substr(kAlgorithm.size());
    TokenEnds token_ends(rest);
    size_t i = 0;
    while (i < rest.size()) {
      while (i < rest.size() && IsSeparator(rest[i])) ++i;
      size_t begin = i;
      i = token_ends.After(begin);
      if (begin == i) break;
      std::string_view token = rest.substr(begin, i - begin);
      size_t eq = token.find('=');
      if (eq == std::string_view::npos) {
        return IncompleteSignature("'" + std::string(token) +
                                   "' not a valid key=value pair (missing equal-sign) in "
                                   "Authorization header: '" +
                                   std::string(value) + "'.");
      }
      std::string_view key = token.substr(0, eq), val = token.substr(eq + 1);
      if (key == "Credential" && !have_credential) {
        credential = val;
        have_credential = true;
      } else if (key == "SignedHeaders" && !have_signed_headers) {
        signed_headers = val;
        have_signed_headers = true;
      } else if (key == "Signature" && !have_signature) {
        signature = val;
        have_signature = true;
      }
    }
  }
  if (!have_credential || !have_signature || !have_signed_headers || !has_date_header) {
    std::string message;
    if (!have_credential) message += "Authorization header requires 'Credential' parameter. ";
    if (!have_signature) message += "Authorization header requires 'Signature' parameter. ";
    if (!have_signed_headers) {
      message += "Authorization header requires 'SignedHeaders' parameter. ";
    }
    if (!has_date_header) {
      message +=
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
          "header. ";
    }
    message += "Authorization=";
    message += value;
    return IncompleteSignature(std::move(message));
  }
  ParsedAuthorization parsed;
  COFFER_RETURN_IF_ERROR(ParseCredential(credential, &parsed));
  parsed.signed_headers = signed_headers;
  parsed.signature = signature;
  return parsed;
}

bool HasPresignedParams(const QueryParams& params) {
  return FindParam(params, "X-Amz-Algorithm") != nullptr ||
         FindParam(params, "X-Amz-Credential") != nullptr ||
         FindParam(params, "X-Amz-Signature") != nullptr;
}

Result<ParsedAuthorization> ParsePresignedQuery(const QueryParams& params) {
  static constexpr std::array<std::string_view, 6> kRequired = {
      "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
      "X-Amz-Date",      "X-Amz-Expires",    "X-Amz-SignedHeaders"};
  std::array<const std::string*, kRequired.size()> values{};
  std::string missing;
  for (size_t i = 0; i < kRequired.size(); ++i) {
    values[i] = FindParam(params, kRequired[i]);
    if (values[i] == nullptr) {
      missing += "AWS query-string parameters must include '" + std::string(kRequired[i]) + "'. ";
    }
  }
  if (!missing.empty()) {
    return IncompleteSignature(missing + "Re-examine the query-string parameters.");
  }
  const std::string& algorithm = *values[0];
  const std::string& expires = *values[4];
  if (algorithm != kAlgorithm) {
    return IncompleteSignature("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  }
  int64_t expires_seconds = 0;
  bool numeric = !expires.empty() && expires.size() <= 9;
  for (char c : expires) {
    numeric = numeric && c >= '0' && c <= '9';
    if (numeric) expires_seconds = expires_seconds * 10 + (c - '0');
  }
  if (!numeric || expires_seconds < 1 || expires_seconds > kMaxPresignedExpiresSeconds) {
    return IncompleteSignature(
        "X-Amz-Expires must be an integer from 1 to 604800 (seconds), not '" + expires + "'.");
  }
  ParsedAuthorization parsed;
  parsed.presigned = true;
  COFFER_RETURN_IF_ERROR(ParseCredential(*values[1], &parsed));
  parsed.signature = *values[2];
  parsed.amz_date = *values[3];
  parsed.expires_seconds = expires_seconds;
  parsed.signed_headers = *values[5];
  parsed.has_security_token = FindParam(params, "X-Amz-Security-Token") != nullptr;
  return parsed;
}

}  // namespace coffer::auth::sigv4
