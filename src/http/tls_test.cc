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

namespace coffer::http {
namespace {

using test::EchoHandler;
using test::StartOrNull;
using test::TestClient;

struct Pem {
  std::string dir, cert_file, key_file;
};

bool WriteWith(const std::string& path, const std::function<int(FILE*)>& write) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = write(f) == 1;
  return std::fclose(f) == 0 && ok;
}

// A P-256 key and a one-day self-signed certificate for localhost/127.0.0.1.
std::optional<Pem> MakeSelfSigned() {
  std::string templ = ::testing::TempDir() + "coffer_tls_XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return std::nullopt;
  Pem pem{templ, templ + "/cert.pem", templ + "/key.pem"};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) return std::nullopt;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  if (san == nullptr) return std::nullopt;
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return std::nullopt;
  if (!WriteWith(pem.cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); }) ||
      !WriteWith(pem.key_file, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
      })) {
    return std::nullopt;
  }
  return pem;
}

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
    auto pem = MakeSelfSigned();
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
  auto other = MakeSelfSigned();
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
