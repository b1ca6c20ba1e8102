#include "client/aws_profiles.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace coffer::client {
namespace {

TEST(AwsProfilesTest, ParsesTheConfigFileGrammar) {
  auto parsed = ParseAwsIni(R"(# a comment
[default]
region = us-east-1
output=json

; another comment
[profile dev]
Role_Arn = arn:aws:iam::111122223333:role/dev
source_profile = default
s3 =
  max_concurrent_requests = 20
[sso-session corp]
sso_region = eu-west-1
[profile   spaced  ]
region = eu-west-3
)",
                            true, "config");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ(parsed->at("default").at("region"), "us-east-1");
  EXPECT_EQ(parsed->at("default").at("output"), "json");
  EXPECT_EQ(parsed->at("dev").at("role_arn"), "arn:aws:iam::111122223333:role/dev");
  EXPECT_EQ(parsed->at("dev").at("s3"), "");
  EXPECT_EQ(parsed->at("dev").count("max_concurrent_requests"), 0u);
  EXPECT_EQ(parsed->at("spaced").at("region"), "eu-west-3");
}

TEST(AwsProfilesTest, CredentialsFileSectionsAreProfileNames) {
  auto parsed = ParseAwsIni("[default]\naws_access_key_id = AKID\n[profile x]\nk = v\n", false,
                            "credentials");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at("default").at("aws_access_key_id"), "AKID");
  EXPECT_EQ(parsed->at("profile x").at("k"), "v");  // literally, as the SDKs read it
}

TEST(AwsProfilesTest, ErrorsNameTheLineAndFile) {
  auto bad = ParseAwsIni("[default]\nno equals sign\n", false, "/tmp/creds");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "line 2 of /tmp/creds: expected key = value");
  bad = ParseAwsIni("key = before any section\n", true, "cfg");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("before any [section]"), std::string::npos);
  EXPECT_FALSE(ParseAwsIni("[default\n", true, "cfg").ok());
}

TEST(AwsProfilesTest, CredentialsFileWinsKeyByKey) {
  SharedFiles files;
  files.config["dev"] = {{"region", "eu-west-1"}, {"aws_access_key_id", "FROM_CONFIG"}};
  files.credentials["dev"] = {{"aws_access_key_id", "FROM_CREDENTIALS"}};
  files.credentials["only-creds"] = {{"aws_access_key_id", "X"}};
  auto dev = FindProfile(files, "dev");
  ASSERT_TRUE(dev.has_value());
  EXPECT_EQ(dev->at("region"), "eu-west-1");
  EXPECT_EQ(dev->at("aws_access_key_id"), "FROM_CREDENTIALS");
  EXPECT_TRUE(FindProfile(files, "only-creds").has_value());
  EXPECT_FALSE(FindProfile(files, "nope").has_value());
}

TEST(AwsProfilesTest, MissingFilesAreEmpty) {
  char dir[] = "/tmp/coffer-profiles.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string creds = std::string(dir) + "/credentials";
  std::ofstream(creds) << "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\n";
  auto files = LoadSharedFiles(std::string(dir) + "/no-such-config", creds);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_TRUE(files->config.empty());
  EXPECT_EQ(files->credentials.at("default").at("aws_access_key_id"), "AKID");
  unlink(creds.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace coffer::client
