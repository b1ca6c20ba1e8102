// RunBuiltin as far as its first Secrets Manager call (the client itself is
// tested in client/sm_client_test.cc, signature verification included).
#include "functions/builtin.h"

#include <gtest/gtest.h>

#include "client/test_http_server.h"
#include "functions/function.h"

namespace coffer::functions {
namespace {

constexpr char kAkid[] = "ASIAEXAMPLE000000001";
constexpr char kSecret[] = "builtin-test-secret";
constexpr char kToken[] = "session-token-xyz";

// It reads its environment, signs with the invocation's credentials and
// reports Coffer's error.
TEST(BuiltinTest, CallsTheEndpointOfItsEnvironment) {
  client::test::TestHttpServer server;
  server.status = 400;
  server.response_body = R"({"__type":"AccessDeniedException","message":"denied by policy"})";
  ASSERT_TRUE(server.Start());
  FunctionBinding binding;
  binding.kind = FunctionKind::kBuiltin;
  binding.builtin = "postgresql-single-user";
  binding.timeout = std::chrono::seconds(5);
  Invocation inv;
  inv.event_json = R"({"Step":"createSecret","SecretId":"arn:s","ClientRequestToken":"t1"})";
  inv.environment = {
      {"AWS_ACCESS_KEY_ID", kAkid},
      {"AWS_SECRET_ACCESS_KEY", kSecret},
      {"AWS_SESSION_TOKEN", kToken},
      {"AWS_REGION", "us-east-1"},
      {"SECRETS_MANAGER_ENDPOINT", "http://127.0.0.1:" + std::to_string(server.port())}};
  Status s = RunBuiltin(binding, inv);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "denied by policy");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string& head = requests[0].head;
  EXPECT_NE(head.find("X-Amz-Target: secretsmanager.DescribeSecret"), std::string::npos);
  EXPECT_NE(head.find("Credential=ASIAEXAMPLE000000001/"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Amz-Security-Token: session-token-xyz"), std::string::npos) << head;
  EXPECT_EQ(head.find(kSecret), std::string::npos);
  EXPECT_EQ(requests[0].body, R"({"SecretId":"arn:s"})");
}

}  // namespace
}  // namespace coffer::functions
