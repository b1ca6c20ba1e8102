#include "agent/config.h"

#include <gtest/gtest.h>

namespace coffer::agent {
namespace {

std::string ErrorOf(const std::string& toml) {
  auto c = ParseAgentConfig(toml, "agent.toml");
  return c.ok() ? "" : c.status().message();
}

TEST(AgentConfigTest, DefaultsAreAwsAgents) {
  auto c = ParseAgentConfig("", "agent.toml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->log_level, AgentLogLevel::kInfo);
  EXPECT_EQ(c->http_address, "127.0.0.1");
  EXPECT_EQ(c->http_port, 2773);
  EXPECT_EQ(c->ttl_seconds, 300);
  EXPECT_EQ(c->cache_size, 1000u);
  EXPECT_EQ(c->ssrf_headers,
            (std::vector<std::string>{"X-Aws-Parameters-Secrets-Token", "X-Vault-Token"}));
  EXPECT_EQ(c->ssrf_env_variables, (std::vector<std::string>{"AWS_TOKEN", "AWS_SESSION_TOKEN",
                                                             "AWS_CONTAINER_AUTHORIZATION_TOKEN"}));
  EXPECT_EQ(c->path_prefix, "/v1/");
  EXPECT_EQ(c->max_conn, 800u);
  EXPECT_EQ(c->region, "");
  EXPECT_TRUE(c->validate_credentials);
  EXPECT_EQ(c->endpoint_url, "");
}

TEST(AgentConfigTest, EveryKey) {
  auto c = ParseAgentConfig(R"(
log_level = "DEBUG"
log_to_file = false
http_address = "0.0.0.0"
http_port = "2774"
ttl_seconds = 0
cache_size = 10
ssrf_headers = ["X-Token"]
ssrf_env_variables = ["MY_TOKEN"]
path_prefix = "/secrets/"
max_conn = "5"
region = "eu-west-1"
ignore_transient_errors = false
validate_credentials = false
endpoint_url = "https://coffer.internal:8443"
credentials_file_path = "/run/creds"
)",
                            "agent.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->log_level, AgentLogLevel::kDebug);
  EXPECT_FALSE(c->log_to_file);
  EXPECT_EQ(c->http_address, "0.0.0.0");
  EXPECT_EQ(c->http_port, 2774);  // a string, as AWS's loader takes it
  EXPECT_EQ(c->ttl_seconds, 0);
  EXPECT_EQ(c->cache_size, 10u);
  EXPECT_EQ(c->ssrf_headers, std::vector<std::string>{"X-Token"});
  EXPECT_EQ(c->ssrf_env_variables, std::vector<std::string>{"MY_TOKEN"});
  EXPECT_EQ(c->path_prefix, "/secrets/");
  EXPECT_EQ(c->max_conn, 5u);
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_FALSE(c->ignore_transient_errors);
  EXPECT_FALSE(c->validate_credentials);
  EXPECT_EQ(c->endpoint_url, "https://coffer.internal:8443");
  EXPECT_EQ(c->credentials_file_path, "/run/creds");
  EXPECT_EQ(ParseAgentConfig("http_port = 0", "a")->http_port, 0);  // any free port
  EXPECT_EQ(ParseAgentConfig("log_level = \"none\"", "a")->log_level, AgentLogLevel::kNone);
  EXPECT_EQ(ParseAgentConfig("http_address = \"::1\"", "a")->http_address, "::1");
}

TEST(AgentConfigTest, ErrorsNameTheKeyWithAwsTexts) {
  EXPECT_EQ(ErrorOf("colour = \"blue\""), "colour: unknown configuration key");
  EXPECT_EQ(ErrorOf("http_port = 80"),
            "http_port: The HTTP port specified in the configuration file isn't valid. The HTTP "
            "port must be in the range 1024 to 65535.");
  EXPECT_EQ(ErrorOf("http_port = 65536").substr(0, 10), "http_port:");
  EXPECT_EQ(ErrorOf("http_port = \"abc\"").substr(0, 10), "http_port:");
  EXPECT_EQ(ErrorOf("ttl_seconds = 3601"),
            "ttl_seconds: The TTL in seconds specified in the configuration file isn't valid. "
            "The TTL in seconds must be in the range 0 to 3600.");
  EXPECT_EQ(ErrorOf("ttl_seconds = -1").substr(0, 12), "ttl_seconds:");
  EXPECT_EQ(ErrorOf("cache_size = 0").substr(0, 11), "cache_size:");
  EXPECT_EQ(ErrorOf("cache_size = 1001").substr(0, 11), "cache_size:");
  EXPECT_EQ(ErrorOf("max_conn = 0").substr(0, 9), "max_conn:");
  EXPECT_EQ(ErrorOf("max_conn = 1001").substr(0, 9), "max_conn:");
  EXPECT_EQ(ErrorOf("ssrf_headers = []"),
            "ssrf_headers: The list of SSRF headers in the configuration file can't be empty.");
  EXPECT_EQ(ErrorOf("ssrf_env_variables = []").substr(0, 19), "ssrf_env_variables:");
  EXPECT_EQ(ErrorOf("ssrf_headers = [1]").substr(0, 13), "ssrf_headers:");
  EXPECT_EQ(ErrorOf("path_prefix = \"v1/\""),
            "path_prefix: The path prefix specified in the configuration file must begin with /.");
  EXPECT_EQ(ErrorOf("log_level = \"loud\"").substr(0, 10), "log_level:");
  EXPECT_EQ(ErrorOf("http_address = \"localhost\""),
            "http_address: must be an IPv4 or IPv6 address");
  EXPECT_EQ(ErrorOf("log_to_file = \"yes\""), "log_to_file: must be true or false");
  EXPECT_EQ(ErrorOf("region = 3"), "region: must be a string");
  EXPECT_EQ(ErrorOf("endpoint_url = \"coffer:8080\"").substr(0, 13), "endpoint_url:");
  EXPECT_NE(ErrorOf("http_port = ").find("agent.toml:1"), std::string::npos)
      << ErrorOf("http_port = ");
}

TEST(AgentConfigTest, CoffersOwnKeys) {
  AgentConfig d;
  EXPECT_EQ(d.max_stale_seconds, 3600);
  EXPECT_TRUE(d.watch);
  EXPECT_EQ(d.watch_wait_seconds, 20);
  Result<AgentConfig> c = ParseAgentConfig(R"(
max_stale_seconds = 0
prefetch_secret_ids = ["db", "arn:aws:secretsmanager:us-east-1:1:secret:x-AbCdEf"]
prefetch_name_prefixes = ["ci/"]
prefetch_tags = { team = "payments", env = "prod" }
watch = false
watch_wait_seconds = "5"
)",
                                           "agent.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->max_stale_seconds, 0);
  EXPECT_EQ(c->prefetch_secret_ids.size(), 2u);
  EXPECT_EQ(c->prefetch_name_prefixes, std::vector<std::string>{"ci/"});
  ASSERT_EQ(c->prefetch_tags.size(), 2u);
  EXPECT_FALSE(c->watch);
  EXPECT_EQ(c->watch_wait_seconds, 5);
  EXPECT_EQ(ErrorOf("max_stale_seconds = -1").substr(0, 18), "max_stale_seconds:");
  EXPECT_EQ(ErrorOf("prefetch_tags = [\"a\"]").substr(0, 14), "prefetch_tags:");
  EXPECT_EQ(ErrorOf("prefetch_tags = { a = 1 }").substr(0, 14), "prefetch_tags:");
  EXPECT_EQ(ErrorOf("prefetch_secret_ids = \"db\"").substr(0, 20), "prefetch_secret_ids:");
  EXPECT_EQ(ErrorOf("watch_wait_seconds = 0").substr(0, 19), "watch_wait_seconds:");
  EXPECT_EQ(ErrorOf("watch_wait_seconds = 21").substr(0, 19), "watch_wait_seconds:");
}

TEST(AgentConfigTest, LoadsAFile) { EXPECT_FALSE(LoadAgentConfig("/nonexistent/agent.toml").ok()); }

TEST(AgentConfigTest, Loopback) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackAddress("::"));
}

}  // namespace
}  // namespace coffer::agent
