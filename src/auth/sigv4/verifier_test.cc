#include "auth/sigv4/verifier.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

#include "auth/sigv4/canonical.h"
#include "auth/sigv4/digest.h"
#include "auth/sigv4/errors.h"
#include "auth/sigv4/signer.h"

namespace coffer::auth::sigv4 {
namespace {

constexpr int64_t kNow = 1440938160000;  // 20150830T123600Z
constexpr int64_t kMinute = 60 * 1000;
constexpr char kAkid[] = "AKIAEXAMPLE0000000001";
constexpr char kSecret[] = "test-secret-one";
constexpr char kService[] = "secretsmanager";

struct Request {
  std::string method = "POST";
  std::string target = "/";
  HeaderList headers = {{"Host", "secretsmanager.us-east-1.amazonaws.com"},
                        {"Content-Type", "application/x-amz-json-1.1"},
                        {"X-Amz-Target", "secretsmanager.GetSecretValue"},
                        {"User-Agent", "test"}};
  std::string body = R"({"SecretId":"db"})";
  HttpRequestView view() const { return {method, target, &headers, body}; }

  std::string* Header(std::string_view name) {
    for (auto& [n, v] : headers) {
      if (EqualsIgnoreCase(n, name)) return &v;
    }
    return nullptr;
  }
};

struct SignOptions {
  std::string akid = kAkid;
  std::string secret = kSecret;
  std::string region = "us-east-1";
  std::string service = kService;
  int64_t time_ms = kNow;
};

Request Signed(Request req, const SignOptions& o = {}) {
  SigningCredentials creds{o.akid, SecureString(o.secret), ""};
  auto result = SignRequest(req.view(), creds, o.region, o.service, o.time_ms);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  req.headers = result->signed_headers;
  return req;
}

class VerifierTest : public ::testing::Test {
 protected:
  struct Key {
    std::string secret, account, arn;
  };

  VerifierTest() {
    keys_[kAkid] = {kSecret, "111122223333", "arn:aws:iam::111122223333:user/alice"};
  }

  Verifier Make(VerifierOptions options = {}) {
    return Verifier(
        [this](std::string_view akid) -> Result<std::shared_ptr<const Credential>> {
          ++lookups_;
          if (!lookup_error_.ok()) return lookup_error_;
          auto it = keys_.find(std::string(akid));
          if (it == keys_.end()) return std::shared_ptr<const Credential>();
          return std::make_shared<const Credential>(
              Credential{SecureString(it->second.secret), it->second.account, it->second.arn});
        },
        clock_, std::move(options));
  }

  static void ExpectError(const Result<VerifiedCaller>& r, std::string_view reason,
                          std::string_view message, const std::string& label) {
    ASSERT_FALSE(r.ok()) << label;
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << label;
    EXPECT_EQ(r.status().reason(), reason) << label;
    EXPECT_EQ(r.status().message(), message) << label;
  }

  FakeClock clock_{kNow};
  std::map<std::string, Key> keys_;
  Status lookup_error_;
  int lookups_ = 0;
};

TEST_F(VerifierTest, AcceptsSignedRequest) {
  Verifier verifier = Make();
  auto caller = verifier.Verify(Signed(Request()).view(), kService);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->access_key_id, kAkid);
  EXPECT_EQ(caller->account_id, "111122223333");
  EXPECT_EQ(caller->principal_arn, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(caller->region, "us-east-1");
  EXPECT_EQ(caller->service, kService);
  EXPECT_EQ(caller->request_time_ms, kNow);
}

TEST_F(VerifierTest, AcceptsAnyWellFormedRegion) {
  Verifier verifier = Make();
  for (const char* region : {"us-east-1", "eu-central-2", "us-gov-west-1", "xx-lab-42"}) {
    SignOptions o;
    o.region = region;
    auto caller = verifier.Verify(Signed(Request(), o).view(), kService);
    ASSERT_TRUE(caller.ok()) << region << ": " << caller.status().ToString();
    EXPECT_EQ(caller->region, region);
  }
}

TEST(IsValidRegionTest, Table) {
  for (const char* good :
       {"us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-10", "ab-c-0"}) {
    EXPECT_TRUE(IsValidRegion(good)) << good;
  }
  for (const char* bad :
       {"", "us", "us-east", "useast1", "US-EAST-1", "us-east-1a", "us--east-1", "u-east-1",
        "usa-east-1", "us-1", "us-east-", "us-east1-1", "us-east-1 ", "us-ea st-1", "-us-east-1"}) {
    EXPECT_FALSE(IsValidRegion(bad)) << bad;
  }
}

// Each case mutates a correctly signed request; the Verifier must refuse it
// with exactly AWS's __type and message.
TEST_F(VerifierTest, ErrorTable) {
  const std::string inv(kInvalidSignature), inc(kIncompleteSignature);
  const std::string mismatch(kSignatureMismatchMessage);
  struct Case {
    std::string name;
    std::function<Request()> build;
    std::string reason, message;
  };
  auto signed_with = [](std::function<void(SignOptions&)> edit) {
    return [edit] {
      SignOptions o;
      edit(o);
      return Signed(Request(), o);
    };
  };
  auto mutated = [](std::function<void(Request&)> edit) {
    return [edit] {
      Request r = Signed(Request());
      edit(r);
      return r;
    };
  };
  const Case cases[] = {
      {"no authentication at all", [] { return Request(); },
       std::string(kMissingAuthenticationToken), "Request is missing Authentication Token"},
      {"tampered body", mutated([](Request& r) { r.body = R"({"SecretId":"prod"})"; }), inv,
       mismatch},
      {"tampered signed header",
       mutated([](Request& r) { *r.Header("X-Amz-Target") = "secretsmanager.DeleteSecret"; }), inv,
       mismatch},
      {"tampered method", mutated([](Request& r) { r.method = "PUT"; }), inv, mismatch},
      {"tampered path", mutated([](Request& r) { r.target = "/other"; }), inv, mismatch},
      {"added query", mutated([](Request& r) { r.target = "/?a=b"; }), inv, mismatch},
      {"wrong secret", signed_with([](SignOptions& o) { o.secret = "not-the-secret"; }), inv,
       mismatch},
      {"content sha256 not the body's", mutated([](Request& r) {
         r.headers.emplace_back("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
       }),
       inv, mismatch},
      {"5 min 1 s old", signed_with([](SignOptions& o) { o.time_ms = kNow - 5 * kMinute - 1000; }),
       inv,
       "Signature expired: 20150830T123059Z is now earlier than 20150830T123100Z "
       "(20150830T123600Z - 5 min.)"},
      {"5 min 1 s ahead",
       signed_with([](SignOptions& o) { o.time_ms = kNow + 5 * kMinute + 1000; }), inv,
       "Signature not yet current: 20150830T124101Z is still later than 20150830T124100Z "
       "(20150830T123600Z + 5 min.)"},
      {"scoped to another service", signed_with([](SignOptions& o) { o.service = "kms"; }), inv,
       "Credential should be scoped to correct service: 'secretsmanager'. "},
      {"malformed region", signed_with([](SignOptions& o) { o.region = "useast1"; }), inv,
       "Credential should be scoped to a valid region, not 'useast1'. "},
      {"upper-case region", signed_with([](SignOptions& o) { o.region = "US-EAST-1"; }), inv,
       "Credential should be scoped to a valid region, not 'US-EAST-1'. "},
      {"scope date differs from X-Amz-Date", mutated([](Request& r) {
         std::string& a = *r.Header("Authorization");
         a.replace(a.find("/20150830/"), 10, "/20150829/");
       }),
       inv,
       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
       "HTTP: '20150829' != '20150830', from '20150830T123600Z'."},
      {"host not signed", mutated([](Request& r) {
         std::string& a = *r.Header("Authorization");
         a.replace(a.find("SignedHeaders=content-type;host;"), 32, "SignedHeaders=content-type;");
       }),
       inc, "'Host' must be a 'SignedHeader' in the AWS Authorization."},
      {"x-amz-date not signed", mutated([](Request& r) {
         std::string& a = *r.Header("Authorization");
         a.replace(a.find(";x-amz-date;"), 12, ";");
       }),
       inc, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."},
      {"no date header", mutated([](Request& r) {
         std::erase_if(r.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
       }),
       inc, ""},  // message checked by prefix below
      {"malformed X-Amz-Date", mutated([](Request& r) { *r.Header("X-Amz-Date") = "2015-08-30"; }),
       inc,
       "Date must be in ISO-8601 'basic format'. Got '2015-08-30'. See "
       "http://en.wikipedia.org/wiki/ISO_8601"},
      {"missing signature parameter", mutated([](Request& r) {
         std::string& a = *r.Header("Authorization");
         a.erase(a.find(", Signature="));
       }),
       inc, ""},
      {"key=value without equal sign",
       mutated([](Request& r) { *r.Header("Authorization") += ", garbage"; }), inc, ""},
      {"unknown access key", signed_with([](SignOptions& o) { o.akid = "AKIAUNKNOWN"; }),
       std::string(kUnrecognizedClient), "The security token included in the request is invalid."},
      {"session token present",
       mutated([](Request& r) { r.headers.emplace_back("X-Amz-Security-Token", "FwoGZXIvYXdz"); }),
       std::string(kUnrecognizedClient), "The security token included in the request is invalid."},
  };
  Verifier verifier = Make();
  for (const auto& c : cases) {
    Request req = c.build();
    auto result = verifier.Verify(req.view(), kService);
    if (c.message.empty()) {
      ASSERT_FALSE(result.ok()) << c.name;
      EXPECT_EQ(result.status().reason(), c.reason) << c.name;
      const std::string& authz = *req.Header("Authorization");
      EXPECT_NE(result.status().message().find(authz), std::string::npos)
          << c.name << ": " << result.status().message();
    } else {
      ExpectError(result, c.reason, c.message, c.name);
    }
  }
}

TEST_F(VerifierTest, SkewBoundariesAreInclusive) {
  Verifier verifier = Make();
  for (int64_t offset : std::initializer_list<int64_t>{-5 * kMinute, -5 * kMinute + 1000, 0,
                                                       5 * kMinute - 1000, 5 * kMinute}) {
    SignOptions o;
    o.time_ms = kNow + offset;
    EXPECT_TRUE(verifier.Verify(Signed(Request(), o).view(), kService).ok()) << offset;
  }
  // The clock moving on turns an accepted request into an expired one.
  Request req = Signed(Request());
  clock_.Advance(5 * kMinute + 1);
  auto late = verifier.Verify(req.view(), kService);
  ExpectError(late, kInvalidSignature,
              "Signature expired: 20150830T123600Z is now earlier than 20150830T123600Z "
              "(20150830T124100Z - 5 min.)",
              "late");
}

TEST_F(VerifierTest, DateHeaderInsteadOfXAmzDate) {
  // Signed by hand through the step functions: the RFC 1123 Date header is
  // signed and its ISO form enters the string to sign.
  Request req;
  req.headers = {{"Host", "h.example"}, {"Date", "Sun, 30 Aug 2015 12:36:00 GMT"}};
  const std::string signed_headers = "date;host";
  const std::string creq =
      CanonicalRequest({"POST", "/", "", CanonicalHeaders(&req.headers, signed_headers),
                        signed_headers, *HashedPayload(req.body)});
  const std::string sts =
      *StringToSign("20150830T123600Z", CredentialScope("20150830", "us-east-1", kService), creq);
  const std::string sig =
      *ComputeSignature(*DeriveSigningKey(kSecret, "20150830", "us-east-1", kService), sts);
  req.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(kAkid) +
                                                "/20150830/us-east-1/secretsmanager/aws4_request, "
                                                "SignedHeaders=date;host, Signature=" +
                                                sig);
  Verifier verifier = Make();
  auto caller = verifier.Verify(req.view(), kService);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->request_time_ms, kNow);

  *req.Header("Date") = "Sun, 30 Aug 2015 12:36:01 GMT";
  ExpectError(verifier.Verify(req.view(), kService), kInvalidSignature, kSignatureMismatchMessage,
              "changed date");
  *req.Header("Date") = "30 Aug 2015";
  auto bad = verifier.Verify(req.view(), kService);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), kIncompleteSignature);
}

TEST_F(VerifierTest, LookupFailurePassesThrough) {
  lookup_error_ = Status::Unavailable("ServiceUnavailable", "store down");
  Verifier verifier = Make();
  auto result = verifier.Verify(Signed(Request()).view(), kService);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
}

TEST_F(VerifierTest, UsesSigningKeyCacheAndFollowsSecretChange) {
  Verifier verifier = Make();
  Request req = Signed(Request());
  ASSERT_TRUE(verifier.Verify(req.view(), kService).ok());
  ASSERT_TRUE(verifier.Verify(req.view(), kService).ok());
  EXPECT_EQ(verifier.signing_key_cache_stats().misses, 1u);
  EXPECT_EQ(verifier.signing_key_cache_stats().hits, 1u);
  // The secret is rotated in the store: the old signature must now fail and
  // one made with the new secret must pass.
  keys_[kAkid].secret = "test-secret-two";
  ExpectError(verifier.Verify(req.view(), kService), kInvalidSignature, kSignatureMismatchMessage,
              "old secret");
  SignOptions o;
  o.secret = "test-secret-two";
  EXPECT_TRUE(verifier.Verify(Signed(Request(), o).view(), kService).ok());
}

TEST_F(VerifierTest, PermissiveModeSkipsKeySignatureAndClock) {
  VerifierOptions options;
  options.permissive = true;
  options.permissive_account_id = "000000000000";
  Verifier verifier = Make(options);
  SignOptions o;
  o.akid = "test";  // moto/LocalStack-style dummy credentials
  o.secret = "test";
  o.time_ms = kNow - 3 * 24 * 60 * kMinute;
  Request req = Signed(Request(), o);
  req.body = "tampered";
  req.headers.emplace_back("X-Amz-Security-Token", "session");
  auto caller = verifier.Verify(req.view(), kService);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->account_id, "000000000000");
  EXPECT_EQ(caller->principal_arn, "arn:aws:iam::000000000000:root");
  EXPECT_EQ(caller->access_key_id, "test");
  EXPECT_EQ(lookups_, 0);

  // Still refused: no auth, malformed auth, wrong service, bad region.
  EXPECT_EQ(verifier.Verify(Request().view(), kService).status().reason(),
            kMissingAuthenticationToken);
  Request malformed = Signed(Request());
  *malformed.Header("Authorization") = "AWS4-HMAC-SHA256 Credential=x";
  EXPECT_EQ(verifier.Verify(malformed.view(), kService).status().reason(), kIncompleteSignature);
  SignOptions wrong_service;
  wrong_service.service = "kms";
  ExpectError(verifier.Verify(Signed(Request(), wrong_service).view(), kService), kInvalidSignature,
              "Credential should be scoped to correct service: 'secretsmanager'. ",
              "permissive service");
  SignOptions bad_region;
  bad_region.region = "local";
  ExpectError(verifier.Verify(Signed(Request(), bad_region).view(), kService), kInvalidSignature,
              "Credential should be scoped to a valid region, not 'local'. ", "permissive region");
}

TEST_F(VerifierTest, PresignedRequests) {
  Verifier verifier = Make();
  Request base;
  base.method = "GET";
  base.target = "/?Action=GetCallerIdentity&Version=2011-06-15";
  base.headers = {{"Host", "sts.amazonaws.com"}};
  base.body = "";
  SigningCredentials creds{kAkid, SecureString(std::string(kSecret)), ""};
  auto target = PresignRequest(base.view(), creds, "us-east-1", "sts", kNow, 60);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  Request req = base;
  req.target = *target;

  auto caller = verifier.Verify(req.view(), "sts");
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->service, "sts");

  clock_.Set(kNow + 60 * 1000);  // exactly at expiry: still valid
  EXPECT_TRUE(verifier.Verify(req.view(), "sts").ok());
  clock_.Set(kNow + 60 * 1000 + 1);
  ExpectError(verifier.Verify(req.view(), "sts"), kInvalidSignature,
              "Signature expired: 20150830T123700Z is now earlier than 20150830T123700Z.",
              "presigned expired");
  clock_.Set(kNow);

  Request tampered = req;
  tampered.target.replace(tampered.target.find("Version=2011-06-15"), 18, "Version=2011-06-16");
  ExpectError(verifier.Verify(tampered.view(), "sts"), kInvalidSignature, kSignatureMismatchMessage,
              "presigned tampered");

  Request longer = req;
  longer.target.replace(longer.target.find("X-Amz-Expires=60"), 16, "X-Amz-Expires=600");
  ExpectError(verifier.Verify(longer.view(), "sts"), kInvalidSignature, kSignatureMismatchMessage,
              "presigned expiry extended");

  Request no_sig = req;
  no_sig.target.erase(no_sig.target.find("&X-Amz-Signature="));
  auto missing = verifier.Verify(no_sig.view(), "sts");
  ExpectError(missing, kIncompleteSignature,
              "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the "
              "query-string parameters.",
              "presigned missing signature");

  ExpectError(verifier.Verify(req.view(), kService), kInvalidSignature,
              "Credential should be scoped to correct service: 'secretsmanager'. ",
              "presigned wrong service");

  auto with_token = PresignRequest(
      base.view(), SigningCredentials{kAkid, SecureString(std::string(kSecret)), "tok"},
      "us-east-1", "sts", kNow, 60);
  Request token_req = base;
  token_req.target = *with_token;
  ExpectError(verifier.Verify(token_req.view(), "sts"), kUnrecognizedClient,
              "The security token included in the request is invalid.", "presigned token");
}

// Issue #18 item 1: a signature over host and the date alone is valid SigV4,
// but the operation (X-Amz-Target) and protocol (Content-Type) were added after
// signing, so the request could be replayed as any operation. With the JSON
// protocol's must-sign list it is refused before any key is looked up.
TEST_F(VerifierTest, MustSignHeadersOfTheProtocol) {
  constexpr std::string_view kJson[] = {"Content-Type", "X-Amz-Target"};
  Verifier verifier = Make();
  Request bare;
  bare.headers = {{"Host", "secretsmanager.us-east-1.amazonaws.com"}};
  Request replayed = Signed(bare);  // SignedHeaders=host;x-amz-date
  replayed.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  replayed.headers.emplace_back("X-Amz-Target", "secretsmanager.DeleteSecret");
  // The hole: without the list the replay verifies.
  ASSERT_TRUE(verifier.Verify(replayed.view(), kService).ok());
  const int lookups_before = lookups_;
  ExpectError(verifier.Verify(replayed.view(), kService, kJson), kIncompleteSignature,
              "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.", "neither");
  EXPECT_EQ(lookups_, lookups_before) << "refused before the key lookup";

  Request target_only = Signed(Request());
  std::string& a = *target_only.Header("Authorization");
  a.replace(a.find(";x-amz-target"), 13, "");
  ExpectError(verifier.Verify(target_only.view(), kService, kJson), kIncompleteSignature,
              "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
              "x-amz-target left out");

  // What the SDKs send passes, and so does it in permissive mode.
  EXPECT_TRUE(verifier.Verify(Signed(Request()).view(), kService, kJson).ok());
  Verifier permissive = Make({.permissive = true, .permissive_account_id = "000000000000"});
  EXPECT_TRUE(permissive.Verify(Signed(Request()).view(), kService, kJson).ok());
  ExpectError(permissive.Verify(replayed.view(), kService, kJson), kIncompleteSignature,
              "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.",
              "permissive replay");

  // Query auth: a URL presigned over host alone is refused the same way.
  Request get;
  get.method = "GET";
  get.body = "";
  get.headers = {{"Host", "secretsmanager.us-east-1.amazonaws.com"}};
  SigningCredentials creds{kAkid, SecureString(std::string(kSecret)), ""};
  auto url = PresignRequest(get.view(), creds, "us-east-1", kService, kNow, 60);
  ASSERT_TRUE(url.ok());
  get.target = *url;
  get.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  get.headers.emplace_back("X-Amz-Target", "secretsmanager.GetSecretValue");
  ASSERT_TRUE(verifier.Verify(get.view(), kService).ok());
  ExpectError(verifier.Verify(get.view(), kService, kJson), kIncompleteSignature,
              "'Content-Type' must be a 'SignedHeader' in the AWS Authorization.", "presigned");
}

// Untrusted input: every truncation and many random corruptions of a valid
// Authorization header or target are refused, never accepted or crashed on.
TEST_F(VerifierTest, CorruptedInputIsRefused) {
  Verifier verifier = Make();
  const Request good = Signed(Request());
  ASSERT_TRUE(verifier.Verify(good.view(), kService).ok());
  Request req = good;
  const std::string authz = *req.Header("Authorization");
  for (size_t n = 0; n < authz.size(); ++n) {
    *req.Header("Authorization") = authz.substr(0, n);
    EXPECT_FALSE(verifier.Verify(req.view(), kService).ok()) << "truncated to " << n;
  }
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    Request bad = good;
    std::string& field = (i % 2 == 0) ? *bad.Header("Authorization") : bad.target;
    if (i % 4 == 1) field = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb";
    const size_t pos = rng() % field.size();
    field[pos] = static_cast<char>(rng() % 256);
    if (i % 3 == 0) field.insert(rng() % field.size(), std::string(rng() % 4, '%'));
    // Skip mutations that canonicalise to the original request (e.g. "?").
    const TargetParts parts = SplitTarget(bad.target);
    if (*bad.Header("Authorization") == authz && CanonicalUri(parts.path) == "/" &&
        CanonicalQuery(parts.query, false).empty()) {
      continue;
    }
    auto result = verifier.Verify(bad.view(), kService);
    EXPECT_FALSE(result.ok()) << "iteration " << i << " target=" << bad.target
                              << " authz=" << *bad.Header("Authorization");
    if (!result.ok()) {
      EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated) << i;
    }
  }
}

}  // namespace
}  // namespace coffer::auth::sigv4
