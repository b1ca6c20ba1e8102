#include "agent/upstream.h"

#include <gtest/gtest.h>

#include "client/test_http_server.h"

namespace coffer::agent {
namespace {

using client::HttpCallResponse;

AgentAnswer Map(int status, const std::string& body) {
  return MapUpstream(Result<HttpCallResponse>(HttpCallResponse{status, {}, body}));
}

TEST(UpstreamTest, RequestBody) {
  EXPECT_EQ(GetSecretValueBody(SecretQuery{"db", std::nullopt, std::nullopt}),
            R"({"SecretId":"db"})");
  EXPECT_EQ(GetSecretValueBody(SecretQuery{"a\"b", std::string("v1"), std::string("AWSPREVIOUS")}),
            R"({"SecretId":"a\"b","VersionId":"v1","VersionStage":"AWSPREVIOUS"})");
}

TEST(UpstreamTest, ErrorBodyIsAwsAgents) {
  EXPECT_EQ(
      ErrorBody("ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
      R"({"__type":"ResourceNotFoundException", "message":"Secrets Manager can't find the specified secret."})");
  EXPECT_EQ(ErrorBody("InternalFailure", "x"), R"({"__type":"InternalFailure"})");
  EXPECT_EQ(ErrorBody("AccessDeniedException", ""), R"({"__type":"InternalFailure"})");
  EXPECT_EQ(ErrorBody("E", "say \"hi\""), R"({"__type":"E", "message":"say \"hi\""})");
}

TEST(UpstreamTest, TellsTransientFailures) {
  EXPECT_FALSE(Map(200, R"({"Name":"db"})").transient);
  EXPECT_TRUE(Map(200, "<html>").transient);
  EXPECT_FALSE(Map(400, R"({"__type":"ResourceNotFoundException","message":"m"})").transient);
  EXPECT_FALSE(Map(400, R"({"__type":"AccessDeniedException","message":"m"})").transient);
  EXPECT_TRUE(Map(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})").transient);
  EXPECT_TRUE(Map(429, R"({"__type":"Whatever","message":"m"})").transient);
  EXPECT_TRUE(Map(500, R"({"__type":"InternalServiceError","message":"m"})").transient);
  EXPECT_TRUE(Map(503, "<html>").transient);
  EXPECT_TRUE(MapUpstream(Status::Unavailable("x", "refused")).transient);
  EXPECT_TRUE(MapUpstream(Status::Unauthenticated("x", "no credentials")).transient);
}

TEST(UpstreamTest, MapsAnswersAsAwsAgentDoes) {
  const std::string ok = R"({"ARN":"arn:x","Name":"db","SecretString":"s","CreatedDate":1.5e9})";
  AgentAnswer a = Map(200, ok);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, ok);  // verbatim

  a = Map(200, "<html>");
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(a.body, R"({"__type":"ConnectionError", "message":"Response Error"})");

  a = Map(
      400,
      R"({"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(
      a.body,
      R"({"__type":"ResourceNotFoundException", "message":"Secrets Manager can't find the specified secret."})");

  a = Map(
      400,
      R"({"__type":"com.amazonaws.secretsmanager#AccessDeniedException:http://x","Message":"Access to KMS is not allowed"})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body,
            R"({"__type":"AccessDeniedException", "message":"Access to KMS is not allowed"})");

  a = Map(400, R"({"__type":"InvalidSignatureException"})");  // no message
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body, R"({"__type":"InternalFailure"})");
  a = Map(502, "<html>bad gateway</html>");
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body, R"({"__type":"InternalFailure"})");
  a = Map(400, R"({"__type":"X","message":""})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, R"({"__type":"InternalFailure"})");

  a = MapUpstream(Status::Unavailable("Timeout", "timed out"));
  EXPECT_EQ(a.status, 504);
  EXPECT_EQ(a.body, R"({"__type":"TimeoutError", "message":"Timeout"})");
  a = MapUpstream(Status::Unavailable("", "cannot connect"));
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(a.body, R"({"__type":"ConnectionError", "message":"Read Error"})");
  a = MapUpstream(Status::PermissionDenied("AccessDenied", "cannot assume the role"));
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body, R"({"__type":"InternalFailure"})");
}

client::SecretsManagerClient ClientFor(int port, std::chrono::milliseconds timeout) {
  return client::SecretsManagerClient(
      "http://127.0.0.1:" + std::to_string(port), "us-east-1",
      auth::sigv4::SigningCredentials{"AKIDAGENT", SecureString(std::string_view("sk")), ""},
      timeout);
}

TEST(UpstreamTest, FetchesOverHttp) {
  client::test::TestHttpServer server;
  server.response_body = R"({"ARN":"arn:a","Name":"db","SecretString":"hunter2"})";
  ASSERT_TRUE(server.Start());
  SecretsManagerFetcher fetcher(ClientFor(server.port(), std::chrono::seconds(5)));
  AgentAnswer a = fetcher.Fetch(SecretQuery{"db", std::nullopt, std::string("AWSCURRENT")});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, server.response_body);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].head.find("X-Amz-Target: secretsmanager.GetSecretValue"),
            std::string::npos);
  EXPECT_NE(requests[0].head.find("Credential=AKIDAGENT/"), std::string::npos);
  EXPECT_EQ(requests[0].body, R"({"SecretId":"db","VersionStage":"AWSCURRENT"})");
}

TEST(UpstreamTest, TimeoutAndConnectionFailure) {
  client::test::TestHttpServer server;
  server.hang = true;
  ASSERT_TRUE(server.Start());
  SecretsManagerFetcher slow(ClientFor(server.port(), std::chrono::milliseconds(300)));
  EXPECT_EQ(slow.Fetch(SecretQuery{"db", std::nullopt, std::nullopt, false}).status, 504);

  int closed_port = 0;
  {
    client::test::TestHttpServer gone;
    ASSERT_TRUE(gone.Start());
    closed_port = gone.port();
  }
  SecretsManagerFetcher refused(ClientFor(closed_port, std::chrono::seconds(2)));
  AgentAnswer a = refused.Fetch(SecretQuery{"db", std::nullopt, std::nullopt, false});
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(a.body, R"({"__type":"ConnectionError", "message":"Read Error"})");
}

}  // namespace
}  // namespace coffer::agent
