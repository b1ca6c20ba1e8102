#include "functions/postgres_secret.h"

#include <gtest/gtest.h>

namespace coffer::functions {
namespace {

TEST(ParseRotationEventTest, ReadsAwsEvent) {
  auto e = ParseRotationEvent(
      R"({"Step":"createSecret","SecretId":"arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf",)"
      R"("ClientRequestToken":"tok-1","RotationToken":"rt"})");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->step, "createSecret");
  EXPECT_EQ(e->secret_id, "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf");
  EXPECT_EQ(e->client_request_token, "tok-1");
  EXPECT_EQ(e->rotation_token, "rt");

  e = ParseRotationEvent(R"({"Step":"setSecret","SecretId":"a","ClientRequestToken":"t"})");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->rotation_token, "");
  EXPECT_FALSE(ParseRotationEvent(R"({"Step":"setSecret","SecretId":"a"})").ok());
  EXPECT_FALSE(ParseRotationEvent("[1]").ok());
  EXPECT_FALSE(ParseRotationEvent("not json").ok());
}

TEST(ParsePostgresSecretTest, FullSecret) {
  auto s = ParsePostgresSecret(
      R"({"engine":"postgres","host":"db.internal","username":"app","password":"pw",)"
      R"("port":6543,"dbname":"sales","ssl":"TRUE","extra":{"a":[1]}})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->engine, "postgres");
  EXPECT_EQ(s->host, "db.internal");
  EXPECT_EQ(s->username, "app");
  EXPECT_EQ(s->password.view(), "pw");
  EXPECT_EQ(s->port, "6543");
  EXPECT_EQ(s->dbname, "sales");
  EXPECT_EQ(s->sslmode, "verify-full");
}

TEST(ParsePostgresSecretTest, Defaults) {
  auto s = ParsePostgresSecret(
      R"({"engine":"aurora-postgresql","host":"h","username":"u","password":"p"})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->port, "5432");
  EXPECT_EQ(s->dbname, "postgres");
  EXPECT_EQ(s->sslmode, "prefer");
}

TEST(ParsePostgresSecretTest, PortAndSslForms) {
  const std::string base = R"({"engine":"postgres","host":"h","username":"u","password":"p",)";
  auto s = ParsePostgresSecret(base + R"("port":"5433","ssl":false})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->port, "5433");
  EXPECT_EQ(s->sslmode, "disable");
  s = ParsePostgresSecret(base + R"("ssl":"maybe"})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->sslmode, "prefer");
  s = ParsePostgresSecret(base + R"("ssl":true})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->sslmode, "verify-full");
  for (const char* bad : {R"("port":"54x"})", R"("port":0})", R"("port":70000})", R"("port":-1})",
                          R"("port":"host=evil"})", R"("dbname":7})"}) {
    EXPECT_FALSE(ParsePostgresSecret(base + bad).ok()) << bad;
  }
}

TEST(ParsePostgresSecretTest, TemplateErrors) {
  auto s = ParsePostgresSecret(R"({"engine":"postgres","username":"u","password":"hunter2"})");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().reason(), "InvalidSecret");
  EXPECT_EQ(s.status().message(), "host key is missing from secret JSON");

  s = ParsePostgresSecret(R"({"engine":"mysql","host":"h","username":"u","password":"hunter2"})");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "Database engine must be set to 'postgres' in order to use this rotation lambda");

  s = ParsePostgresSecret(R"({"engine":"postgres","host":"h","username":"u","password":5})");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().find('5'), std::string::npos);

  s = ParsePostgresSecret("hunter2");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().find("hunter2"), std::string::npos);
}

TEST(BuildPendingSecretStringTest, ReplacesOnlyThePassword) {
  const std::string current = R"({"engine":"postgres","host":"h","username":"u","password":"old",)"
                              R"("port":5432,"ratio":1.50,"big":12345678901234567890123,"exp":1e3,)"
                              R"("nested":{"password":"keep"},"list":[true,null,"x"]})";
  auto pending = BuildPendingSecretString(current, "n\"e\\w");
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  EXPECT_EQ(pending->view(),
            R"({"engine":"postgres","host":"h","username":"u","password":"n\"e\\w",)"
            R"("port":5432,"ratio":1.50,"big":12345678901234567890123,"exp":1e3,)"
            R"("nested":{"password":"keep"},"list":[true,null,"x"]})");
  auto parsed = ParsePostgresSecret(pending->view());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->password.view(), "n\"e\\w");
}

TEST(BuildPendingSecretStringTest, RefusesWhatItCannotRewrite) {
  EXPECT_FALSE(BuildPendingSecretString(R"({"username":"u"})", "pw").ok());
  EXPECT_FALSE(BuildPendingSecretString(R"({"password":{"x":1}})", "pw").ok());
  EXPECT_FALSE(BuildPendingSecretString(R"({"password":7})", "pw").ok());
  EXPECT_FALSE(BuildPendingSecretString("not json", "pw").ok());
}

TEST(PostgresRotatorOptionsTest, FromEnvironment) {
  auto o = PostgresRotatorOptionsFromEnvironment({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->exclude_characters, ":/@\"'\\");
  EXPECT_EQ(o->password_length, 32);
  o = PostgresRotatorOptionsFromEnvironment(
      {{"EXCLUDE_CHARACTERS", "abc"}, {"PASSWORD_LENGTH", "20"}, {"PASSWORD_LENGTH", "24"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->exclude_characters, "abc");
  EXPECT_EQ(o->password_length, 24);
  EXPECT_FALSE(PostgresRotatorOptionsFromEnvironment({{"PASSWORD_LENGTH", "x"}}).ok());
  EXPECT_FALSE(PostgresRotatorOptionsFromEnvironment({{"PASSWORD_LENGTH", "0"}}).ok());
}

}  // namespace
}  // namespace coffer::functions
