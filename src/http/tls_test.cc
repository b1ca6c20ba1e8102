// TLS tests: a self-signed certificate is generated with the OpenSSL API
// into a temporary directory; the client verifies it as its trust anchor.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/server.h"
#include "http/test_client.h"
#include "testing/self_signed_cert.h"

namespace coffer::http {
namespace {

using test::EchoHandler;
using test::StartOrNull;
using test::TestClient;

using coffer::testing::MakeSelfSigned;
using coffer::testing::Pem;

using SslCtxPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;

// A client context trusting only `cert_file`.
SslCtxPtr ClientContext(const std::string& cert_file) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (ctx) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(ctx.get(), cert_file.c_str(), nullptr) != 1) ctx.reset();
  }
  return ctx;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pem = MakeSelfSigned(::testing::TempDir());
    ASSERT_TRUE(pem.has_value());
    pem_ = *pem;
  }
  void TearDown() override {
    std::remove(pem_.cert_file.c_str());
    std::remove(pem_.key_file.c_str());
    std::remove(pem_.dir.c_str());
  }
  ServerOptions Options() const {
    ServerOptions options;
    options.threads = 1;
    options.tls_cert_file = pem_.cert_file;
    options.tls_key_file = pem_.key_file;
    return options;
  }

  Pem pem_;
};

TEST_F(TlsTest, RoundTripWithKeepAlive) {
  std::atomic<bool> saw_tls{false};
  auto server = StartOrNull(Options(), [&](const Request& request, Response& response) {
    saw_tls = request.tls;
    EchoHandler(request, response);
  });
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(server->tls());
  SslCtxPtr ctx = ClientContext(pem_.cert_file);
  ASSERT_TRUE(ctx);
  auto client = TestClient::Connect(server->port(), ctx.get());
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        client->Send("POST /t HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\n"
                     "ping"));
    auto response = client->ReadResponse();
    ASSERT_TRUE(response.has_value()) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "POST /t\nping");
  }
  EXPECT_TRUE(saw_tls.load());
  // Plain HTTP on the TLS port is not served.
  auto plain = TestClient::Connect(server->port());
  ASSERT_NE(plain, nullptr);
  ASSERT_TRUE(plain->Send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  std::string received;
  EXPECT_TRUE(plain->WaitForClose(test::kIoTimeout, &received));
  EXPECT_EQ(received.find("HTTP/1.1 200"), std::string::npos);
}

TEST_F(TlsTest, RefusesTls11) {
  auto server = StartOrNull(Options(), EchoHandler);
  ASSERT_NE(server, nullptr);
  SslCtxPtr ctx = ClientContext(pem_.cert_file);
  ASSERT_TRUE(ctx);
  SSL_CTX_set_security_level(ctx.get(), 0);  // let the client offer TLS 1.1
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_1_VERSION);
  EXPECT_EQ(TestClient::Connect(server->port(), ctx.get()), nullptr);
  // The same client allowed TLS 1.2 connects.
  SSL_CTX_set_max_proto_version(ctx.get(), 0);
  EXPECT_NE(TestClient::Connect(server->port(), ctx.get()), nullptr);
}

TEST_F(TlsTest, ErrorsAndTimeoutsBehaveAsOverPlainHttp) {
  ServerOptions options = Options();
  options.read_timeout = std::chrono::milliseconds(300);
  options.max_body_bytes = 16;
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  SslCtxPtr ctx = ClientContext(pem_.cert_file);
  ASSERT_TRUE(ctx);
  struct Case {
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"GARBAGE\r\n\r\n", 400},
      {"PUT / HTTP/1.1\r\nContent-Length: 17\r\n\r\n", 413},
      {"GET / HTTP/1.1\r\nX-Partial: never ends", 408},
  };
  for (const Case& c : cases) {
    auto client = TestClient::Connect(server->port(), ctx.get());
    ASSERT_NE(client, nullptr);
    ASSERT_TRUE(client->Send(c.request));
    auto response = client->ReadResponse();
    ASSERT_TRUE(response.has_value()) << c.request;
    EXPECT_EQ(response->status, c.status) << c.request;
    EXPECT_EQ(response->Header("Connection"), "close");
    EXPECT_TRUE(client->WaitForClose());
  }
}

// A connection that never starts its handshake is closed after
// first_byte_timeout (not read_timeout, the handshake's own deadline), and
// one that completes the handshake but sends no request after
// first_byte_timeout again.
TEST_F(TlsTest, SilentConnectionsAreClosedAfterTheFirstByteTimeout) {
  ServerOptions options = Options();
  options.first_byte_timeout = std::chrono::milliseconds(300);
  options.read_timeout = std::chrono::milliseconds(20000);
  auto server = StartOrNull(options, EchoHandler);
  ASSERT_NE(server, nullptr);
  auto silent = TestClient::Connect(server->port());  // TCP only, no ClientHello
  ASSERT_NE(silent, nullptr);
  std::string received;
  EXPECT_TRUE(silent->WaitForClose(std::chrono::milliseconds(5000), &received));
  EXPECT_EQ(received, "");
  SslCtxPtr ctx = ClientContext(pem_.cert_file);
  ASSERT_TRUE(ctx);
  auto handshaken = TestClient::Connect(server->port(), ctx.get());
  ASSERT_NE(handshaken, nullptr);
  EXPECT_TRUE(handshaken->WaitForClose(std::chrono::milliseconds(5000)));
  // A client that sends its request at once is served.
  auto prompt = TestClient::Connect(server->port(), ctx.get());
  ASSERT_NE(prompt, nullptr);
  ASSERT_TRUE(prompt->Send("GET /p HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto response = prompt->ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
}

TEST_F(TlsTest, StartFailsWithUnusableFiles) {
  ServerOptions missing = Options();
  missing.tls_cert_file = pem_.dir + "/missing.pem";
  EXPECT_EQ(Server::Start(missing, EchoHandler, nullptr).status().code(),
            StatusCode::kInvalidArgument);
  // A key that does not match the certificate.
  auto other = MakeSelfSigned(::testing::TempDir());
  ASSERT_TRUE(other.has_value());
  ServerOptions mismatched = Options();
  mismatched.tls_key_file = other->key_file;
  auto result = Server::Start(mismatched, EchoHandler, nullptr);
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  std::remove(other->cert_file.c_str());
  std::remove(other->key_file.c_str());
  std::remove(other->dir.c_str());
}

}  // namespace
}  // namespace coffer::http
