#include "http/response_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "http/message.h"

namespace coffer::http::internal {
namespace {

std::string Head(const Response& response, HeadOptions options, HeadResult* result = nullptr) {
  std::string out;
  HeadResult r = AppendResponseHead(response, options, &out);
  if (result != nullptr) *result = r;
  return out;
}

TEST(ResponseWriterTest, WritesStatusHeadersAndLength) {
  Response response;
  response.status = 404;
  response.headers = {{"X-Amzn-RequestId", "abc"}, {"Content-Type", "application/json"}};
  response.body = "{}";
  HeadResult result;
  EXPECT_EQ(Head(response, HeadOptions(), &result),
            "HTTP/1.1 404 Not Found\r\nX-Amzn-RequestId: abc\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n");
  EXPECT_TRUE(result.send_body);
  EXPECT_TRUE(result.keep_alive);
}

TEST(ResponseWriterTest, ConnectionFieldFollowsKeepAliveAndVersion) {
  Response response;
  HeadOptions close;
  close.keep_alive = false;
  EXPECT_EQ(Head(response, close),
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  HeadOptions http10;
  http10.request_version = 10;
  EXPECT_EQ(Head(response, http10),
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
}

TEST(ResponseWriterTest, TransportOwnsFramingFields) {
  Response response;
  response.headers = {{"Content-Length", "999"},
                      {"transfer-encoding", "chunked"},
                      {"Connection", "keep-alive, Close"},
                      {"X-Ok", "1"}};
  response.body = "abc";
  HeadResult result;
  EXPECT_EQ(Head(response, HeadOptions(), &result),
            "HTTP/1.1 200 OK\r\nX-Ok: 1\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(result.keep_alive);
  EXPECT_TRUE(WantsClose(response));
}

TEST(ResponseWriterTest, DropsFieldsThatCouldSplitTheResponse) {
  Response response;
  response.headers = {{"X-Bad", "a\r\nSet-Cookie: evil"},
                      {"X Bad", "v"},
                      {"", "v"},
                      {"X-Nul", std::string("a\0b", 3)},
                      {"X-Good", "fine value"}};
  EXPECT_EQ(Head(response, HeadOptions()),
            "HTTP/1.1 200 OK\r\nX-Good: fine value\r\nContent-Length: 0\r\n\r\n");
}

TEST(ResponseWriterTest, BodylessResponses) {
  struct Case {
    int status;
    bool head_request;
    const char* expected;
    bool send_body;
  };
  const Case cases[] = {
      {204, false, "HTTP/1.1 204 No Content\r\n\r\n", false},
      {304, false, "HTTP/1.1 304 Not Modified\r\n\r\n", false},
      {200, true, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false},
      {100, false, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\n", true},
      {99, false, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\n", true},
      {600, false, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\n", true},
      {299, false, "HTTP/1.1 299 \r\nContent-Length: 5\r\n\r\n", true},
  };
  for (const Case& c : cases) {
    Response response;
    response.status = c.status;
    response.body = "hello";
    HeadOptions options;
    options.head_request = c.head_request;
    HeadResult result;
    EXPECT_EQ(Head(response, options, &result), c.expected) << c.status;
    EXPECT_EQ(result.send_body, c.send_body) << c.status;
  }
}

TEST(MessageTest, HeaderLookupIsCaseInsensitiveFirstMatch) {
  Request request;
  request.headers = {
      {"X-Amz-Target", "secretsmanager.GetSecretValue"}, {"x-amz-target", "second"}, {"Host", ""}};
  EXPECT_EQ(request.Header("x-amz-target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(request.Header("X-AMZ-TARGET"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(request.Header("host"), "");
  EXPECT_EQ(request.Header("X-Amz-Targe"), "");
  EXPECT_EQ(request.Header(""), "");
}

TEST(MessageTest, DefaultErrorResponse) {
  Response response = DefaultErrorResponse(431, ReasonPhrase(431));
  EXPECT_EQ(response.status, 431);
  EXPECT_EQ(response.body, "431 Request Header Fields Too Large\n");
  EXPECT_EQ(ReasonPhrase(299), "");
}

}  // namespace
}  // namespace coffer::http::internal
