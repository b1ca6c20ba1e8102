// Pipeline end to end without sockets: bootstrap a temporary data directory,
// sign requests with the administrator's key, and check routing, auth,
// validation and the AWS wire shape of answers.
#include "server/pipeline.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "auth/sigv4/signer.h"
#include "common/log.h"
#include "crypto/keyring.h"
#include "server/bootstrap.h"
#include "server/credential_cache.h"
#include "server/write_batcher.h"

namespace coffer::server {
namespace {

constexpr int64_t kNow = 1795000000000;  // 2026-11-18

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kWarn);
    char tmpl[] = "/tmp/coffer-pipeline-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    Config config;
    config.data_dir = dir_;
    config.account_id = "111122223333";
    auto dd = OpenDataDir(config, clock_);
    ASSERT_TRUE(dd.ok()) << dd.status().ToString();
    dd_ = std::move(*dd);
    keyring_ = std::make_unique<crypto::Keyring>(*dd_.barrier, clock_);
    secrets_ = std::make_unique<secrets::Service>(
        *dd_.store, *keyring_, clock_, secrets::ServiceOptions{std::string(dd_.token_key.view())});
    kms_ = std::make_unique<kms::Service>(*dd_.store, *keyring_, clock_);
    credentials_ = std::make_unique<CredentialCache>(*dd_.store, *dd_.barrier);
    verifier_ = std::make_unique<auth::sigv4::Verifier>(
        [this](std::string_view akid) { return credentials_->Lookup(akid); }, clock_,
        auth::sigv4::VerifierOptions{});
    auto models = protocol::LoadModels();
    ASSERT_TRUE(models.ok());
    models_ = *models;
    pipeline_ = std::make_unique<Pipeline>(
        PipelineDeps{*secrets_, *kms_, *verifier_, models_, clock_, "us-east-1"});
    ReadCredentials();
  }
  void TearDown() override {
    pipeline_.reset();
    if (dd_.store) dd_.store->Close();
    std::filesystem::remove_all(dir_);
  }

  void ReadCredentials() {
    std::ifstream f(dir_ + "/credentials");
    std::string line;
    while (std::getline(f, line)) {
      if (line.rfind("aws_access_key_id = ", 0) == 0) akid_ = line.substr(20);
      if (line.rfind("aws_secret_access_key = ", 0) == 0) secret_ = line.substr(24);
    }
  }

  http::Request MakeRequest(std::string_view target, std::string body) {
    http::Request r;
    r.method = "POST";
    r.target = "/";
    r.headers = {{"Host", "127.0.0.1:7878"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", std::string(target)}};
    r.body = std::move(body);
    return r;
  }

  http::Request Signed(std::string_view target, std::string body,
                       std::string_view service = "secretsmanager", int64_t at = kNow,
                       std::string secret = "") {
    http::Request r = MakeRequest(target, std::move(body));
    auth::sigv4::HttpRequestView view{r.method, r.target, &r.headers, r.body};
    auth::sigv4::SigningCredentials creds{akid_, SecureString(secret.empty() ? secret_ : secret),
                                          ""};
    auto signed_req = auth::sigv4::SignRequest(view, creds, "us-east-1", service, at);
    EXPECT_TRUE(signed_req.ok());
    r.headers = signed_req->signed_headers;
    return r;
  }

  http::Response Send(std::string_view target, std::string body,
                      std::string_view service = "secretsmanager", int64_t at = kNow,
                      std::string secret = "") {
    http::Request r = Signed(target, std::move(body), service, at, std::move(secret));
    http::Response res;
    pipeline_->Handle(r, res);
    return res;
  }

  static std::string HeaderOf(const http::Response& r, std::string_view name) {
    for (auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  static rapidjson::Document Json(const http::Response& r) {
    rapidjson::Document d;
    d.Parse(r.body.data(), r.body.size());
    return d;
  }

  FakeClock clock_{kNow};
  std::string dir_;
  DataDir dd_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<secrets::Service> secrets_;
  std::unique_ptr<kms::Service> kms_;
  std::unique_ptr<CredentialCache> credentials_;
  std::unique_ptr<auth::sigv4::Verifier> verifier_;
  protocol::Models models_;
  std::unique_ptr<Pipeline> pipeline_;
  std::string akid_, secret_;
};

// Through the writer: a valid write is answered after its batch, one that
// fails SigV4 is answered on the calling thread without reaching the writer.
TEST_F(PipelineTest, WriteOffloadAdmitsThenRunsInABatch) {
  WriteBatcher batcher(*dd_.store);
  WriteOffload offload(*pipeline_, batcher);
  http::Request create = Signed(
      "secretsmanager.CreateSecret",
      R"({"Name":"via-writer","SecretString":"v","ClientRequestToken":"5b0c9a4e-1d2f-4e8a-9c3b-7a6d5e4f3a21"})");
  http::Request forged =
      Signed("secretsmanager.CreateSecret", R"({"Name":"forged","SecretString":"v"})",
             "secretsmanager", kNow, "not-the-secret-key");
  http::Response created, refused;
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0;
  auto done = [&] {
    std::lock_guard<std::mutex> l(mu);
    ++answered;
    cv.notify_all();
  };
  offload.Submit(forged, refused, done);
  EXPECT_EQ(answered, 1);  // answered in Submit: the writer never saw it
  EXPECT_EQ(Json(refused)["__type"].GetString(), std::string("InvalidSignatureException"));
  offload.Submit(create, created, done);
  {
    std::unique_lock<std::mutex> l(mu);
    ASSERT_TRUE(cv.wait_for(l, std::chrono::seconds(30), [&] { return answered == 2; }));
  }
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Send("secretsmanager.GetSecretValue", R"({"SecretId":"via-writer"})").status, 200);
  EXPECT_EQ(Send("secretsmanager.DescribeSecret", R"({"SecretId":"forged"})").status, 400);
}

// A read's audit record waits in its thread's batch until EndOfTurn (which
// the HTTP server runs before the turn's answers go out) writes the batch at
// once; a batch that cannot be written turns every answer of it into an
// InternalServiceError (fail closed).
TEST_F(PipelineTest, WriteOffloadWritesTheTurnsReadRecordsAtEndOfTurn) {
  ASSERT_EQ(
      Send(
          "secretsmanager.CreateSecret",
          R"({"Name":"audited","SecretString":"v","ClientRequestToken":"6c1d0b5f-2e3a-4f9b-8d4c-8b7e6f5a4b32"})")
          .status,
      200);
  WriteBatcher batcher(*dd_.store);
  audit::AuditLog log;
  ASSERT_TRUE(log.Open(dir_ + "/audit-test.log").ok());
  WriteOffload offload(*pipeline_, batcher, &log, &clock_);
  http::Request get = Signed("secretsmanager.GetSecretValue", R"({"SecretId":"audited"})");
  http::Request describe = Signed("secretsmanager.DescribeSecret", R"({"SecretId":"audited"})");
  http::Response got, described;
  offload.Handle(get, got);
  offload.Handle(describe, described);
  EXPECT_EQ(log.stats().records, 0u);  // not yet: the turn has not ended
  offload.EndOfTurn();
  EXPECT_EQ(log.stats().records, 2u);
  ASSERT_EQ(got.status, 200) << got.body;
  ASSERT_EQ(described.status, 200) << described.body;
  std::ifstream in(dir_ + "/audit-test.log");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    ASSERT_FALSE(d.HasParseError()) << line;
    names.emplace_back(d["eventName"].GetString());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"GetSecretValue", "DescribeSecret"}));
  offload.EndOfTurn();  // nothing pending: writes nothing
  EXPECT_EQ(log.stats().records, 2u);

  log.Stop();  // the trail is gone: the next turn's answers fail
  http::Response refused;
  offload.Handle(get, refused);
  EXPECT_EQ(refused.status, 200);
  offload.EndOfTurn();
  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(Json(refused)["__type"].GetString(), std::string("InternalServiceError"));
  EXPECT_EQ(refused.body.find("\"v\""), std::string::npos);  // no value left in the answer
}

TEST_F(PipelineTest, SignedCreateThenGet) {
  auto res = Send(
      "secretsmanager.CreateSecret",
      R"({"Name":"db","SecretString":"pw-1","ClientRequestToken":"3e4a2b51-9f4c-4a3f-8b0e-2f1d6c7a9b10"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(HeaderOf(res, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_TRUE(std::regex_match(
      HeaderOf(res, "x-amzn-RequestId"),
      std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")));
  auto created = Json(res);
  EXPECT_TRUE(std::regex_match(
      std::string(created["ARN"].GetString()),
      std::regex("arn:aws:secretsmanager:us-east-1:111122223333:secret:db-[A-Za-z0-9]{6}")));
  res = Send("secretsmanager.GetSecretValue", R"({"SecretId":"db"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(std::string(Json(res)["SecretString"].GetString()), "pw-1");
}

// A write whose COMMIT failed: InternalServiceError, except when the store was
// unreachable (PostgreSQL restarted; issue 24), a retryable 503.
TEST_F(PipelineTest, UnacknowledgedWritesAreInternalOrUnavailable) {
  http::Request r = MakeRequest("secretsmanager.CreateSecret", "{}");
  http::Response res;
  res.headers = {{"x-amzn-RequestId", "req-1"}};
  pipeline_->Unacknowledged(r, res, Status::Internal("disk full"));
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("InternalServiceError"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("disk full"), std::string::npos);
  res = http::Response();
  res.headers = {{"x-amzn-RequestId", "req-2"}};
  pipeline_->Unacknowledged(r, res,
                            Status::Unavailable("", "postgres commit: the session was lost"),
                            /*store_unavailable=*/true);
  EXPECT_EQ(res.status, 503);
  EXPECT_NE(res.body.find("ServiceUnavailableException"), std::string::npos) << res.body;
  EXPECT_EQ(res.body.find("postgres"), std::string::npos);
  EXPECT_EQ(HeaderOf(res, "x-amzn-RequestId"), "req-2");
}

TEST_F(PipelineTest, UnknownTargetIsUnknownOperation) {
  auto res = Send("secretsmanager.NoSuchThing", "{}");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.body, R"({"__type":"UnknownOperationException"})");
  EXPECT_FALSE(HeaderOf(res, "x-amzn-RequestId").empty());
}

TEST_F(PipelineTest, UnsignedRequestIsRejected) {
  http::Request r = MakeRequest("secretsmanager.ListSecrets", "{}");
  http::Response res;
  pipeline_->Handle(r, res);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(std::string(Json(res)["__type"].GetString()), "MissingAuthenticationTokenException");
}

TEST_F(PipelineTest, WrongSecretKeyIsInvalidSignature) {
  auto res = Send("secretsmanager.ListSecrets", "{}", "secretsmanager", kNow,
                  "0000000000000000000000000000000000000000");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(std::string(Json(res)["__type"].GetString()), "InvalidSignatureException");
}

TEST_F(PipelineTest, SignatureTenMinutesOldIsExpired) {
  auto res = Send("secretsmanager.ListSecrets", "{}", "secretsmanager", kNow - 10 * 60 * 1000);
  EXPECT_EQ(res.status, 400);
  auto d = Json(res);
  EXPECT_EQ(std::string(d["__type"].GetString()), "InvalidSignatureException");
  EXPECT_EQ(std::string(d["message"].GetString()).rfind("Signature expired: ", 0), 0u);
}

TEST_F(PipelineTest, ScopeMustMatchTheTargetService) {
  auto res = Send("secretsmanager.ListSecrets", "{}", "kms");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(std::string(Json(res)["message"].GetString()),
            "Credential should be scoped to correct service: 'secretsmanager'. ");
}

TEST_F(PipelineTest, MalformedJsonIsSerializationException) {
  auto res = Send("secretsmanager.GetSecretValue", R"({"SecretId":)");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(std::string(Json(res)["__type"].GetString()), "SerializationException");
}

TEST_F(PipelineTest, ModelConstraintsAreValidated) {
  auto res = Send("secretsmanager.ListSecrets", R"({"MaxResults":0})");
  EXPECT_EQ(res.status, 400);
  auto d = Json(res);
  EXPECT_EQ(std::string(d["__type"].GetString()), "ValidationException");
}

TEST_F(PipelineTest, KmsOperationsReachTheKmsService) {
  auto created = Send("TrentService.CreateKey", R"({"Description":"pipeline"})", "kms");
  ASSERT_EQ(created.status, 200) << created.body;
  auto key = Json(created);
  const std::string key_id = key["KeyMetadata"]["KeyId"].GetString();
  auto list = Send("TrentService.ListKeys", "{}", "kms");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find(key_id), std::string::npos);
}

TEST_F(PipelineTest, KmsErrorsUseLowercaseMessage) {
  auto res = Send("TrentService.DescribeKey", R"({"KeyId":"00000000-0000-4000-8000-000000000000"})",
                  "kms");
  EXPECT_EQ(res.status, 400);
  auto d = Json(res);
  EXPECT_EQ(std::string(d["__type"].GetString()), "NotFoundException");
  EXPECT_TRUE(d.HasMember("message"));
  EXPECT_FALSE(d.HasMember("Message"));
}

TEST_F(PipelineTest, UnservedKmsOperationsAreRefusedWithAModeledError) {
  auto res =
      Send("TrentService.CreateGrant",
           R"({"KeyId":"00000000-0000-4000-8000-000000000000",)"
           R"("GranteePrincipal":"arn:aws:iam::111122223333:root","Operations":["Decrypt"]})",
           "kms");
  EXPECT_EQ(res.status, 400);
  auto d = Json(res);
  EXPECT_EQ(std::string(d["__type"].GetString()), "UnsupportedOperationException");
  EXPECT_TRUE(d.HasMember("message"));
}

TEST_F(PipelineTest, HealthAndReady) {
  http::Request r;
  r.method = "GET";
  r.target = "/health";
  http::Response res;
  pipeline_->Handle(r, res);
  EXPECT_EQ(res.status, 200);
  r.target = "/ready";
  http::Response ready;
  pipeline_->Handle(r, ready);
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");

  bool draining = true;  // a graceful stop has begun: load balancers move on
  pipeline_->SetDraining([&draining] { return draining; });
  http::Response stopping;
  pipeline_->Handle(r, stopping);
  EXPECT_EQ(stopping.status, 503);
  EXPECT_EQ(stopping.body, R"({"status":"draining"})");
  pipeline_->SetDraining(nullptr);
}

TEST_F(PipelineTest, MetricsEndpointRendersTheRegistry) {
  Metrics metrics;
  metrics.Record("secretsmanager", "ListSecrets", 200, false, std::chrono::microseconds(3));
  http::Request r;
  r.method = "GET";
  r.target = "/metrics";
  EXPECT_TRUE(Pipeline::IsProbe(r));
  pipeline_->SetMetrics(&metrics);
  http::Response res;
  pipeline_->Handle(r, res);
  pipeline_->SetMetrics(nullptr);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(HeaderOf(res, "Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(
      res.body.find(
          R"(coffer_requests_total{service="secretsmanager",operation="ListSecrets",outcome="success"} 1)"),
      std::string::npos);
}

TEST_F(PipelineTest, TransportErrorsAreAwsShaped) {
  auto res = pipeline_->TransportError(413, "Payload Too Large");
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(HeaderOf(res, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(res.body,
            R"({"__type":"RequestEntityTooLargeException","message":"Payload Too Large"})");
}

TEST_F(PipelineTest, ReopeningWithAnotherRootKeyFailsClosed) {
  pipeline_.reset();
  dd_.store->Close();
  dd_.store.reset();
  std::filesystem::remove(dir_ + "/root.key");
  Config config;
  config.data_dir = dir_;
  auto again = OpenDataDir(config, clock_);
  ASSERT_FALSE(again.ok());  // no new key is minted next to an existing database
  std::ofstream(dir_ + "/other.key") << "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
  std::filesystem::permissions(dir_ + "/other.key", std::filesystem::perms::owner_read);
  config.root_key_file = dir_ + "/other.key";
  again = OpenDataDir(config, clock_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "RootKeyMismatch");
}

}  // namespace
}  // namespace coffer::server
