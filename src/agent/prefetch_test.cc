#include "agent/prefetch.h"

#include <gtest/gtest.h>

#include "common/json.h"

namespace coffer::agent {
namespace {

constexpr char kArnPrefix[] = "arn:aws:secretsmanager:us-east-1:111122223333:secret:";

std::string Arn(const std::string& name) { return kArnPrefix + name + "-AbCdEf"; }

std::string ValueJson(const std::string& name) {
  return R"({"ARN":")" + Arn(name) + R"(","Name":")" + name +
         R"(","VersionId":"v1","SecretString":"value-of-)" + name +
         R"(","VersionStages":["AWSCURRENT"],"CreatedDate":1700000000.5})";
}

std::string Read(SecretCache& cache, const std::string& id) {
  auto v = cache.Get(SecretQuery{id, std::nullopt, std::nullopt}.CacheKey());
  return v ? std::string(v->view()) : "<miss>";
}

// Records the bodies; answers by a function of the body.
struct FakeBatch {
  std::vector<std::string> bodies;
  std::function<client::HttpCallResponse(const JsonDocument&)> answer;
  BatchGetCall Call() {
    return [this](std::string_view body) -> Result<client::HttpCallResponse> {
      bodies.emplace_back(body);
      JsonDocument doc;
      doc.Parse(body.data(), body.size());
      if (!answer) return Status::Unavailable("", "connection refused");
      return answer(doc);
    };
  }
};

TEST(PrefetchTest, IdsInChunksOfTwentyStoredUnderNameArnAndTheId) {
  FakeBatch fake;
  fake.answer = [](const JsonDocument& req) {
    std::string values, errors;
    for (const std::string& id : JsonStringArray(req, "SecretIdList")) {
      if (id == "missing") {
        errors = R"({"SecretId":"missing","ErrorCode":"ResourceNotFoundException","Message":"m"})";
        continue;
      }
      std::string name = id.rfind(kArnPrefix, 0) == 0 ? id.substr(sizeof(kArnPrefix) - 1) : id;
      if (!values.empty()) values += ",";
      values += ValueJson(name);
    }
    return client::HttpCallResponse{
        200, {}, R"({"SecretValues":[)" + values + R"(],"Errors":[)" + errors + "]}"};
  };
  PrefetchSpec spec;
  for (int i = 0; i < 25; ++i) spec.secret_ids.push_back(std::to_string(i).insert(0, 1, 's'));
  spec.secret_ids.push_back("missing");
  std::string partial = kArnPrefix;
  partial += "partial";
  spec.secret_ids.push_back(partial);  // a partial ARN
  SecretCache cache(1000, std::chrono::seconds(300));
  AgentMetrics metrics;
  PrefetchReport r = Prefetch(fake.Call(), spec, 1000, cache, &metrics);
  EXPECT_EQ(r.calls, 2u);
  EXPECT_EQ(r.secrets, 26u);
  EXPECT_EQ(r.errors, 1u);
  ASSERT_EQ(fake.bodies.size(), 2u);
  JsonDocument first;
  first.Parse(fake.bodies[0].c_str());
  EXPECT_EQ(JsonStringArray(first, "SecretIdList").size(), 20u);
  EXPECT_EQ(Read(cache, "s3"), ValueJson("s3"));  // as GetSecretValue answers it
  EXPECT_EQ(Read(cache, Arn("s3")), ValueJson("s3"));
  EXPECT_EQ(Read(cache, partial), ValueJson("partial"));
  EXPECT_EQ(Read(cache, "missing"), "<miss>");
  EXPECT_EQ(metrics.Render(cache).find("coffer_agent_prefetched_total 26\n") != std::string::npos,
            true);
}

TEST(PrefetchTest, PrefixesAndTagsFollowNextToken) {
  FakeBatch fake;
  fake.answer = [](const JsonDocument& req) {
    std::string token(JsonString(req, "NextToken").value_or(""));
    std::string page = token.empty() ? "1" : "2";
    std::string body = R"({"SecretValues":[)" + ValueJson("ci/page" + page) + R"(],"Errors":[])";
    if (token.empty()) body += R"(,"NextToken":"t2")";
    return client::HttpCallResponse{200, {}, body + "}"};
  };
  PrefetchSpec spec;
  spec.name_prefixes = {"ci/"};
  spec.tags = {{"team", "payments"}, {"env", "prod"}};
  SecretCache cache(1000, std::chrono::seconds(300));
  PrefetchReport r = Prefetch(fake.Call(), spec, 1000, cache, nullptr);
  EXPECT_EQ(r.calls, 4u);
  EXPECT_EQ(Read(cache, "ci/page1"), ValueJson("ci/page1"));
  EXPECT_EQ(Read(cache, "ci/page2"), ValueJson("ci/page2"));
  ASSERT_EQ(fake.bodies.size(), 4u);
  EXPECT_EQ(fake.bodies[0], R"({"Filters":[{"Key":"name","Values":["ci/"]}],"MaxResults":20})");
  EXPECT_EQ(fake.bodies[1],
            R"({"Filters":[{"Key":"name","Values":["ci/"]}],"MaxResults":20,"NextToken":"t2"})");
  EXPECT_EQ(fake.bodies[2],
            R"({"Filters":[{"Key":"tag-key","Values":["team"]},{"Key":"tag-value","Values":)"
            R"(["payments"]},{"Key":"tag-key","Values":["env"]},{"Key":"tag-value","Values":)"
            R"(["prod"]}],"MaxResults":20})");
}

TEST(PrefetchTest, FailuresAreLoggedNotFatalAndPagingStopsWhenFull) {
  FakeBatch down;  // no answer: connection refused
  PrefetchSpec spec;
  spec.secret_ids = {"a"};
  spec.name_prefixes = {"x"};
  SecretCache cache(10, std::chrono::seconds(300));
  PrefetchReport r = Prefetch(down.Call(), spec, 10, cache, nullptr);
  EXPECT_EQ(r.calls, 2u);
  EXPECT_EQ(r.errors, 2u);
  EXPECT_EQ(cache.size(), 0u);

  FakeBatch endless;
  int n = 0;
  endless.answer = [&n](const JsonDocument&) {
    return client::HttpCallResponse{
        200,
        {},
        R"({"SecretValues":[)" + ValueJson("p" + std::to_string(n++)) + R"(],"NextToken":"more"})"};
  };
  spec.secret_ids.clear();
  r = Prefetch(endless.Call(), spec, 3, cache, nullptr);
  EXPECT_EQ(r.secrets, 3u);
  EXPECT_EQ(r.calls, 3u);

  FakeBatch denied;
  denied.answer = [](const JsonDocument&) {
    return client::HttpCallResponse{
        400, {}, R"({"__type":"AccessDeniedException","message":"no"})"};
  };
  r = Prefetch(denied.Call(), spec, 3, cache, nullptr);
  EXPECT_EQ(r.errors, 1u);
}

TEST(PrefetchTest, IdNamesSecret) {
  const std::string arn = Arn("db");
  EXPECT_TRUE(IdNamesSecret("db", "db", arn));
  EXPECT_TRUE(IdNamesSecret(arn, "db", arn));
  EXPECT_TRUE(IdNamesSecret(std::string(kArnPrefix) + "db", "db", arn));
  EXPECT_FALSE(IdNamesSecret(std::string(kArnPrefix) + "d", "db", arn));
  EXPECT_FALSE(IdNamesSecret("other", "db", arn));
  EXPECT_FALSE(IdNamesSecret("", "db", arn));
}

}  // namespace
}  // namespace coffer::agent
