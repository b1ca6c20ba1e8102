// Config checks of issue 18: permissive mode stays on loopback unless
// allowed (flag, TOML key, environment), and COFFER_ROOT_KEY does not stay in
// the environment once read.
#include "server/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace coffer::server {
namespace {

TEST(ConfigTest, LoopbackHosts) {
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost", "LocalHost",
                           "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"})
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "192.168.1.1", "example.com",
                           "localhost.example.com", "::2", "::ffff:10.0.0.1", "", "[::1]"})
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
}

Config Permissive(const std::string& listen) {
  Config c;
  c.auth = AuthMode::kPermissive;
  c.account_id = "123456789012";
  EXPECT_TRUE(ParseListen(listen, c).ok());
  return c;
}

TEST(ConfigTest, PermissiveModeRefusesANonLoopbackAddress) {
  for (const char* listen : {"0.0.0.0:0", "[::]:7878", "10.1.2.3:80", "myhost:7878"}) {
    Config c = Permissive(listen);
    Status s = Validate(c);
    EXPECT_FALSE(s.ok()) << listen;
    EXPECT_NE(s.message().find("--allow-remote-permissive"), std::string::npos) << s.message();
    c.allow_remote_permissive = true;
    EXPECT_TRUE(Validate(c).ok()) << listen;
  }
  for (const char* listen : {"127.0.0.1:0", "[::1]:7878", "localhost:7878"})
    EXPECT_TRUE(Validate(Permissive(listen)).ok()) << listen;
  Config sigv4;
  ASSERT_TRUE(ParseListen("0.0.0.0:7878", sigv4).ok());
  EXPECT_TRUE(Validate(sigv4).ok()) << "sigv4 may listen anywhere";
}

TEST(ConfigTest, AllowRemotePermissiveFromFileAndEnvironment) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("coffer-config-" + std::to_string(::getpid()) + ".toml"))
                               .string();
  std::ofstream(path) << "allow_remote_permissive = true\n";
  Config c;
  ASSERT_TRUE(LoadConfigFile(path, c).ok());
  EXPECT_TRUE(c.allow_remote_permissive);
  std::ofstream(path) << "allow_remote_permissive = \"yes\"\n";
  EXPECT_FALSE(LoadConfigFile(path, c).ok());
  std::filesystem::remove(path);

  Config e;
  ::setenv("COFFER_ALLOW_REMOTE_PERMISSIVE", "true", 1);
  ASSERT_TRUE(ApplyEnvironment(e).ok());
  EXPECT_TRUE(e.allow_remote_permissive);
  ::setenv("COFFER_ALLOW_REMOTE_PERMISSIVE", "0", 1);
  ASSERT_TRUE(ApplyEnvironment(e).ok());
  EXPECT_FALSE(e.allow_remote_permissive);
  ::setenv("COFFER_ALLOW_REMOTE_PERMISSIVE", "maybe", 1);
  EXPECT_FALSE(ApplyEnvironment(e).ok());
  ::unsetenv("COFFER_ALLOW_REMOTE_PERMISSIVE");
}

// [store] url, COFFER_STORE_URL (over the file) and Validate's check; no
// message repeats the URL, which holds the database password.
TEST(ConfigTest, StoreUrlFromFileAndEnvironment) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("coffer-store-" + std::to_string(::getpid()) + ".toml"))
                               .string();
  std::ofstream(path) << "[store]\nurl = \"postgresql://u:pw@127.0.0.1:5432/coffer\"\n";
  Config c;
  ASSERT_TRUE(LoadConfigFile(path, c).ok());
  EXPECT_EQ(c.store_url, "postgresql://u:pw@127.0.0.1:5432/coffer");
  EXPECT_TRUE(Validate(c).ok());
  std::ofstream(path) << "[store]\nuri = \"postgresql://x\"\n";
  EXPECT_FALSE(LoadConfigFile(path, c).ok());
  std::filesystem::remove(path);

  ::setenv("COFFER_STORE_URL", "postgres://other/db", 1);
  ASSERT_TRUE(ApplyEnvironment(c).ok());
  ::unsetenv("COFFER_STORE_URL");
  EXPECT_EQ(c.store_url, "postgres://other/db");
  c.store_url = "mysql://u:secret-pw@h/db";
  Status bad = Validate(c);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.message().find("secret-pw"), std::string::npos);
  EXPECT_TRUE(Config().store_url.empty());  // SQLite by default
}

TEST(ConfigTest, RootKeyIsTakenOutOfTheEnvironment) {
  const std::string key(64, 'a');
  ::setenv("COFFER_ROOT_KEY", key.c_str(), 1);
  char* in_environment = std::getenv("COFFER_ROOT_KEY");
  ASSERT_NE(in_environment, nullptr);
  Config c;
  ASSERT_TRUE(ApplyEnvironment(c).ok());
  ASSERT_TRUE(c.root_key_env.has_value());
  EXPECT_EQ(*c.root_key_env, key);
  EXPECT_EQ(std::getenv("COFFER_ROOT_KEY"), nullptr) << "still in the environment";
  // setenv's copy is owned by the C library and never freed (glibc keeps
  // it), so reading it after unsetenv is defined: its bytes are zeroed.
  EXPECT_EQ(std::string(in_environment, key.size()), std::string(key.size(), '\0'))
      << "the value was not overwritten in place";
}

}  // namespace
}  // namespace coffer::server

namespace coffer::server {
namespace {

TEST(ConfigTest, FunctionsAndRotationTables) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("coffer-rotation-" + std::to_string(::getpid()) + ".toml"))
                               .string();
  std::ofstream(path) << "[functions.pg]\n"
                         "builtin = \"postgresql-single-user\"\n"
                         "role_arn = \"arn:aws:iam::111122223333:role/rotator\"\n"
                         "[rotation]\n"
                         "poll_interval_ms = 250\nmax_attempts = 3\nretry_delay_ms = 100\n"
                         "workers = 4\nendpoint_url = \"https://coffer.internal:8443\"\n";
  Config c;
  Status loaded = LoadConfigFile(path, c);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  ASSERT_EQ(c.functions.count("pg"), 1u);
  EXPECT_EQ(c.functions.at("pg").kind, functions::FunctionKind::kBuiltin);
  EXPECT_EQ(c.rotation.poll_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(c.rotation.max_attempts, 3);
  EXPECT_EQ(c.rotation.first_retry_delay, std::chrono::milliseconds(100));
  EXPECT_EQ(c.rotation.workers, 4);
  EXPECT_EQ(c.rotation.endpoint_url, "https://coffer.internal:8443");

  std::ofstream(path) << "[rotation]\nworkers = 0\n";
  EXPECT_EQ(LoadConfigFile(path, c).message(), "rotation.workers must be an integer in [1, 64]");
  std::ofstream(path) << "[rotation]\nspeed = 1\n";
  EXPECT_EQ(LoadConfigFile(path, c).message(), "unknown key 'rotation.speed'");
  std::ofstream(path) << "[functions.pg]\nrole_arn = \"arn:aws:iam::111122223333:role/r\"\n";
  EXPECT_FALSE(LoadConfigFile(path, c).ok());  // no way to run it
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace coffer::server
