#include "auth/sigv4/canonical.h"

#include <gtest/gtest.h>

namespace coffer::auth::sigv4 {
namespace {

TEST(CanonicalUriTest, NormalizesAndEncodes) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "/"},
      {"/", "/"},
      {"//", "/"},
      {"/./", "/"},
      {"/./example", "/example"},
      {"/example/..", "/"},
      {"/example1/example2/../..", "/"},
      {"/../../a", "/a"},
      {"//example//", "/example/"},
      {"/a/./b/../c/", "/a/c/"},
      {"/example space/", "/example%20space/"},
      {"/example%20space/", "/example%2520space/"},  // non-S3 double encoding
      {"/example/$delete", "/example/%24delete"},
      {"/\xE1\x88\xB4", "/%E1%88%B4"},
      {"/-._~azAZ09", "/-._~azAZ09"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(CanonicalUri(in), want) << "path=" << in;
}

TEST(CanonicalQueryTest, SortsEncodesAndExcludesSignature) {
  struct Case {
    std::string in;
    bool presigned;
    std::string want;
  };
  const Case cases[] = {
      {"", false, ""},
      {"Param2=value2&Param1=value1", false, "Param1=value1&Param2=value2"},
      {"Param1=value2&Param1=Value1", false, "Param1=Value1&Param1=value2"},
      {"Param-3=Value3&Param=Value2&%E1%88%B4=Value1", false,
       "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"},
      {"\xE1\x88\xB4=bar", false, "%E1%88%B4=bar"},
      {"b&a=", false, "a=&b="},
      {"a=x y&a=x%20z", false, "a=x%20y&a=x%20z"},
      {"k=%7e%2f", false, "k=~%2F"},
      {"a=1&X-Amz-Signature=ff&b=2", true, "a=1&b=2"},
      {"a=1&X-Amz-Signature=ff", false, "X-Amz-Signature=ff&a=1"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CanonicalQuery(c.in, c.presigned), c.want) << "query=" << c.in;
  }
}

TEST(CanonicalHeadersTest, TrimsCollapsesAndJoinsDuplicates) {
  const HeaderList headers = {
      {"Host", "example.amazonaws.com"}, {"My-Header1", "  a   b \t c  "}, {"my-header2", "value2"},
      {"MY-HEADER2", " value1 "},        {"Folded", "v1\n  v2\n     v3"},  {"Unsigned", "x"},
  };
  EXPECT_EQ(CanonicalHeaders(&headers, "folded;host;my-header1;my-header2;absent"),
            "folded:v1 v2 v3\nhost:example.amazonaws.com\nmy-header1:a b c\n"
            "my-header2:value2,value1\nabsent:\n");
  EXPECT_EQ(CanonicalHeaders(nullptr, "host"), "host:\n");
  EXPECT_EQ(CanonicalHeaders(&headers, ""), "");
}

TEST(SignedHeadersForTest, LowercasesSortsDeduplicates) {
  const HeaderList headers = {
      {"X-Amz-Date", "d"}, {"Host", "h"}, {"My-Header1", "1"}, {"my-header1", "2"}};
  EXPECT_EQ(SignedHeadersFor(headers), "host;my-header1;x-amz-date");
  EXPECT_EQ(SignedHeadersFor({}), "");
}

TEST(HashedPayloadTest, KnownValues) {
  EXPECT_EQ(*HashedPayload(""), kEmptyPayloadHash);
  EXPECT_EQ(*HashedPayload("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CanonicalRequestTest, AssemblesSteps) {
  const std::string request = CanonicalRequest(
      {"GET", "/", "a=1", "host:h\nx-amz-date:d\n", "host;x-amz-date", kEmptyPayloadHash});
  EXPECT_EQ(request, "GET\n/\na=1\nhost:h\nx-amz-date:d\n\nhost;x-amz-date\n" +
                         std::string(kEmptyPayloadHash));
}

TEST(StringToSignTest, MatchesGetVanillaVector) {
  const std::string creq =
      "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
      std::string(kEmptyPayloadHash);
  EXPECT_EQ(CredentialScope("20150830", "us-east-1", "service"),
            "20150830/us-east-1/service/aws4_request");
  EXPECT_EQ(*StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", creq),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

}  // namespace
}  // namespace coffer::auth::sigv4
