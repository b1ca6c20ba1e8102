#include "client/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "client/test_http_server.h"

namespace coffer::client {
namespace {

using test::TestHttpServer;

TEST(ParseHttpUrlTest, Parts) {
  auto u = ParseHttpUrl("http://127.0.0.1:9000/invoke?x=1#frag");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "9000");
  EXPECT_EQ(u->target, "/invoke?x=1");

  u = ParseHttpUrl("HTTPS://example.com");
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/");

  u = ParseHttpUrl("http://[::1]:8080?q");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->target, "/?q");
}

TEST(ParseHttpUrlTest, Rejects) {
  for (const char* bad : {"ftp://x/", "http://", "http://:80/", "http://a:0/", "http://a:65536/",
                          "http://a:12x/", "http://user:pw@host/", "http://[::1/", "http://[zz]/",
                          "http://a b/", "http://h/a b", "example.com"}) {
    auto u = ParseHttpUrl(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

TEST(HttpCallTest, PostAndResponse) {
  TestHttpServer server;
  server.status = 201;
  server.response_body = R"({"ok":true})";
  ASSERT_TRUE(server.Start());
  HttpCallRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/invoke?a=b";
  req.headers = {{"Content-Type", "application/json"}, {"X-One", "1"}};
  req.body = R"({"Step":"createSecret"})";
  auto res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, R"({"ok":true})");
  bool saw = false;
  for (const auto& [k, v] : res->headers) saw |= (k == "X-Test" && v == "yes");
  EXPECT_TRUE(saw);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body, req.body);
  EXPECT_NE(reqs[0].head.find("POST /invoke?a=b HTTP/1.1"), std::string::npos);
  EXPECT_NE(reqs[0].head.find("X-One: 1"), std::string::npos);
  EXPECT_NE(reqs[0].head.find("Host: 127.0.0.1:" + std::to_string(server.port())),
            std::string::npos);
}

TEST(HttpCallTest, ErrorStatusIsAResponse) {
  TestHttpServer server;
  server.status = 500;
  server.response_body = "boom";
  ASSERT_TRUE(server.Start());
  HttpCallRequest req;
  req.method = "GET";
  req.url = "http://localhost:" + std::to_string(server.port()) + "/";
  auto res = HttpCall(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body, "boom");
}

TEST(HttpCallTest, TimeoutWhenServerNeverAnswers) {
  TestHttpServer server;
  server.hang = true;
  ASSERT_TRUE(server.Start());
  HttpCallRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  req.timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto res = HttpCall(req);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(res.status().message().find("timed out"), std::string::npos);
  EXPECT_EQ(res.status().reason(), "Timeout");
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(HttpCallTest, CancelEndsALongWait) {
  TestHttpServer server;
  server.hang = true;
  ASSERT_TRUE(server.Start());
  HttpCallRequest req;
  req.method = "GET";
  req.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  req.timeout = std::chrono::seconds(30);
  std::atomic<bool> cancel{false};
  req.cancel = &cancel;
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  auto start = std::chrono::steady_clock::now();
  auto res = HttpCall(req);
  auto elapsed = std::chrono::steady_clock::now() - start;
  canceller.join();
  EXPECT_FALSE(res.ok());
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(HttpCallTest, ConnectionRefused) {
  int port;
  {
    TestHttpServer server;
    ASSERT_TRUE(server.Start());
    port = server.port();
  }
  HttpCallRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  req.timeout = std::chrono::milliseconds(2000);
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
}

TEST(HttpCallTest, RejectsHeaderInjectionAndBadMethods) {
  HttpCallRequest req;
  req.url = "http://127.0.0.1:1/";
  req.headers = {{"X-A", "1\r\nX-Injected: 2"}};
  EXPECT_EQ(HttpCall(req).status().code(), StatusCode::kInvalidArgument);
  req.headers = {{"X A", "1"}};
  EXPECT_EQ(HttpCall(req).status().code(), StatusCode::kInvalidArgument);
  req.headers = {};
  req.method = "GET / HTTP/1.0\r\n";
  EXPECT_EQ(HttpCall(req).status().code(), StatusCode::kInvalidArgument);
}

class HttpsCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pem = test::MakeSelfSigned(::testing::TempDir());
    ASSERT_TRUE(pem.has_value());
    pem_ = *pem;
  }
  test::Pem pem_;
};

TEST_F(HttpsCallTest, TrustedCaAndMatchingNames) {
  for (const char* host : {"localhost", "127.0.0.1"}) {
    TestHttpServer server;
    server.response_body = "secure";
    ASSERT_TRUE(server.Start("127.0.0.1", &pem_));
    HttpCallRequest req;
    req.url = std::string("https://") + host + ":" + std::to_string(server.port()) + "/x";
    req.ca_file = pem_.cert_file;
    req.body = "{}";
    auto res = HttpCall(req);
    ASSERT_TRUE(res.ok()) << host << ": " << res.status().ToString();
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "secure");
    // SNI for a name, none for an address literal (RFC 6066).
    EXPECT_EQ(server.server_names(),
              std::vector<std::string>{std::string(host) == "localhost" ? "localhost" : ""});
  }
}

TEST_F(HttpsCallTest, UntrustedCertificateFails) {
  TestHttpServer server;
  ASSERT_TRUE(server.Start("127.0.0.1", &pem_));
  HttpCallRequest req;  // the system's CAs do not include the self-signed one
  req.url = "https://localhost:" + std::to_string(server.port()) + "/";
  req.timeout = std::chrono::milliseconds(5000);
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(res.status().message().find("TLS"), std::string::npos) << res.status().ToString();
}

TEST_F(HttpsCallTest, HostNameMismatchFails) {
  TestHttpServer server;  // the certificate names localhost and 127.0.0.1 only
  ASSERT_TRUE(server.Start("127.0.0.2", &pem_));
  HttpCallRequest req;
  req.url = "https://127.0.0.2:" + std::to_string(server.port()) + "/";
  req.ca_file = pem_.cert_file;
  req.timeout = std::chrono::milliseconds(5000);
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
}

TEST_F(HttpsCallTest, BadCaFileIsUnavailable) {
  HttpCallRequest req;
  req.url = "https://127.0.0.1:1/";
  req.ca_file = pem_.dir + "/missing.pem";
  req.timeout = std::chrono::milliseconds(2000);
  auto res = HttpCall(req);
  ASSERT_FALSE(res.ok());
}

}  // namespace
}  // namespace coffer::client
