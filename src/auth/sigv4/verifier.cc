#include "auth/sigv4/verifier.h"

#include <utility>

#include "auth/sigv4/auth_parser.h"
#include "auth/sigv4/canonical.h"
#include "auth/sigv4/digest.h"
#include "auth/sigv4/errors.h"
#include "auth/sigv4/time_format.h"
#include "auth/sigv4/uri_encode.h"

namespace coffer::auth::sigv4 {
namespace {

bool IsLowerAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ListContains(std::string_view signed_headers, std::string_view name) {
  size_t start = 0;
  while (start <= signed_headers.size()) {
    size_t end = signed_headers.find(';', start);
    if (end == std::string_view::npos) end = signed_headers.size();
    if (EqualsIgnoreCase(signed_headers.substr(start, end - start), name)) return true;
    start = end + 1;
  }
  return false;
}

Status MustBeSigned(std::string_view display_name) {
  return IncompleteSignature("'" + std::string(display_name) +
                             "' must be a 'SignedHeader' in the AWS Authorization.");
}

// Per-thread buffers for the text one verification builds, reused so that a
// warm thread allocates nothing for it. Verify clears each before use.
struct Scratch {
  std::string canonical_uri;
  std::string canonical_query;
  std::string canonical_headers;
  std::string canonical_request;
  std::string scope;
  std::string string_to_sign;
};

// A buffer of this thread's Scratch, emptied. One that an unusually large
// request grew is released rather than kept for the thread's lifetime.
std::string& Cleared(std::string& buffer) {
  constexpr size_t kMaxRetained = 16 * 1024;
  buffer.clear();
  if (buffer.capacity() > kMaxRetained) buffer.shrink_to_fit();
  return buffer;
}

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Steps 1-3 for `req` into this thread's Scratch; returns the string to sign,
// a view valid until the thread's next verification.
Result<std::string_view> BuildStringToSign(const HttpRequestView& req, const TargetParts& target,
                                           const ParsedAuthorization& auth,
                                           std::string_view amz_date,
                                           std::string_view payload_hash) {
  Scratch& s = ThreadScratch();
  AppendCanonicalUri(target.path, &Cleared(s.canonical_uri));
  AppendCanonicalQuery(target.query, auth.presigned, &Cleared(s.canonical_query));
  AppendCanonicalHeaders(req.headers, auth.signed_headers, &Cleared(s.canonical_headers));
  AppendCanonicalRequest({req.method, s.canonical_uri, s.canonical_query, s.canonical_headers,
                          auth.signed_headers, payload_hash},
                         &Cleared(s.canonical_request));
  AppendCredentialScope(auth.scope_date, auth.region, auth.service, &Cleared(s.scope));
  COFFER_RETURN_IF_ERROR(
      AppendStringToSign(amz_date, s.scope, s.canonical_request, &Cleared(s.string_to_sign)));
  return std::string_view(s.string_to_sign);
}

// What the two auth forms have in common once parsed. The views point into
// the request or into this Parsed's own storage, so it is neither copied nor
// moved.
struct Parsed {
  Parsed() = default;
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;

  QueryParams query_params;    // presigned form: the decoded query `auth` views
  std::string formatted_date;  // Date-header form: the ISO date `amz_date` views
  ParsedAuthorization auth;
  std::string_view amz_date;  // ISO basic form, as it enters the string to sign
  std::string_view raw_date;  // the date as the client sent it
  int64_t request_ms = 0;
  bool has_security_token = false;
  std::string_view security_token;  // views the header or query_params
};

Result<int64_t> ParseIsoDate(std::string_view text) {
  std::optional<int64_t> ms = ParseAmzDate(text);
  if (!ms) {
    return IncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" +
                               std::string(text) + "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  return *ms;
}

Status ParseHeaderForm(const HttpRequestView& req, const std::string& authorization, Parsed* p) {
  const std::string* x_amz_date = FindHeader(req, "x-amz-date");
  const std::string* date = x_amz_date == nullptr ? FindHeader(req, "date") : nullptr;
  COFFER_ASSIGN_OR_RETURN(
      p->auth, ParseAuthorizationHeader(authorization, x_amz_date != nullptr || date != nullptr));
  if (x_amz_date != nullptr) {
    p->raw_date = Trim(*x_amz_date);
    COFFER_ASSIGN_OR_RETURN(p->request_ms, ParseIsoDate(p->raw_date));
    p->amz_date = p->raw_date;
    if (!ListContains(p->auth.signed_headers, "x-amz-date")) return MustBeSigned("X-Amz-Date");
  } else {
    p->raw_date = Trim(*date);
    std::optional<int64_t> ms = ParseHttpDate(p->raw_date);
    if (!ms) {
      return IncompleteSignature(
          "Date must be in RFC 1123 format, e.g. 'Sun, 30 Aug 2015 "
          "12:36:00 GMT'. Got '" +
          std::string(p->raw_date) + "'.");
    }
    p->request_ms = *ms;
    p->formatted_date = FormatAmzDate(*ms);
    p->amz_date = p->formatted_date;
    if (!ListContains(p->auth.signed_headers, "date")) return MustBeSigned("Date");
  }
  const std::string* token = FindHeader(req, "x-amz-security-token");
  p->has_security_token = token != nullptr;
  if (token != nullptr) p->security_token = Trim(*token);
  return Status::Ok();
}

// REQUIRES: p->query_params holds the request's decoded query.
Status ParseQueryForm(const HttpRequestView& req, Parsed* p) {
  COFFER_ASSIGN_OR_RETURN(p->auth, ParsePresignedQuery(p->query_params));
  p->raw_date = p->auth.amz_date;
  COFFER_ASSIGN_OR_RETURN(p->request_ms, ParseIsoDate(p->raw_date));
  p->amz_date = p->raw_date;
  p->has_security_token =
      p->auth.has_security_token || FindHeader(req, "x-amz-security-token") != nullptr;
  for (const auto& [name, value] : p->query_params) {
    if (name == "X-Amz-Security-Token") p->security_token = value;
  }
  if (p->security_token.empty()) {
    if (const std::string* h = FindHeader(req, "x-amz-security-token")) {
      p->security_token = Trim(*h);
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsValidRegion(std::string_view region) {
  // ^[a-z]{2}(-[a-z]+)+-\d+$
  if (region.size() < 6 || !IsLowerAlpha(region[0]) || !IsLowerAlpha(region[1]) ||
      region[2] != '-') {
    return false;
  }
  size_t last_dash = region.rfind('-');
  if (last_dash == 2 || last_dash + 1 == region.size()) return false;  // need a middle part
  for (size_t i = last_dash + 1; i < region.size(); ++i) {
    if (!IsDigit(region[i])) return false;
  }
  // The middle, region[3, last_dash): lowercase words separated by single dashes.
  bool previous_dash = true;
  for (size_t i = 3; i < last_dash; ++i) {
    if (region[i] == '-') {
      if (previous_dash) return false;
      previous_dash = true;
    } else if (IsLowerAlpha(region[i])) {
      previous_dash = false;
    } else {
      return false;
    }
  }
  return !previous_dash;
}

Verifier::Verifier(CredentialLookup lookup, const coffer::Clock& clock, VerifierOptions options)
    : lookup_(std::move(lookup)),
      clock_(clock),
      options_(std::move(options)),
      cache_(options_.signing_key_cache_capacity) {}

Result<VerifiedCaller> Verifier::Verify(const HttpRequestView& req,
                                        std::string_view expected_service,
                                        std::span<const std::string_view> must_sign) const {
  const TargetParts target = SplitTarget(req.target);
  const std::string* authorization = FindHeader(req, "authorization");
  Parsed p;
  if (authorization != nullptr) {
    COFFER_RETURN_IF_ERROR(ParseHeaderForm(req, *authorization, &p));
  } else {
    p.query_params = ParseQuery(target.query);
    if (!HasPresignedParams(p.query_params)) return MissingAuthenticationToken();
    COFFER_RETURN_IF_ERROR(ParseQueryForm(req, &p));
  }
  const ParsedAuthorization& auth = p.auth;

  std::string_view request_date = p.amz_date.substr(0, 8);
  if (auth.scope_date != request_date) {
    return ScopeDateMismatch(auth.scope_date, request_date, p.raw_date);
  }
  if (auth.service != expected_service) return WrongScopeService(expected_service);
  if (!IsValidRegion(auth.region)) return InvalidScopeRegion(auth.region);
  if (!ListContains(auth.signed_headers, "host")) return MustBeSigned("Host");
  for (std::string_view name : must_sign) {
    if (!ListContains(auth.signed_headers, name)) return MustBeSigned(name);
  }

  VerifiedCaller caller;
  caller.access_key_id = auth.access_key_id;
  caller.region = auth.region;
  caller.service = auth.service;
  caller.request_time_ms = p.request_ms;
  if (options_.permissive) {
    caller.account_id = options_.permissive_account_id;
    caller.principal_arn = "arn:aws:iam::" + options_.permissive_account_id + ":root";
    return caller;
  }

  if (p.has_security_token && !options_.session_lookup) return UnrecognizedClient();

  const int64_t now_ms = clock_.NowMillis();
  const int64_t skew = options_.max_skew_ms;
  if (auth.presigned) {
    const int64_t expires_at = p.request_ms + auth.expires_seconds * 1000;
    if (now_ms > expires_at) return PresignedExpired(expires_at, now_ms);
  } else if (p.request_ms < now_ms - skew) {
    return SignatureExpired(p.request_ms, now_ms, skew);
  }
  if (p.request_ms > now_ms + skew) return SignatureNotYetCurrent(p.request_ms, now_ms, skew);

  std::shared_ptr<const Credential> credential;
  if (p.has_security_token) {
    COFFER_ASSIGN_OR_RETURN(credential,
                            options_.session_lookup(auth.access_key_id, p.security_token));
  } else {
    COFFER_ASSIGN_OR_RETURN(credential, lookup_(auth.access_key_id));
  }
  if (!credential) return UnrecognizedClient();

  COFFER_ASSIGN_OR_RETURN(HexDigest payload_hash, HashedPayloadDigest(req.body));
  // S3-style clients may send the payload hash; it must be the body's.
  const std::string* content_sha = FindHeader(req, "x-amz-content-sha256");
  if (content_sha != nullptr && !EqualsIgnoreCase(Trim(*content_sha), payload_hash.view())) {
    return SignatureMismatch();
  }
  COFFER_ASSIGN_OR_RETURN(std::string_view string_to_sign,
                          BuildStringToSign(req, target, auth, p.amz_date, payload_hash.view()));
  COFFER_ASSIGN_OR_RETURN(SigningKey key,
                          cache_.Get(auth.access_key_id, auth.scope_date, auth.region, auth.service,
                                     credential->secret_access_key.view(), credential->serial));
  COFFER_ASSIGN_OR_RETURN(HexDigest signature, ComputeSignatureDigest(key, string_to_sign));
  if (!SignaturesEqual(signature.view(), auth.signature)) return SignatureMismatch();

  caller.account_id = credential->account_id;
  caller.principal_arn = credential->principal_arn;
  caller.credential = std::move(credential);
  return caller;
}

}  // namespace coffer::auth::sigv4
