#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <cstdio>

#include <boost/beast/http/error.hpp>
#include <optional>
#include <string>

namespace coffer::http::internal {
namespace {

struct Outcome {
  boost::system::error_code ec;  // first error other than need_more
  bool done = false;
};

// Feeds `input` in pieces of `step` bytes, as a connection would.
Outcome Feed(RequestParser& parser, std::string_view input, size_t step) {
  std::string pending;
  Outcome outcome;
  while (!input.empty() || !pending.empty()) {
    size_t n = std::min(step, input.size());
    pending.append(input.substr(0, n));
    input.remove_prefix(n);
    for (;;) {
      boost::system::error_code ec;
      size_t used = parser.put(boost::asio::buffer(pending), ec);
      pending.erase(0, used);
      if (ec == boost::beast::http::error::need_more) break;
      if (ec) {
        outcome.ec = ec;
        return outcome;
      }
      if (parser.is_done()) {
        outcome.done = true;
        return outcome;
      }
      if (used == 0) break;
    }
    if (input.empty()) break;
  }
  return outcome;
}

TEST(RequestParserTest, ParsesTheSameAtAnySplit) {
  const std::string input =
      "POST /path?q=1 HTTP/1.1\r\nHost: example\r\nX-A: 1\r\nx-a: 2\r\n"
      "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext\r\nefg\r\n0\r\nTrailer: t\r\n\r\n";
  for (size_t step : {size_t{1}, size_t{2}, size_t{7}, input.size()}) {
    Request request;
    RequestParser parser(request, ParserLimits());
    Outcome outcome = Feed(parser, input, step);
    ASSERT_TRUE(outcome.done) << "step " << step << ": " << outcome.ec.message();
    EXPECT_EQ(request.method, "POST") << step;
    EXPECT_EQ(request.target, "/path?q=1") << step;
    EXPECT_EQ(request.version, 11);
    EXPECT_EQ(request.body, "abcdefg") << step;
    ASSERT_EQ(request.headers.size(), 4u) << step;  // no trailer
    EXPECT_EQ(request.headers[2].first, "x-a");
    EXPECT_EQ(request.Header("X-A"), "1");
  }
}

// A chunked body's size is not known up front: it grows (and each buffer it
// leaves is wiped) as the chunks come, and ends up byte for byte.
TEST(RequestParserTest, ChunkedBodyGrowsAcrossManyChunks) {
  std::string input = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    std::string chunk(50 + i, static_cast<char>('a' + i % 26));
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    input += size + chunk + "\r\n";
    expected += chunk;
  }
  input += "0\r\n\r\n";
  for (size_t step : {size_t{3}, size_t{64}, input.size()}) {
    Request request;
    RequestParser parser(request, ParserLimits());
    Outcome outcome = Feed(parser, input, step);
    ASSERT_TRUE(outcome.done) << "step " << step << ": " << outcome.ec.message();
    EXPECT_EQ(request.body, expected) << step;
  }
}

TEST(RequestParserTest, ReusedRequestIsResetBetweenMessages) {
  Request request;
  request.remote_address = "10.0.0.1";
  {
    RequestParser parser(request, ParserLimits());
    ASSERT_TRUE(
        Feed(parser, "PUT /a HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 3\r\n\r\nxyz", 64)
            .done);
  }
  RequestParser parser(request, ParserLimits());
  ASSERT_TRUE(Feed(parser, "GET /b HTTP/1.0\r\nD: 4\r\n\r\n", 64).done);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/b");
  EXPECT_EQ(request.version, 10);
  EXPECT_EQ(request.body, "");
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0], (std::pair<std::string, std::string>("D", "4")));
  EXPECT_EQ(request.remote_address, "10.0.0.1");  // per connection, kept
  EXPECT_FALSE(parser.keep_alive());
}

TEST(RequestParserTest, ExpectContinueOnlyForHttp11) {
  struct Case {
    const char* input;
    bool expects;
  };
  const Case cases[] = {
      {"PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", true},
      {"PUT / HTTP/1.1\r\nexpect:  100-CONTINUE \r\nContent-Length: 1\r\n\r\n", true},
      {"PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", false},
      {"PUT / HTTP/1.1\r\nExpect: something\r\nContent-Length: 1\r\n\r\n", false},
      {"PUT / HTTP/1.1\r\nContent-Length: 1\r\n\r\n", false},
  };
  for (const Case& c : cases) {
    Request request;
    RequestParser parser(request, ParserLimits());
    Outcome outcome = Feed(parser, c.input, 1000);
    ASSERT_FALSE(outcome.ec) << c.input;
    ASSERT_TRUE(parser.is_header_done()) << c.input;
    EXPECT_EQ(parser.expects_continue(), c.expects) << c.input;
  }
}

TEST(RequestParserTest, LimitsAndRejectionsMapToStatuses) {
  ParserLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_header_count = 8;
  limits.max_body_bytes = 10;
  std::string many_headers = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 9; ++i) many_headers += "h: v\r\n";
  struct Case {
    std::string input;
    int status;
  };
  const Case cases[] = {
      {"GET / HTTP/1.1\r\nBig: " + std::string(2000, 'x') + "\r\n\r\n", 431},
      {many_headers + "\r\n", 431},
      {"PUT / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 413},
      {"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n", 413},
      {"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + many_headers.substr(16) +
           "\r\n",
       431},  // trailers count too
      {"PUT / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"GET / HTTP/1.2\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\n\r\n", 400},
  };
  for (const Case& c : cases) {
    Request request;
    RequestParser parser(request, limits);
    Outcome outcome = Feed(parser, c.input, 1000);
    ASSERT_TRUE(outcome.ec) << c.input.substr(0, 60);
    EXPECT_EQ(StatusForParseError(outcome.ec), c.status)
        << c.input.substr(0, 60) << ": " << outcome.ec.message();
  }
}

}  // namespace
}  // namespace coffer::http::internal
