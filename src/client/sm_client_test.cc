#include "client/sm_client.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <optional>

#include "auth/sigv4/verifier.h"
#include "client/test_http_server.h"
#include "common/clock.h"

namespace coffer::client {
namespace {

using auth::sigv4::Credential;
using auth::sigv4::HeaderList;
using auth::sigv4::HttpRequestView;

constexpr char kAkid[] = "ASIAEXAMPLE000000001";
constexpr char kSecret[] = "builtin-test-secret";
constexpr char kToken[] = "session-token-xyz";

std::string HeaderOf(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (auth::sigv4::EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

// Records the last request and answers with a canned response.
struct FakeTransport {
  std::shared_ptr<std::optional<HttpCallRequest>> last =
      std::make_shared<std::optional<HttpCallRequest>>();
  std::shared_ptr<Result<HttpCallResponse>> answer =
      std::make_shared<Result<HttpCallResponse>>(HttpCallResponse{200, {}, "{}"});
  SecretsManagerClient::Transport fn() {
    return [last = last, answer = answer](const HttpCallRequest& r) {
      *last = r;
      return *answer;
    };
  }
};

SecretsManagerClient MakeClient(FakeTransport& t, std::string endpoint = "http://127.0.0.1:8443") {
  auth::sigv4::SigningCredentials creds{kAkid, SecureString(std::string_view(kSecret)), kToken};
  return SecretsManagerClient(std::move(endpoint), "eu-west-1", std::move(creds),
                              std::chrono::seconds(7), t.fn());
}

// A verifier that knows kAkid/kSecret with kToken, as Coffer's would.
struct TestVerifier {
  SystemClock clock;
  std::shared_ptr<Credential> cred = std::make_shared<Credential>();
  std::unique_ptr<auth::sigv4::Verifier> verifier;
  TestVerifier() {
    cred->secret_access_key = SecureString(std::string_view(kSecret));
    cred->account_id = "111122223333";
    auth::sigv4::VerifierOptions options;
    options.session_lookup =
        [c = cred](std::string_view akid,
                   std::string_view token) -> Result<std::shared_ptr<const Credential>> {
      if (akid != kAkid || token != kToken) return std::shared_ptr<const Credential>();
      return std::shared_ptr<const Credential>(c);
    };
    verifier = std::make_unique<auth::sigv4::Verifier>(
        [](std::string_view) -> Result<std::shared_ptr<const Credential>> {
          return std::shared_ptr<const Credential>();
        },
        clock, options);
  }
  Status Verify(const std::string& head, const std::string& body) {
    // "POST / HTTP/1.1\r\nName: value\r\n..." as the server received it.
    HeaderList headers;
    size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    size_t pos = line_end + 2;
    while (line_end != std::string::npos && pos < head.size()) {
      line_end = head.find("\r\n", pos);
      std::string line = head.substr(pos, line_end - pos);
      size_t colon = line.find(':');
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      headers.emplace_back(line.substr(0, colon), value);
      pos = line_end + 2;
    }
    std::string method = request_line.substr(0, request_line.find(' '));
    std::string target = request_line.substr(method.size() + 1);
    target = target.substr(0, target.find(' '));
    return Verify(HttpRequestView{method, target, &headers, body}).status();
  }
  Result<auth::sigv4::VerifiedCaller> Verify(const HttpRequestView& view) {
    constexpr std::array<std::string_view, 2> kMustSign = {"Content-Type", "X-Amz-Target"};
    return verifier->Verify(view, "secretsmanager", kMustSign);
  }
};

TEST(SecretsManagerClientTest, SendsASignedJsonRequest) {
  FakeTransport t;
  *t.answer = HttpCallResponse{200, {}, R"({"ARN":"arn:x"})"};
  SecretsManagerClient client = MakeClient(t);
  auto body = client.Call("DescribeSecret", R"({"SecretId":"db"})");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, R"({"ARN":"arn:x"})");

  ASSERT_TRUE(t.last->has_value());
  const HttpCallRequest& r = **t.last;
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:8443");
  EXPECT_EQ(r.timeout, std::chrono::seconds(7));
  EXPECT_EQ(r.body, R"({"SecretId":"db"})");
  EXPECT_EQ(HeaderOf(r.headers, "X-Amz-Target"), "secretsmanager.DescribeSecret");
  EXPECT_EQ(HeaderOf(r.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(HeaderOf(r.headers, "Host"), "127.0.0.1:8443");
  EXPECT_EQ(HeaderOf(r.headers, "X-Amz-Security-Token"), kToken);
  EXPECT_FALSE(HeaderOf(r.headers, "X-Amz-Date").empty());
  std::string authz = HeaderOf(r.headers, "Authorization");
  EXPECT_NE(authz.find("Credential=ASIAEXAMPLE000000001/"), std::string::npos) << authz;
  EXPECT_NE(authz.find("/eu-west-1/secretsmanager/aws4_request"), std::string::npos) << authz;
  EXPECT_EQ(authz.find(kSecret), std::string::npos);

  // Coffer's verifier accepts it, with the JSON 1.1 headers signed.
  TestVerifier verifier;
  HttpRequestView view{r.method, "/", &r.headers, r.body};
  auto caller = verifier.Verify(view);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->access_key_id, kAkid);
  EXPECT_EQ(caller->region, "eu-west-1");

  // A tampered body no longer verifies.
  std::string other = R"({"SecretId":"other"})";
  HttpRequestView tampered{r.method, "/", &r.headers, other};
  EXPECT_FALSE(verifier.Verify(tampered).ok());
}

// Over a real connection (HttpCall): what arrives verifies, Host included.
TEST(SecretsManagerClientTest, SignedRequestVerifiesAfterHttpCall) {
  test::TestHttpServer server;
  server.status = 400;
  server.response_body = R"({"__type":"ResourceNotFoundException","message":"not here"})";
  ASSERT_TRUE(server.Start());
  auth::sigv4::SigningCredentials creds{kAkid, SecureString(std::string_view(kSecret)), kToken};
  SecretsManagerClient client("http://127.0.0.1:" + std::to_string(server.port()), "us-east-1",
                              std::move(creds), std::chrono::seconds(5));
  auto r = client.Call("DescribeSecret", R"({"SecretId":"db"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "not here");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  TestVerifier v;
  Status verified = v.Verify(requests[0].head, requests[0].body);
  EXPECT_TRUE(verified.ok()) << verified.ToString() << "\n" << requests[0].head;
}

TEST(SecretsManagerClientTest, DeadlineBoundsEachCall) {
  FakeTransport t;
  SecretsManagerClient client = MakeClient(t);  // 7 s per call
  client.set_deadline(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  ASSERT_TRUE(client.Call("ListSecrets", "{}").ok());
  EXPECT_LE((*t.last)->timeout, std::chrono::seconds(2));
  EXPECT_GT((*t.last)->timeout, std::chrono::seconds(1));
  t.last->reset();
  client.set_deadline(std::chrono::steady_clock::now() - std::chrono::seconds(1));
  auto r = client.Call("ListSecrets", "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(t.last->has_value());
}

TEST(SecretsManagerClientTest, DefaultPortIsNotInTheHostHeader) {
  FakeTransport t;
  SecretsManagerClient client = MakeClient(t, "https://coffer.example/");
  ASSERT_TRUE(client.Call("ListSecrets", "{}").ok());
  EXPECT_EQ(HeaderOf((*t.last)->headers, "Host"), "coffer.example");
}

TEST(SecretsManagerClientTest, MapsErrors) {
  FakeTransport t;
  SecretsManagerClient client = MakeClient(t);
  *t.answer =
      HttpCallResponse{400,
                       {},
                       R"({"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException",)"
                       R"("message":"Secrets Manager can't find the specified secret."})"};
  auto r = client.Call("GetSecretValue", "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().reason(), "ResourceNotFoundException");
  EXPECT_EQ(r.status().message(), "Secrets Manager can't find the specified secret.");

  *t.answer = HttpCallResponse{400, {}, R"({"__type":"AccessDeniedException","Message":"no"})"};
  r = client.Call("GetSecretValue", "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message(), "no");

  *t.answer = HttpCallResponse{400, {}, R"({"__type":"InvalidRequestException","message":"m"})"};
  EXPECT_EQ(client.Call("X", "{}").status().code(), StatusCode::kInvalidArgument);

  *t.answer = HttpCallResponse{403, {}, R"({"__type":"InvalidSignatureException"})"};
  r = client.Call("X", "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(r.status().message(), "HTTP 403");

  *t.answer = HttpCallResponse{502, {}, "<html>bad gateway</html>"};
  r = client.Call("X", "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "HTTP 502");

  *t.answer = Status::Unavailable("", "cannot connect to 127.0.0.1:8443: refused");
  r = client.Call("DescribeSecret", "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("DescribeSecret"), std::string::npos);
}

TEST(SecretsManagerClientTest, FromEnvironment) {
  std::vector<std::pair<std::string, std::string>> env;
  FakeTransport t;
  auto missing = SecretsManagerClient::FromEnvironment(env, std::chrono::seconds(1), t.fn());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "SECRETS_MANAGER_ENDPOINT is not set");

  env = {{"SECRETS_MANAGER_ENDPOINT", "http://127.0.0.1:1"},
         {"AWS_DEFAULT_REGION", "us-west-2"},
         {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}};
  missing = SecretsManagerClient::FromEnvironment(env, std::chrono::seconds(1), t.fn());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "AWS_SECRET_ACCESS_KEY is not set");

  env.emplace_back("AWS_SECRET_ACCESS_KEY", "s3cr3t");
  auto client = SecretsManagerClient::FromEnvironment(env, std::chrono::seconds(1), t.fn());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(client->endpoint(), "http://127.0.0.1:1");
  EXPECT_EQ(client->region(), "us-west-2");
  ASSERT_TRUE(client->Call("ListSecrets", "{}").ok());
  EXPECT_EQ(HeaderOf((*t.last)->headers, "X-Amz-Security-Token"), "");
}

// A CredentialsSource is asked before each call; its error fails the call.
TEST(SecretsManagerClientTest, CredentialsSourceSignsEachCall) {
  FakeTransport t;
  int asked = 0;
  bool fail = false;
  SecretsManagerClient client(
      "http://127.0.0.1:8443", "eu-west-1",
      [&]() -> Result<auth::sigv4::SigningCredentials> {
        if (fail) return Status::PermissionDenied("AccessDenied", "cannot assume");
        ++asked;
        return auth::sigv4::SigningCredentials{"ASIAROLE" + std::to_string(asked),
                                               SecureString(std::string_view(kSecret)), kToken};
      },
      std::chrono::seconds(3), t.fn());
  client.set_user_agent("coffer-agent/test");
  ASSERT_TRUE(client.Call("ListSecrets", "{}").ok());
  EXPECT_NE(HeaderOf((*t.last)->headers, "Authorization").find("Credential=ASIAROLE1/"),
            std::string::npos);
  EXPECT_EQ(HeaderOf((*t.last)->headers, "User-Agent"), "coffer-agent/test");
  ASSERT_TRUE(client.Call("ListSecrets", "{}").ok());
  EXPECT_NE(HeaderOf((*t.last)->headers, "Authorization").find("Credential=ASIAROLE2/"),
            std::string::npos);
  fail = true;
  auto r = client.Call("ListSecrets", "{}");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status().message(), "cannot assume");
}

// Send hands back any HTTP answer as it came; only the call's own failures are errors.
TEST(SecretsManagerClientTest, SendReturnsErrorAnswers) {
  FakeTransport t;
  SecretsManagerClient client = MakeClient(t);
  *t.answer = HttpCallResponse{400, {}, R"({"__type":"ResourceNotFoundException","message":"m"})"};
  auto r = client.Send("GetSecretValue", R"({"SecretId":"x"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->body, R"({"__type":"ResourceNotFoundException","message":"m"})");
  *t.answer = Status::Unavailable("Timeout", "HTTP request to 127.0.0.1 timed out connecting");
  r = client.Send("GetSecretValue", "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "Timeout");
}

}  // namespace
}  // namespace coffer::client

namespace coffer::client {
namespace {

// SendGet: a signed GET of Coffer's own paths (the agent's change stream).
TEST(SecretsManagerClientTest, SendGetSignsAGetWithItsQuery) {
  FakeTransport t;
  SecretsManagerClient client = MakeClient(t);
  *t.answer = HttpCallResponse{200, {}, R"({"Changes":[]})"};
  auto r = client.SendGet("/coffer/secret-changes?after=abc.12&wait=20",
                          std::chrono::milliseconds(25000));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const HttpCallRequest& sent = **t.last;
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.url.substr(sent.url.find("/coffer")),
            "/coffer/secret-changes?after=abc.12&wait=20");
  EXPECT_EQ(sent.timeout, std::chrono::milliseconds(25000));
  EXPECT_TRUE(sent.body.empty());
  EXPECT_EQ(HeaderOf(sent.headers, "X-Amz-Target"), "");
  const std::string auth = HeaderOf(sent.headers, "Authorization");
  EXPECT_NE(auth.find("/secretsmanager/aws4_request"), std::string::npos) << auth;
  EXPECT_NE(auth.find("SignedHeaders=host;x-amz-date"), std::string::npos) << auth;
}

}  // namespace
}  // namespace coffer::client
