#include "agent/handler.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "agent/agent_server.h"
#include "agent/upstream_pool.h"
#include "client/http_client.h"
#include "http/test_client.h"

namespace coffer::agent {
namespace {

constexpr char kToken[] = "ssrf-token-1";
constexpr char kValue[] =
    R"({"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf","Name":"db","SecretString":"v1"})";

// Answers every fetch with `status`/`body` and records the queries.
class FakeFetcher : public SecretFetcher {
 public:
  AgentAnswer Fetch(const SecretQuery& q) override {
    MutexLock lock(mu);
    queries.push_back(q);
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    // Transient as MapUpstream says it: 5xx, 429, throttling.
    return AgentAnswer{
        status, body,
        status >= 500 || status == 429 || body.find("ThrottlingException") != std::string::npos};
  }
  size_t calls() {
    MutexLock lock(mu);
    return queries.size();
  }
  Mutex mu;
  std::vector<SecretQuery> queries;
  int status = 200;
  std::string body = kValue;
  std::chrono::milliseconds delay{0};
};

class HandlerTest : public ::testing::Test {
 protected:
  HandlerTest() : cache_(100, std::chrono::seconds(300)) { Make(AgentConfig()); }
  void Make(const AgentConfig& config) {
    handler_ = std::make_unique<AgentHandler>(
        config, SsrfToken(SecureString(std::string_view(kToken))), cache_, fetcher_);
  }
  http::Response Get(const std::string& target, std::string method = "GET",
                     std::vector<std::pair<std::string, std::string>> headers = {
                         {"X-Aws-Parameters-Secrets-Token", kToken}}) {
    http::Request r;
    r.method = std::move(method);
    r.target = target;
    r.headers = std::move(headers);
    http::Response response;
    handler_->Handle(r, response);
    return response;
  }
  bool Needs(const std::string& target) {
    http::Request r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"X-Vault-Token", kToken}};
    return handler_->NeedsUpstream(r);
  }
  SecretCache cache_;
  FakeFetcher fetcher_;
  std::unique_ptr<AgentHandler> handler_;
};

#define EXPECT_ANSWER(response, code, text) \
  do {                                      \
    http::Response r_ = (response);         \
    EXPECT_EQ(r_.status, code);             \
    EXPECT_EQ(r_.body, text);               \
  } while (0)

TEST_F(HandlerTest, PingNeedsNoToken) {
  EXPECT_ANSWER(Get("/ping", "GET", {}), 200, "healthy");
  EXPECT_ANSWER(Get("/ping", "POST", {}), 405, "Not allowed");
  EXPECT_ANSWER(Get("/ping", "GET", {{"X-Forwarded-For", "10.0.0.1"}}), 200, "healthy");
}

TEST_F(HandlerTest, TokenAndForwardingChecksComeFirst) {
  EXPECT_ANSWER(Get("/v1/db", "GET", {}), 403, "Bad Token");
  EXPECT_ANSWER(Get("/v1/db", "GET", {{"X-Aws-Parameters-Secrets-Token", "wrong"}}), 403,
                "Bad Token");
  EXPECT_ANSWER(Get("/nowhere", "GET", {}), 403, "Bad Token");
  EXPECT_ANSWER(Get("/v1/db", "POST", {}), 403, "Bad Token");
  EXPECT_ANSWER(Get("/v1/db", "GET", {{"X-Vault-Token", kToken}}), 200, kValue);
  EXPECT_ANSWER(Get("/v1/db", "GET",
                    {{"X-Forwarded-For", "10.0.0.1"}, {"X-Aws-Parameters-Secrets-Token", kToken}}),
                400, "Forwarded");
  EXPECT_ANSWER(Get("/v1/db", "GET", {{"x-forwarded-for", "1.2.3.4"}}), 400, "Forwarded");
}

TEST_F(HandlerTest, MethodPathAndParameterErrors) {
  EXPECT_ANSWER(Get("/v1/db", "POST"), 405, "Not allowed");
  EXPECT_ANSWER(Get("/v1/db", "HEAD"), 405, "Not allowed");
  EXPECT_ANSWER(Get("/nowhere"), 404, "Not found");
  EXPECT_ANSWER(Get("/secretsmanager/get"), 400, "missing parameter secretId");
  EXPECT_ANSWER(Get("/secretsmanager/get?secretId="), 400, "missing parameter secretId");
  EXPECT_ANSWER(Get("/secretsmanager/get?secretId=db&abc=1"), 400, "unknown parameter: abc");
  EXPECT_ANSWER(Get("/secretsmanager/get?secretId=db&refreshNow=yes"), 400,
                "invalid refreshNow value");
  EXPECT_ANSWER(Get("/v1/"), 400, "missing secret ID");
  EXPECT_ANSWER(Get("/v1/db?secretId=db"), 400, "unknown parameter: secretId");
  EXPECT_EQ(fetcher_.calls(), 0u);
}

TEST_F(HandlerTest, BothFormsReachTheFetcher) {
  EXPECT_ANSWER(Get("/secretsmanager/get?secretId=prod%2Fdb+x&versionStage=AWSPREVIOUS&&"), 200,
                kValue);
  EXPECT_ANSWER(Get("/v1/prod/db?versionId=v-1&refreshNow=FALSE"), 200, kValue);
  EXPECT_ANSWER(Get("/v1/arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf"), 200, kValue);
  ASSERT_EQ(fetcher_.calls(), 3u);
  EXPECT_EQ(fetcher_.queries[0].secret_id, "prod/db x");
  EXPECT_FALSE(fetcher_.queries[0].version_id.has_value());
  EXPECT_EQ(fetcher_.queries[0].version_stage, "AWSPREVIOUS");
  EXPECT_EQ(fetcher_.queries[1].secret_id, "prod/db");
  EXPECT_EQ(fetcher_.queries[1].version_id, "v-1");
  EXPECT_EQ(fetcher_.queries[2].secret_id, "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf");
}

TEST_F(HandlerTest, CachesAnswersAndRefreshNowBypasses) {
  EXPECT_TRUE(Needs("/v1/db"));
  EXPECT_ANSWER(Get("/v1/db"), 200, kValue);
  EXPECT_FALSE(Needs("/v1/db"));
  EXPECT_TRUE(Needs("/v1/db?refreshNow=true"));
  EXPECT_FALSE(Needs("/ping"));
  EXPECT_FALSE(Needs("/v1/"));
  fetcher_.body = R"({"Name":"db","SecretString":"v2"})";
  EXPECT_ANSWER(Get("/v1/db"), 200, kValue);                           // cached
  EXPECT_ANSWER(Get("/secretsmanager/get?secretId=db"), 200, kValue);  // the same key
  EXPECT_EQ(fetcher_.calls(), 1u);
  EXPECT_ANSWER(Get("/v1/db?refreshNow=1"), 200, fetcher_.body);
  EXPECT_ANSWER(Get("/v1/db"), 200, fetcher_.body);  // the refresh was stored
  EXPECT_EQ(fetcher_.calls(), 2u);
  // Another stage is another key.
  EXPECT_ANSWER(Get("/v1/db?versionStage=AWSCURRENT"), 200, fetcher_.body);
  EXPECT_EQ(fetcher_.calls(), 3u);
}

TEST_F(HandlerTest, ErrorsPassThroughAndAreNotCached) {
  fetcher_.status = 400;
  fetcher_.body = R"({"__type":"ResourceNotFoundException", "message":"not here"})";
  EXPECT_ANSWER(Get("/v1/ghost"), 400, fetcher_.body);
  EXPECT_ANSWER(Get("/v1/ghost"), 400, fetcher_.body);
  EXPECT_EQ(fetcher_.calls(), 2u);
}

TEST_F(HandlerTest, CustomPrefixAndHeaders) {
  AgentConfig config;
  config.path_prefix = "/secrets/";
  config.ssrf_headers = {"X-My-Token"};
  Make(config);
  EXPECT_ANSWER(Get("/v1/db"), 403, "Bad Token");
  EXPECT_ANSWER(Get("/v1/db", "GET", {{"X-My-Token", kToken}}), 404, "Not found");
  EXPECT_ANSWER(Get("/secrets/db", "GET", {{"X-My-Token", kToken}}), 200, kValue);
}

TEST_F(HandlerTest, TtlZeroAlwaysAsks) {
  SecretCache off(100, std::chrono::seconds(0));
  AgentHandler handler(AgentConfig(), SsrfToken(SecureString(std::string_view(kToken))), off,
                       fetcher_);
  http::Request r;
  r.method = "GET";
  r.target = "/v1/db";
  r.headers = {{"X-Aws-Parameters-Secrets-Token", kToken}};
  for (int i = 0; i < 3; ++i) {
    http::Response response;
    handler.Handle(r, response);
    EXPECT_EQ(response.status, 200);
  }
  EXPECT_EQ(fetcher_.calls(), 3u);
}

// Over the real transport: misses go through the pool, hits do not wait for
// it, and the connection over max_conn gets AWS's 429.
TEST(AgentServerTest, IoThreadsFollowTheCpusAllowed) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  EXPECT_EQ(AgentIoThreads(), 1);  // taskset -c N: one thread
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(AgentIoThreads(), std::clamp(CPU_COUNT(&saved), 1, 4));
}

TEST_F(HandlerTest, OverTheTransport) {
  AgentConfig config;
  config.http_port = 0;
  config.max_conn = 2;
  Make(config);
  UpstreamPool pool(*handler_, 2);
  auto server = StartAgentServer(config, *handler_, pool);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  auto get = [&](const std::string& path) {
    client::HttpCallRequest req;
    req.method = "GET";
    req.url = base + path;
    req.headers = {{"X-Aws-Parameters-Secrets-Token", kToken}};
    req.timeout = std::chrono::seconds(5);
    return client::HttpCall(req);
  };
  auto ping = get("/ping");
  ASSERT_TRUE(ping.ok());
  EXPECT_EQ(ping->body, "healthy");
  auto miss = get("/v1/db");
  ASSERT_TRUE(miss.ok());
  EXPECT_EQ(miss->status, 200);
  EXPECT_EQ(miss->body, kValue);
  auto post = get("/v1/db?x=1");
  EXPECT_EQ(post->status, 400);
  EXPECT_EQ(post->body, "unknown parameter: x");

  {
    auto c1 = http::test::TestClient::Connect((*server)->port());
    auto c2 = http::test::TestClient::Connect((*server)->port());
    ASSERT_TRUE(c1 && c2);
    ASSERT_TRUE(c1->Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c1->ReadResponse().has_value());  // both are admitted by now
    ASSERT_TRUE(c2->Send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c2->ReadResponse().has_value());
    auto c3 = http::test::TestClient::Connect((*server)->port());
    ASSERT_TRUE(c3);
    auto refused = c3->ReadResponse();
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->status, 429);
    EXPECT_EQ(refused->body, "Connection limit exceeded");
  }
  (*server)->Stop();
  (*server)->Wait();
  pool.Stop();
}

// Serve-stale and /metrics, with a clock the test moves.
class StaleTest : public ::testing::Test {
 protected:
  StaleTest()
      : cache_(
            100, std::chrono::seconds(60), [this] { return now_; }, std::chrono::seconds(600)) {
    Make(AgentConfig());
  }
  void Make(const AgentConfig& config) {
    handler_ = std::make_unique<AgentHandler>(
        config, SsrfToken(SecureString(std::string_view(kToken))), cache_, fetcher_, &metrics_);
  }
  http::Response Get(const std::string& target) {
    http::Request r;
    r.method = "GET";
    r.target = target;
    r.headers = {{"X-Aws-Parameters-Secrets-Token", kToken}};
    http::Response response;
    handler_->Handle(r, response);
    return response;
  }
  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "<none>";
  }
  SecretCache::Clock::time_point now_ = SecretCache::Clock::time_point() + std::chrono::hours(1);
  SecretCache cache_;
  FakeFetcher fetcher_;
  AgentMetrics metrics_;
  std::unique_ptr<AgentHandler> handler_;
};

TEST_F(StaleTest, TransientErrorsServeTheExpiredValueMarked) {
  EXPECT_ANSWER(Get("/v1/db"), 200, kValue);
  now_ += std::chrono::seconds(61);
  fetcher_.status = 502;
  fetcher_.body = ErrorBody("ConnectionError", "Read Error");
  for (int status : {502, 504, 500, 503}) {
    fetcher_.status = status;
    http::Response r = Get("/v1/db");
    EXPECT_EQ(r.status, 200) << status;
    EXPECT_EQ(r.body, kValue);
    EXPECT_EQ(Header(r, kStaleHeader), "61");
  }
  fetcher_.status = 400;  // throttling is transient too
  fetcher_.body = ErrorBody("ThrottlingException", "Rate exceeded");
  EXPECT_EQ(Get("/v1/db").status, 200);
  // Not for refreshNow=true (the caller asked for the server's answer).
  EXPECT_EQ(Get("/v1/db?refreshNow=true").status, 400);
  // Nor past ttl + max_stale.
  now_ += std::chrono::seconds(600);
  fetcher_.status = 502;
  EXPECT_EQ(Get("/v1/db").status, 502);
  EXPECT_EQ(metrics_.requests(Outcome::kStale), 5u);
}

TEST_F(StaleTest, FreshHitsCarryNoHeader) {
  Get("/v1/db");
  http::Response r = Get("/v1/db");
  EXPECT_EQ(Header(r, kStaleHeader), "<none>");
  EXPECT_EQ(fetcher_.calls(), 1u);
}

TEST_F(StaleTest, AMeantClientErrorDropsTheEntry) {
  Get("/v1/db");
  now_ += std::chrono::seconds(61);
  fetcher_.status = 400;
  fetcher_.body = ErrorBody("ResourceNotFoundException", "not found");
  EXPECT_ANSWER(Get("/v1/db"), 400, fetcher_.body);
  EXPECT_EQ(cache_.size(), 0u);
  fetcher_.status = 502;  // nothing left to serve stale
  EXPECT_EQ(Get("/v1/db").status, 502);
}

TEST_F(StaleTest, IgnoreTransientErrorsFalseNeverServesStale) {
  AgentConfig c;
  c.ignore_transient_errors = false;
  Make(c);
  Get("/v1/db");
  now_ += std::chrono::seconds(61);
  fetcher_.status = 502;
  EXPECT_EQ(Get("/v1/db").status, 502);
}

TEST_F(StaleTest, MetricsBehindTheToken) {
  Get("/v1/db");
  Get("/v1/db");
  Get("/v1/db?refreshNow=true");
  Get("/v1/");
  http::Request r;
  r.method = "GET";
  r.target = "/metrics";
  http::Response denied;
  handler_->Handle(r, denied);
  EXPECT_EQ(denied.status, 403);
  http::Response m = Get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(Header(m, "Content-Type"), "text/plain; version=0.0.4");
  for (const char* line : {"coffer_agent_requests_total{outcome=\"hit\"} 1\n",
                           "coffer_agent_requests_total{outcome=\"miss\"} 1\n",
                           "coffer_agent_requests_total{outcome=\"refresh\"} 1\n",
                           "coffer_agent_requests_total{outcome=\"local_error\"} 2\n",
                           "coffer_agent_cache_hits_total 1\n",
                           "coffer_agent_cache_misses_total 2\n", "coffer_agent_cache_entries 1\n",
                           "coffer_agent_upstream_calls_total{operation=\"GetSecretValue\"} 2\n",
                           "# TYPE coffer_agent_cache_entries gauge\n"}) {
    EXPECT_NE(m.body.find(line), std::string::npos) << line << m.body;
  }
  EXPECT_EQ(m.body.find("db"), std::string::npos);  // no secret id is a label
}

}  // namespace
}  // namespace coffer::agent
