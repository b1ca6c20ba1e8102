#include "protocol/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace coffer::protocol {
namespace {

void ExpectSerializationError(std::string_view body, std::string_view message = "") {
  auto doc = ParseRequestBody(body);
  ASSERT_FALSE(doc.ok()) << "accepted: " << std::string(body.substr(0, 80));
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().reason(), "SerializationException") << body.substr(0, 80);
  EXPECT_EQ(doc.status().message(), message) << body.substr(0, 80);
}

TEST(ParseRequestBody, EmptyBodyIsEmptyObject) {
  auto doc = ParseRequestBody("");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->IsObject());
  EXPECT_EQ(doc->MemberCount(), 0u);
}

TEST(ParseRequestBody, ParsesObject) {
  auto doc = ParseRequestBody(R"( {"SecretId":"a\u00e9b","N":5,"L":[1,{"k":null}]} )");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(std::string((*doc)["SecretId"].GetString()),
            "a\xc3\xa9"
            "b");
  EXPECT_EQ((*doc)["N"].GetInt(), 5);
}

TEST(ParseRequestBody, MalformedJsonHasNoMessage) {
  for (const char* body : {"{", "}", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "{'a':1}", "{\"a\":1}x",
                           "{\"a\":1}{}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":tru}", " ",
                           "{\"a\":\"\x01\"}", "{\"a\":\"\\q\"}", "{\"a\":\"unterminated}"}) {
    ExpectSerializationError(body);
  }
}

TEST(ParseRequestBody, TruncatedBodies) {
  std::string full = R"({"SecretId":"MyTestDatabaseSecret","VersionStage":"AWSCURRENT","L":[1,2]})";
  ASSERT_TRUE(ParseRequestBody(full).ok());
  for (size_t n = 1; n < full.size(); ++n) ExpectSerializationError(full.substr(0, n));
}

TEST(ParseRequestBody, EmbeddedNulIsRejected) {
  ExpectSerializationError(std::string_view("{}\0{}", 5));
  ExpectSerializationError(std::string_view("{\"a\":\"x\0y\"}", 11));
}

TEST(ParseRequestBody, NonObjectTopLevel) {
  for (const char* body : {"null", "\"x\"", "1", "true", "1.5"}) ExpectSerializationError(body);
  ExpectSerializationError("[]", "Start of list found where not expected");
  ExpectSerializationError("[{\"a\":1}]", "Start of list found where not expected");
}

TEST(ParseRequestBody, InvalidUtf8) {
  for (std::string body : {std::string("{\"a\":\"\xff\"}"), std::string("{\"a\":\"\xc3\"}"),
                           std::string("{\"a\":\"\xc0\xaf\"}"),          // overlong '/'
                           std::string("{\"a\":\"\xed\xa0\x80\"}"),      // raw surrogate
                           std::string("{\"a\":\"\xf4\x90\x80\x80\"}"),  // > U+10FFFF
                           std::string("{\"\xff\":1}"),                  // in a member name
                           std::string("{\"a\":\"\\udc00\"}"),           // lone low surrogate
                           std::string("{\"a\":\"\\ud800x\"}")}) {       // lone high surrogate
    ExpectSerializationError(body);
  }
  auto ok = ParseRequestBody("{\"a\":\"\\ud83d\\ude00 \xf0\x9f\x98\x80\"}");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(ParseRequestBody, DuplicateMembers) {
  ExpectSerializationError(R"({"SecretId":"a","SecretId":"b"})");
  ExpectSerializationError(R"({"a":{"x":1,"y":2,"x":3}})");
  ExpectSerializationError(R"({"a":[{"k":1},{"k":1,"k":2}]})");
  std::string many = "{";
  for (int i = 0; i < 40; ++i) many += "\"m" + std::to_string(i) + "\":1,";
  EXPECT_TRUE(ParseRequestBody(many + "\"last\":1}").ok());
  ExpectSerializationError(many + "\"m17\":2}");                       // sorted path (> 16 members)
  EXPECT_TRUE(ParseRequestBody(R"({"a":{"k":1},"b":{"k":1}})").ok());  // same name, other objects
}

TEST(ParseRequestBody, DepthLimit) {
  auto nested = [](int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "{\"a\":";
    s += "1";
    for (int i = 0; i < depth; ++i) s += "}";
    return s;
  };
  EXPECT_TRUE(ParseRequestBody(nested(kMaxJsonDepth)).ok());
  ExpectSerializationError(nested(kMaxJsonDepth + 1));
  // 100k levels: must neither recurse nor crash.
  ExpectSerializationError(nested(100000));
  ExpectSerializationError("{\"a\":" + std::string(100000, '['));
  ExpectSerializationError(std::string(100000, '['));
}

TEST(ParseRequestBody, LargeStringValue) {
  std::string value(65536, 'x');
  auto doc = ParseRequestBody("{\"SecretString\":\"" + value + "\"}");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["SecretString"].GetStringLength(), 65536u);
}

}  // namespace
}  // namespace coffer::protocol
