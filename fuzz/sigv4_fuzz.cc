// Fuzzes SigV4 parsing and canonicalisation (src/auth/sigv4): the
// Authorization header and presigned-query parsers, the canonical URI, query
// and headers, the date formats, and Verifier::Verify (strict and permissive)
// over a whole request, plus the signer on the same request.
// Input: "METHOD\nTARGET\nName: value\n...\n\nBODY" (a simplified HTTP
// request; a header line without ':' is a name with an empty value).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4/auth_parser.h"
#include "auth/sigv4/canonical.h"
#include "auth/sigv4/request.h"
#include "auth/sigv4/signer.h"
#include "auth/sigv4/time_format.h"
#include "auth/sigv4/uri_encode.h"
#include "auth/sigv4/verifier.h"
#include "common/clock.h"

using namespace coffer;
using namespace coffer::auth::sigv4;

namespace {

constexpr int64_t kNowMs = 1440938160000;  // 2015-08-30T12:36:00Z (aws4_testsuite)

Result<std::shared_ptr<const Credential>> Lookup(std::string_view akid) {
  if (akid != "AKIDEXAMPLE") return std::shared_ptr<const Credential>();
  Credential c;
  c.secret_access_key = SecureString(std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
  c.account_id = "123456789012";
  c.principal_arn = "arn:aws:iam::123456789012:user/fuzz";
  return std::make_shared<const Credential>(std::move(c));
}

std::string_view NextLine(std::string_view& in) {
  size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FakeClock clock(kNowMs);
  static Verifier strict(Lookup, clock, VerifierOptions{});
  static Verifier permissive(Lookup, clock, [] {
    VerifierOptions o;
    o.permissive = true;
    o.permissive_account_id = "123456789012";
    return o;
  }());

  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string method(NextLine(in));
  std::string target(NextLine(in));
  HeaderList headers;
  while (!in.empty()) {
    std::string_view line = NextLine(in);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.emplace_back(std::string(name), std::string(value));
  }
  std::string body(in);
  HttpRequestView req{method, target, &headers, body};

  // The parsers and canonicalisation steps on their own.
  TargetParts parts = SplitTarget(target);
  (void)NormalizePath(parts.path);
  (void)CanonicalUri(parts.path);
  (void)CanonicalQuery(parts.query, false);
  (void)CanonicalQuery(parts.query, true);
  QueryParams params = ParseQuery(parts.query);
  if (HasPresignedParams(params)) {
    auto p = ParsePresignedQuery(params);
    if (p.ok()) (void)CanonicalHeaders(&headers, p->signed_headers);
  }
  for (const auto& [name, value] : headers) {
    (void)UriEncode(value, false);
    (void)PercentDecode(value);
    if (EqualsIgnoreCase(name, "authorization")) {
      auto a = ParseAuthorizationHeader(value, true);
      if (a.ok()) {
        (void)CanonicalHeaders(&headers, a->signed_headers);
        (void)CredentialScope(a->scope_date, a->region, a->service);
      }
    } else if (EqualsIgnoreCase(name, "x-amz-date")) {
      if (auto ms = ParseAmzDate(value)) {
        if (FormatAmzDate(*ms) != value) __builtin_trap();  // exact shape round-trips
      }
    } else if (EqualsIgnoreCase(name, "date")) {
      (void)ParseHttpDate(value);
    }
  }
  (void)CanonicalHeaders(&headers, SignedHeadersFor(headers));

  // Whole-request verification, both modes, as the pipeline runs it.
  constexpr std::string_view kJsonMustSign[] = {"Content-Type", "X-Amz-Target"};
  (void)strict.Verify(req, "secretsmanager", kJsonMustSign);
  (void)permissive.Verify(req, "secretsmanager", kJsonMustSign);

  // The signer on the same request (it needs a Host header).
  if (FindHeader(req, "host")) {
    SigningCredentials creds{
        "AKIDEXAMPLE", SecureString(std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")), ""};
    (void)SignRequest(req, creds, "us-east-1", "secretsmanager", kNowMs);
    (void)PresignRequest(req, creds, "us-east-1", "secretsmanager", kNowMs, 300);
  }
  return 0;
}
