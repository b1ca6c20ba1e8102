#include "auth/sigv4/auth_parser.h"

#include <gtest/gtest.h>

#include "auth/sigv4/errors.h"

namespace coffer::auth::sigv4 {
namespace {

constexpr char kGood[] =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae"
    "1d763fbf31";

TEST(ParseAuthorizationHeaderTest, ParsesWellFormed) {
  auto parsed = ParseAuthorizationHeader(kGood, true);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_FALSE(parsed->presigned);
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->scope_date, "20150830");
  EXPECT_EQ(parsed->region, "us-east-1");
  EXPECT_EQ(parsed->service, "service");
  EXPECT_EQ(parsed->signed_headers, "host;x-amz-date");
  EXPECT_EQ(parsed->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(ParseAuthorizationHeaderTest, ToleratesExtraSpacesAndOrder) {
  const char* variants[] = {
      "  AWS4-HMAC-SHA256   Credential=A/20150830/us-east-1/s/aws4_request ,  "
      "SignedHeaders=host,Signature=ab  ",
      "AWS4-HMAC-SHA256 Signature=ab,SignedHeaders=host,Credential=A/20150830/us-east-1/s/"
      "aws4_request",
      "AWS4-HMAC-SHA256\tCredential=A/20150830/us-east-1/s/aws4_request, SignedHeaders=host, "
      "Signature=ab, Extra=ignored",
  };
  for (const char* v : variants) {
    auto parsed = ParseAuthorizationHeader(v, true);
    ASSERT_TRUE(parsed.ok()) << v << " -> " << parsed.status().ToString();
    EXPECT_EQ(parsed->access_key_id, "A") << v;
    EXPECT_EQ(parsed->signed_headers, "host") << v;
    EXPECT_EQ(parsed->signature, "ab") << v;
  }
}

TEST(ParseAuthorizationHeaderTest, MalformedTable) {
  struct Case {
    std::string header;
    bool has_date;
    std::string reason;
    std::string message;
  };
  const std::string inc(kIncompleteSignature), inv(kInvalidSignature);
  const Case cases[] = {
      {"AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/s/aws4_request, SignedHeaders=host", true,
       inc,
       "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 "
       "Credential=A/20150830/us-east-1/s/aws4_request, SignedHeaders=host"},
      {"AWS AKIDEXAMPLE:qaNdqGsI6bq4Hi+9Gzovwyjbh0E=", true, inc,
       "Authorization header requires 'Credential' parameter. Authorization header requires "
       "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
       "Authorization=AWS AKIDEXAMPLE:qaNdqGsI6bq4Hi+9Gzovwyjbh0E="},
      {"Bearer abc", false, inc,
       "Authorization header requires 'Credential' parameter. Authorization header requires "
       "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
       "Authorization=Bearer abc"},
      {kGood, false, inc,
       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
       "Authorization=" +
           std::string(kGood)},
      {"AWS4-HMAC-SHA256", true, inc,
       "Authorization header requires 'Credential' parameter. Authorization header requires "
       "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
       "Authorization=AWS4-HMAC-SHA256"},
      {"AWS4-HMAC-SHA256 Credential=AKIAX /20150620/us-east-1/s/aws4_request, "
       "SignedHeaders=host, Signature=ab",
       true, inc,
       "'/20150620/us-east-1/s/aws4_request' not a valid key=value pair (missing equal-sign) in "
       "Authorization header: 'AWS4-HMAC-SHA256 Credential=AKIAX /20150620/us-east-1/s/"
       "aws4_request, SignedHeaders=host, Signature=ab'."},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/s/aws4_reqest, SignedHeaders=host, "
       "Signature=ab",
       true, inv,
       "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'. "},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/aws4_request, SignedHeaders=host, "
       "Signature=ab",
       true, inc,
       "Credential must have the form <AccessKeyId>/<yyyyMMdd>/<region>/<service>/aws4_request, "
       "not 'A/20150830/us-east-1/aws4_request'."},
      {"AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/s/aws4_request, SignedHeaders=host, "
       "Signature=ab",
       true, inc,
       "Credential must have the form <AccessKeyId>/<yyyyMMdd>/<region>/<service>/aws4_request, "
       "not '/20150830/us-east-1/s/aws4_request'."},
  };
  for (const auto& c : cases) {
    auto parsed = ParseAuthorizationHeader(c.header, c.has_date);
    ASSERT_FALSE(parsed.ok()) << c.header;
    EXPECT_EQ(parsed.status().code(), StatusCode::kUnauthenticated) << c.header;
    EXPECT_EQ(parsed.status().reason(), c.reason) << c.header;
    EXPECT_EQ(parsed.status().message(), c.message) << c.header;
  }
}

QueryParams PresignedParams() {
  return {{"Action", "GetCallerIdentity"},
          {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
          {"X-Amz-Credential", "AKID/20150830/us-east-1/sts/aws4_request"},
          {"X-Amz-Date", "20150830T123600Z"},
          {"X-Amz-Expires", "900"},
          {"X-Amz-SignedHeaders", "host"},
          {"X-Amz-Signature", "ab"}};
}

TEST(ParsePresignedQueryTest, ParsesWellFormed) {
  QueryParams params = PresignedParams();
  EXPECT_TRUE(HasPresignedParams(params));
  EXPECT_FALSE(HasPresignedParams({{"Action", "x"}, {"X-Amz-Date", "y"}}));
  auto parsed = ParsePresignedQuery(params);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->presigned);
  EXPECT_EQ(parsed->access_key_id, "AKID");
  EXPECT_EQ(parsed->service, "sts");
  EXPECT_EQ(parsed->amz_date, "20150830T123600Z");
  EXPECT_EQ(parsed->expires_seconds, 900);
  EXPECT_EQ(parsed->signed_headers, "host");
  EXPECT_EQ(parsed->signature, "ab");
  EXPECT_FALSE(parsed->has_security_token);
  params.emplace_back("X-Amz-Security-Token", "t");
  EXPECT_TRUE(ParsePresignedQuery(params)->has_security_token);
}

TEST(ParsePresignedQueryTest, MalformedTable) {
  auto with = [](std::string name, std::string value) {
    QueryParams params = PresignedParams();
    for (auto& p : params) {
      if (p.first == name) p.second = value;
    }
    return params;
  };
  auto without = [](std::string name) {
    QueryParams params = PresignedParams();
    std::erase_if(params, [&](const auto& p) { return p.first == name; });
    return params;
  };
  const std::pair<QueryParams, std::string> cases[] = {
      {without("X-Amz-Signature"),
       "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string "
       "parameters."},
      {without("X-Amz-Expires"),
       "AWS query-string parameters must include 'X-Amz-Expires'. Re-examine the query-string "
       "parameters."},
      {with("X-Amz-Algorithm", "AWS4-HMAC-SHA1"),
       "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""},
      {with("X-Amz-Expires", "0"),
       "X-Amz-Expires must be an integer from 1 to 604800 (seconds), not '0'."},
      {with("X-Amz-Expires", "604801"),
       "X-Amz-Expires must be an integer from 1 to 604800 (seconds), not '604801'."},
      {with("X-Amz-Expires", "-1"),
       "X-Amz-Expires must be an integer from 1 to 604800 (seconds), not '-1'."},
      {with("X-Amz-Expires", "99999999999999999999"),
       "X-Amz-Expires must be an integer from 1 to 604800 (seconds), not "
       "'99999999999999999999'."},
  };
  for (const auto& [params, message] : cases) {
    auto parsed = ParsePresignedQuery(params);
    ASSERT_FALSE(parsed.ok()) << message;
    EXPECT_EQ(parsed.status().reason(), kIncompleteSignature) << message;
    EXPECT_EQ(parsed.status().message(), message);
  }
  EXPECT_EQ(ParsePresignedQuery(with("X-Amz-Expires", "604800"))->expires_seconds, 604800);
  EXPECT_EQ(ParsePresignedQuery(with("X-Amz-Expires", "1"))->expires_seconds, 1);
}

}  // namespace
}  // namespace coffer::auth::sigv4
