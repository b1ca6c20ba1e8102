#include "agent/ssrf_token.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <map>

namespace coffer::agent {
namespace {

const std::vector<std::string> kVars = {"AWS_TOKEN", "AWS_SESSION_TOKEN",
                                        "AWS_CONTAINER_AUTHORIZATION_TOKEN"};
const std::vector<std::string> kHeaders = {"X-Aws-Parameters-Secrets-Token", "X-Vault-Token"};

client::EnvLookup Lookup(std::map<std::string, std::string> env) {
  return [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

http::Request WithHeader(const std::string& name, const std::string& value) {
  http::Request r;
  r.method = "GET";
  r.target = "/v1/x";
  r.headers.emplace_back(name, value);
  return r;
}

TEST(SsrfTokenTest, FirstSetVariableWins) {
  auto t =
      SsrfToken::Read(kVars, Lookup({{"AWS_SESSION_TOKEN", "second"}, {"AWS_TOKEN", "first"}}));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->Equals("first"));
  EXPECT_FALSE(t->Equals("second"));
  t = SsrfToken::Read(kVars, Lookup({{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "third"}}));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->Equals("third"));
}

TEST(SsrfTokenTest, FromAFile) {
  char path[] = "/tmp/coffer-token.XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "  file-token-value\n";
  auto t = SsrfToken::Read(kVars, Lookup({{"AWS_TOKEN", std::string("file://") + path}}));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(t->Equals("file-token-value"));
  std::ofstream(path) << "\n";
  EXPECT_FALSE(SsrfToken::Read(kVars, Lookup({{"AWS_TOKEN", std::string("file://") + path}})).ok());
  unlink(path);
  auto missing = SsrfToken::Read(kVars, Lookup({{"AWS_TOKEN", "file:///no/such/token"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/no/such/token"), std::string::npos);
}

TEST(SsrfTokenTest, NoneSetIsAnError) {
  auto t = SsrfToken::Read(kVars, Lookup({}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "Could not read SSRF token variable(s) [AWS_TOKEN, AWS_SESSION_TOKEN, "
            "AWS_CONTAINER_AUTHORIZATION_TOKEN]: none is set");
  EXPECT_FALSE(SsrfToken::Read(kVars, Lookup({{"AWS_TOKEN", ""}})).ok());
}

TEST(SsrfTokenTest, Comparison) {
  SsrfToken t(SecureString(std::string_view("abc123")));
  EXPECT_TRUE(t.Equals("abc123"));
  EXPECT_FALSE(t.Equals("abc12"));
  EXPECT_FALSE(t.Equals("abc1234"));
  EXPECT_FALSE(t.Equals("abc124"));
  EXPECT_FALSE(t.Equals(""));
  EXPECT_FALSE(t.Equals(std::string_view("abc123\0", 7)));
}

TEST(SsrfTokenTest, MatchesAnyConfiguredHeaderCaseInsensitively) {
  SsrfToken t(SecureString(std::string_view("tok")));
  EXPECT_TRUE(t.Matches(WithHeader("X-Aws-Parameters-Secrets-Token", "tok"), kHeaders));
  EXPECT_TRUE(t.Matches(WithHeader("x-aws-parameters-secrets-token", "tok"), kHeaders));
  EXPECT_TRUE(t.Matches(WithHeader("X-Vault-Token", "tok"), kHeaders));
  EXPECT_FALSE(t.Matches(WithHeader("X-Vault-Token", "nope"), kHeaders));
  EXPECT_FALSE(t.Matches(WithHeader("Authorization", "tok"), kHeaders));
  EXPECT_FALSE(t.Matches(http::Request{}, kHeaders));
  http::Request two = WithHeader("X-Vault-Token", "wrong");
  two.headers.emplace_back("X-Aws-Parameters-Secrets-Token", "tok");
  EXPECT_TRUE(t.Matches(two, kHeaders));
}

}  // namespace
}  // namespace coffer::agent
