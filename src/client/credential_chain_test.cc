#include "client/credential_chain.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

namespace coffer::client {
namespace {

using Env = std::map<std::string, std::string>;

EnvLookup Lookup(const Env& env) {
  return [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

std::string AssumeRoleXml(const std::string& akid, const std::string& expiration) {
  return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>" + akid +
         "</AccessKeyId><SecretAccessKey>sk-" + akid + "</SecretAccessKey><SessionToken>tok-" +
         akid + "</SessionToken><Expiration>" + expiration +
         "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
}

// A temporary directory with the two shared files.
class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/coffer-chain.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& config, const std::string& credentials) {
    std::ofstream(dir_ + "/config") << config;
    std::ofstream(dir_ + "/credentials") << credentials;
  }
  Env Files() {
    return {{"AWS_CONFIG_FILE", dir_ + "/config"},
            {"AWS_SHARED_CREDENTIALS_FILE", dir_ + "/credentials"}};
  }
  // An STS that answers AssumeRole with ASIA<n> and records the callers.
  UpstreamSettings WithSts() {
    UpstreamSettings s;
    s.transport = [this](const HttpCallRequest& r) -> Result<HttpCallResponse> {
      std::string authorization;
      for (const auto& h : r.headers) {
        if (h.first == "Authorization") authorization = h.second;
      }
      sts_callers_.push_back(authorization.substr(authorization.find("Credential=") + 11, 8));
      sts_bodies_.push_back(r.body);
      sts_urls_.push_back(r.url);
      return HttpCallResponse{
          200, {}, AssumeRoleXml("ASIA" + std::to_string(sts_calls_++), "2099-01-01T00:00:00Z")};
    };
    return s;
  }
  std::string dir_;
  int sts_calls_ = 0;
  std::vector<std::string> sts_callers_, sts_bodies_, sts_urls_;
};

TEST_F(ChainTest, EnvironmentComesFirst) {
  Write("[default]\nregion = eu-west-1\n",
        "[default]\naws_access_key_id = AKIDFILE\n"
        "aws_secret_access_key = file-secret\n");
  Env env = Files();
  env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
  env["AWS_SESSION_TOKEN"] = "env-token";
  auto up = ResolveUpstream(Lookup(env), {});
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  auto creds = up->credentials->Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "AKIDENV");
  EXPECT_EQ(creds->secret_access_key.view(), "env-secret");
  EXPECT_EQ(creds->session_token, "env-token");
  EXPECT_EQ(up->credentials->Describe(), "environment");
  EXPECT_EQ(up->region, "eu-west-1");  // from the default profile
  EXPECT_EQ(up->secretsmanager_endpoint, "https://secretsmanager.eu-west-1.amazonaws.com");
  EXPECT_EQ(up->sts_endpoint, "https://sts.eu-west-1.amazonaws.com");
}

TEST_F(ChainTest, NamedProfileWithStaticKeys) {
  Write(
      "[profile dev]\nregion = us-west-2\nendpoint_url = http://127.0.0.1:8080\n"
      "ca_bundle = /etc/ca.pem\n",
      "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n");
  Env env = Files();
  env["AWS_PROFILE"] = "dev";
  auto up = ResolveUpstream(Lookup(env), {});
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->credentials->Get()->access_key_id, "AKIDDEV");
  EXPECT_EQ(up->credentials->Describe(), "profile dev");
  EXPECT_EQ(up->region, "us-west-2");
  EXPECT_EQ(up->secretsmanager_endpoint, "http://127.0.0.1:8080");
  EXPECT_EQ(up->sts_endpoint, "http://127.0.0.1:8080");
  EXPECT_EQ(up->ca_bundle, "/etc/ca.pem");

  // Environment over the profile; the agent's settings over both.
  env["AWS_REGION"] = "ap-south-1";
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";
  env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:2";
  env["AWS_CA_BUNDLE"] = "/tmp/ca.pem";
  up = ResolveUpstream(Lookup(env), {});
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->region, "ap-south-1");
  EXPECT_EQ(up->secretsmanager_endpoint, "http://127.0.0.1:2");
  EXPECT_EQ(up->sts_endpoint, "http://127.0.0.1:1");
  EXPECT_EQ(up->ca_bundle, "/tmp/ca.pem");
  UpstreamSettings settings;
  settings.region = "eu-north-1";
  settings.endpoint_url = "https://coffer.internal";
  up = ResolveUpstream(Lookup(env), settings);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->region, "eu-north-1");
  EXPECT_EQ(up->secretsmanager_endpoint, "https://coffer.internal");
  EXPECT_EQ(up->sts_endpoint, "https://coffer.internal");
  env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  up = ResolveUpstream(Lookup(env), {});
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->secretsmanager_endpoint, "https://secretsmanager.ap-south-1.amazonaws.com");
}

TEST_F(ChainTest, ErrorsSayWhatIsMissing) {
  Write("", "");
  Env env = Files();
  env["AWS_REGION"] = "us-east-1";
  auto up = ResolveUpstream(Lookup(env), {});
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.status().message().find("no credentials"), std::string::npos);
  env["AWS_PROFILE"] = "ghost";
  up = ResolveUpstream(Lookup(env), {});
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.status().message().find("profile ghost"), std::string::npos);

  Write(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
      "[profile lonely]\nrole_arn = arn:aws:iam::1:role/x\n"
      "[profile proc]\ncredential_process = /bin/true\n"
      "[profile mfa]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = a\nmfa_serial = m\n",
      "");
  env["AWS_PROFILE"] = "a";
  up = ResolveUpstream(Lookup(env), {});
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.status().message().find("cycle"), std::string::npos) << up.status().message();
  env["AWS_PROFILE"] = "lonely";
  EXPECT_NE(ResolveUpstream(Lookup(env), {}).status().message().find("no source_profile"),
            std::string::npos);
  env["AWS_PROFILE"] = "proc";
  EXPECT_NE(ResolveUpstream(Lookup(env), {}).status().message().find("credential_process"),
            std::string::npos);
  env["AWS_PROFILE"] = "mfa";
  EXPECT_NE(ResolveUpstream(Lookup(env), {}).status().message().find("mfa_serial"),
            std::string::npos);

  env.erase("AWS_REGION");
  env["AWS_ACCESS_KEY_ID"] = "A";
  env["AWS_SECRET_ACCESS_KEY"] = "B";
  env.erase("AWS_PROFILE");
  up = ResolveUpstream(Lookup(env), {});
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.status().message().find("no region"), std::string::npos);
  env["AWS_REGION"] = "us-east-1";
  env["AWS_ENDPOINT_URL"] = "ftp://x";
  up = ResolveUpstream(Lookup(env), {});
  ASSERT_FALSE(up.ok());
  EXPECT_NE(up.status().message().find("AWS_ENDPOINT_URL"), std::string::npos);
}

TEST_F(ChainTest, RoleArnWithSourceProfileAssumesTheRole) {
  Write(
      "[profile app]\nrole_arn = arn:aws:iam::111122223333:role/app\nsource_profile = base\n"
      "role_session_name = runner-1\nduration_seconds = 1800\nexternal_id = e1\n"
      "region = eu-west-1\n"
      "[profile chained]\nrole_arn = arn:aws:iam::111122223333:role/second\n"
      "source_profile = app\n",
      "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  Env env = Files();
  env["AWS_PROFILE"] = "app";
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:7000";
  auto up = ResolveUpstream(Lookup(env), WithSts());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->credentials->Describe(), "role arn:aws:iam::111122223333:role/app (profile app)");
  EXPECT_EQ(sts_calls_, 0);  // lazily, at the first Get
  auto creds = up->credentials->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIA0");
  EXPECT_EQ(creds->session_token, "tok-ASIA0");
  ASSERT_EQ(sts_callers_.size(), 1u);
  EXPECT_EQ(sts_callers_[0], "AKIDBASE");
  EXPECT_EQ(sts_urls_[0], "http://127.0.0.1:7000");
  EXPECT_NE(sts_bodies_[0].find("RoleSessionName=runner-1&DurationSeconds=1800&ExternalId=e1"),
            std::string::npos)
      << sts_bodies_[0];
  // Not again while they are good.
  EXPECT_EQ(up->credentials->Get()->access_key_id, "ASIA0");
  EXPECT_EQ(sts_calls_, 1);

  // A role whose source is a role: the first role's credentials assume the second.
  env["AWS_PROFILE"] = "chained";
  env["AWS_REGION"] = "eu-west-1";
  up = ResolveUpstream(Lookup(env), WithSts());
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  creds = up->credentials->Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "ASIA2");
  EXPECT_EQ(sts_callers_[1], "AKIDBASE");
  EXPECT_EQ(sts_callers_[2], "ASIA1/20");  // the signer's credential scope follows
}

TEST_F(ChainTest, CredentialSourceEnvironment) {
  Write("[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n", "");
  Env env = Files();
  env["AWS_REGION"] = "us-east-1";
  auto up = ResolveUpstream(Lookup(env), WithSts());
  ASSERT_FALSE(up.ok());  // the variables are needed for the source
  EXPECT_NE(up.status().message().find("credential_source"), std::string::npos);
}

// A stand-in source whose Get can be made to fail.
class FakeSource : public CredentialProvider {
 public:
  Result<auth::sigv4::SigningCredentials> Get() override {
    ++calls;
    if (fail) return Status::Unavailable("", "source down");
    return auth::sigv4::SigningCredentials{"AKIDSRC", SecureString(std::string_view("s")), ""};
  }
  std::string Describe() const override { return "fake"; }
  bool fail = false;
  int calls = 0;
};

TEST(AssumeRoleProviderTest, RefreshesBeforeExpiryAndKeepsGoodCredentialsOnFailure) {
  int64_t now = 1'000'000;
  int n = 0;
  bool sts_down = false;
  auto sts = std::make_shared<StsClient>(
      "http://127.0.0.1:1", "us-east-1", std::chrono::seconds(1),
      [&](const HttpCallRequest&) -> Result<HttpCallResponse> {
        if (sts_down) return Status::Unavailable("", "refused");
        ++n;
        // Good for 15 minutes from `now`.
        time_t exp = static_cast<time_t>((now + 900'000) / 1000);
        char buf[32];
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", gmtime(&exp));
        return HttpCallResponse{200, {}, AssumeRoleXml("ASIA" + std::to_string(n), buf)};
      });
  auto source = std::make_shared<FakeSource>();
  AssumeRoleProvider provider(
      source, sts, AssumeRoleRequest{"arn:aws:iam::1:role/r", "s", "", 900}, "role",
      [&] { return now; }, std::chrono::minutes(5));
  EXPECT_EQ(provider.Get()->access_key_id, "ASIA1");
  EXPECT_EQ(provider.expiration_ms(), 1'000'000 + 900'000);
  now += 9 * 60'000;  // 6 minutes left: still good
  EXPECT_EQ(provider.Get()->access_key_id, "ASIA1");
  now += 2 * 60'000;  // 4 minutes left: renewed
  EXPECT_EQ(provider.Get()->access_key_id, "ASIA2");
  EXPECT_EQ(source->calls, 2);

  now += 12 * 60'000;  // 3 minutes left, STS down: the old ones while they work
  sts_down = true;
  EXPECT_EQ(provider.Get()->access_key_id, "ASIA2");
  now += 4 * 60'000;  // expired and STS down: an error
  EXPECT_FALSE(provider.Get().ok());
  sts_down = false;
  EXPECT_EQ(provider.Get()->access_key_id, "ASIA3");
  source->fail = true;
  now += 20 * 60'000;
  EXPECT_EQ(provider.Get().status().message(), "source down");
}

TEST_F(ChainTest, CredentialsFilePathReplacesTheChain) {
  Write("", "");
  std::ofstream(dir_ + "/agent-creds") << "[default]\naws_access_key_id = AKIDFILE1\n"
                                          "aws_secret_access_key = one\naws_session_token = t1\n";
  Env env = Files();
  env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env["AWS_SECRET_ACCESS_KEY"] = "env";
  env["AWS_REGION"] = "us-east-1";
  UpstreamSettings settings;
  settings.credentials_file_path = dir_ + "/agent-creds";
  auto up = ResolveUpstream(Lookup(env), settings);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->credentials->Describe(), "credentials file " + dir_ + "/agent-creds");
  auto creds = up->credentials->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDFILE1");
  EXPECT_EQ(creds->session_token, "t1");
}

TEST_F(ChainTest, CredentialsFileIsReloadedWhenItChanges) {
  const std::string path = dir_ + "/rotating";
  int64_t now = 0;
  FileCredentialProvider provider(path, std::chrono::seconds(300), [&] { return now; });
  auto missing = provider.Get();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(path), std::string::npos);
  std::ofstream(path) << "[default]\naws_access_key_id = AKID1\naws_secret_access_key = s1\n";
  EXPECT_FALSE(provider.Get().ok());  // not looked at again before the interval
  now += 300'000;
  EXPECT_EQ(provider.Get()->access_key_id, "AKID1");

  auto rewrite = [&](const std::string& text, int64_t mtime_s) {
    std::ofstream(path) << text;
    struct timespec times[2] = {{mtime_s, 0}, {mtime_s, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  };
  rewrite("[default]\naws_access_key_id = AKID2\naws_secret_access_key = s2\n", 2'000'000'000);
  EXPECT_EQ(provider.Get()->access_key_id, "AKID1");
  now += 300'000;
  EXPECT_EQ(provider.Get()->access_key_id, "AKID2");
  rewrite("half written", 2'000'000'100);  // a bad rewrite keeps the last good keys
  now += 300'000;
  EXPECT_EQ(provider.Get()->access_key_id, "AKID2");
  rewrite("[default]\naws_access_key_id = AKID3\naws_secret_access_key = s3\n", 2'000'000'100);
  now += 300'000;
  EXPECT_EQ(provider.Get()->access_key_id, "AKID3");  // same mtime, but the last read failed
}

}  // namespace
}  // namespace coffer::client
