#include "functions/postgres_rotator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "common/json.h"
#include "functions/builtin.h"
#include "functions/fake_secrets_manager.h"
#include "pg/pg_test_server.h"

namespace coffer::functions {
namespace {

using pg::testing::PgTestServer;
using ::testing::ElementsAre;
using testing::FakeSecretsManager;

constexpr char kCurrentJson[] =
    R"({"engine":"postgres","host":"db.internal","username":"app","password":"old-pw",)"
    R"("port":5432,"dbname":"sales","note":{"team":"payments"}})";

// A database of users and passwords on host db.internal.
class FakeDb : public PostgresConnector {
 public:
  std::map<std::string, std::string> users;
  std::vector<std::string> logins;  // user/password of every attempt
  std::vector<std::string> statements;

  Result<std::unique_ptr<PostgresConnection>> Connect(const PostgresSecret& s) override {
    logins.push_back(s.username + "/" + std::string(s.password.view()));
    auto it = users.find(s.username);
    if (s.host != "db.internal" || it == users.end() || it->second != s.password.view()) {
      return Status::Unavailable("", "password authentication failed");
    }
    return std::unique_ptr<PostgresConnection>(new Conn(this, s.username));
  }

 private:
  struct Conn : PostgresConnection {
    Conn(FakeDb* db, std::string user) : db(db), user(std::move(user)) {}
    Status SetPassword(std::string_view username, std::string_view password) override {
      db->statements.push_back("ALTER USER " + std::string(username));
      if (username != user) return Status::Unavailable("", "permission denied");
      db->users[user] = std::string(password);
      return Status::Ok();
    }
    Status Execute(std::string_view sql) override {
      db->statements.emplace_back(sql);
      return Status::Ok();
    }
    FakeDb* db;
    std::string user;
  };
};

RotationEvent Event(std::string step, std::string token = "v2") {
  return {std::move(step), "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
          std::move(token), "rotation-token-0123456789abcdef0123"};
}

class PostgresRotatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sm.versions["v1"] = {kCurrentJson, {"AWSCURRENT"}};
    sm.versions["v2"] = {std::nullopt, {"AWSPENDING"}};  // staged by RotateSecret
    db.users["app"] = "old-pw";
  }
  Status Step(const std::string& step, const std::string& token = "v2") {
    client::SecretsManagerClient client = sm.Client();
    PostgresRotator rotator(client, db, PostgresRotatorOptions());
    return rotator.Run(Event(step, token));
  }
  FakeSecretsManager sm;
  FakeDb db;
};

TEST_F(PostgresRotatorTest, FullRotation) {
  ASSERT_TRUE(Step("createSecret").ok());
  EXPECT_THAT(sm.Ops(), ElementsAre("DescribeSecret", "GetSecretValue", "GetSecretValue",
                                    "GetRandomPassword", "PutSecretValue"));
  EXPECT_EQ(sm.Last("GetRandomPassword")->body,
            R"({"ExcludeCharacters":":/@\"'\\","PasswordLength":32})");
  JsonDocument put;
  put.Parse(sm.Last("PutSecretValue")->body.c_str());
  EXPECT_EQ(*JsonString(put, "ClientRequestToken"), "v2");
  EXPECT_EQ(*JsonString(put, "RotationToken"), "rotation-token-0123456789abcdef0123");
  EXPECT_EQ(JsonStringArray(put, "VersionStages"), std::vector<std::string>{"AWSPENDING"});
  ASSERT_TRUE(sm.versions["v2"].text.has_value());
  auto pending = ParsePostgresSecret(*sm.versions["v2"].text);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->password.view(), sm.random_password);
  EXPECT_NE(sm.versions["v2"].text->find(R"("note":{"team":"payments"})"), std::string::npos);

  ASSERT_TRUE(Step("setSecret").ok());
  EXPECT_EQ(db.users["app"], sm.random_password);
  EXPECT_THAT(db.logins, ElementsAre("app/" + sm.random_password, "app/old-pw"));

  ASSERT_TRUE(Step("testSecret").ok());
  EXPECT_EQ(db.statements.back(), "SELECT NOW()");

  ASSERT_TRUE(Step("finishSecret").ok());
  JsonDocument move;
  move.Parse(sm.Last("UpdateSecretVersionStage")->body.c_str());
  EXPECT_EQ(*JsonString(move, "MoveToVersionId"), "v2");
  EXPECT_EQ(*JsonString(move, "RemoveFromVersionId"), "v1");
  EXPECT_EQ(sm.VersionWith("AWSCURRENT"), "v2");
  EXPECT_EQ(sm.VersionWith("AWSPREVIOUS"), "v1");

  // Once current, every step is a no-op success.
  size_t calls = sm.calls.size();
  EXPECT_TRUE(Step("finishSecret").ok());
  EXPECT_TRUE(Step("createSecret").ok());
  EXPECT_EQ(sm.calls.size(), calls + 2);  // two DescribeSecrets
}

TEST_F(PostgresRotatorTest, CreateSecretKeepsAnExistingPendingVersion) {
  sm.versions["v2"].text =
      R"({"engine":"postgres","host":"db.internal","username":"app","password":"p2"})";
  ASSERT_TRUE(Step("createSecret").ok());
  EXPECT_EQ(sm.Last("PutSecretValue"), nullptr);
  EXPECT_EQ(sm.Last("GetRandomPassword"), nullptr);
}

TEST_F(PostgresRotatorTest, CreateSecretNeedsAValidCurrentSecret) {
  sm.versions["v1"].text = R"({"engine":"mysql","host":"h","username":"u","password":"p"})";
  Status s = Step("createSecret");
  EXPECT_EQ(s.message(),
            "Database engine must be set to 'postgres' in order to use this rotation lambda");
  EXPECT_EQ(sm.Last("PutSecretValue"), nullptr);
}

TEST_F(PostgresRotatorTest, CreateSecretPassesOtherErrorsThrough) {
  sm.fail["GetRandomPassword"] = R"({"__type":"AccessDeniedException","message":"denied"})";
  Status s = Step("createSecret");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(sm.Last("PutSecretValue"), nullptr);
}

TEST_F(PostgresRotatorTest, StagingChecks) {
  const std::string arn = Event("").secret_id;
  sm.rotation_enabled = false;
  EXPECT_EQ(Step("createSecret").message(), "Secret " + arn + " is not enabled for rotation");
  sm.rotation_enabled.reset();  // absent is fine, as in the template
  EXPECT_TRUE(Step("createSecret").ok());

  EXPECT_EQ(Step("createSecret", "v9").message(),
            "Secret version v9 has no stage for rotation of secret " + arn + ".");
  sm.versions["v3"] = {"{}", {"AWSPREVIOUS"}};
  EXPECT_EQ(Step("setSecret", "v3").message(),
            "Secret version v3 not set as AWSPENDING for rotation of secret " + arn + ".");
  EXPECT_EQ(Step("rotate").message(), "Invalid step parameter rotate for secret " + arn);
  EXPECT_TRUE(Step("setSecret", "v1").ok());  // already AWSCURRENT
}

TEST_F(PostgresRotatorTest, SetSecretWhenPendingAlreadyWorks) {
  ASSERT_TRUE(Step("createSecret").ok());
  db.users["app"] = sm.random_password;
  ASSERT_TRUE(Step("setSecret").ok());
  EXPECT_TRUE(db.statements.empty());
}

TEST_F(PostgresRotatorTest, SetSecretFallsBackToPrevious) {
  ASSERT_TRUE(Step("createSecret").ok());
  sm.versions["v0"] = {
      R"({"engine":"postgres","host":"db.internal","username":"app","password":"older"})",
      {"AWSPREVIOUS"}};
  db.users["app"] = "older";
  ASSERT_TRUE(Step("setSecret").ok());
  EXPECT_EQ(db.users["app"], sm.random_password);
  EXPECT_EQ(db.logins.back(), "app/older");
}

TEST_F(PostgresRotatorTest, SetSecretFailsWhenNothingLogsIn) {
  ASSERT_TRUE(Step("createSecret").ok());
  db.users["app"] = "something-else";
  Status s = Step("setSecret");
  EXPECT_EQ(s.message(),
            "Unable to log into database with previous, current, or pending secret of secret arn " +
                Event("").secret_id);
  EXPECT_EQ(s.message().find("something-else"), std::string::npos);
}

TEST_F(PostgresRotatorTest, SetSecretRefusesAnotherUserOrHost) {
  sm.versions["v2"].text =
      R"({"engine":"postgres","host":"db.internal","username":"admin","password":"p2"})";
  EXPECT_EQ(Step("setSecret").message(),
            "Attempting to modify user admin other than current user app");
  sm.versions["v2"].text =
      R"({"engine":"postgres","host":"evil.example","username":"app","password":"p2"})";
  EXPECT_EQ(Step("setSecret").message(),
            "Attempting to modify user for host evil.example other than current host "
            "db.internal");
  EXPECT_EQ(db.users["app"], "old-pw");
}

TEST_F(PostgresRotatorTest, TestSecretFailsWithoutLogin) {
  ASSERT_TRUE(Step("createSecret").ok());
  EXPECT_EQ(Step("testSecret").message(),
            "Unable to log into database with pending secret of secret ARN " + Event("").secret_id);
}

TEST(BuiltinTest, Dispatch) {
  EXPECT_TRUE(IsKnownBuiltin("postgresql-single-user"));
  EXPECT_FALSE(IsKnownBuiltin("mysql-single-user"));
  FunctionBinding binding;
  binding.kind = FunctionKind::kBuiltin;
  binding.builtin = "postgresql-single-user";
  Invocation inv;
  inv.event_json = R"({"Step":"createSecret","SecretId":"s","ClientRequestToken":"t"})";
  Status s = RunBuiltin(binding, inv);
  EXPECT_EQ(s.message(), "SECRETS_MANAGER_ENDPOINT is not set");
  binding.builtin = "nope";
  EXPECT_FALSE(RunBuiltin(binding, inv).ok());
}

// The whole rotation against a real PostgreSQL: the role's password changes
// to the generated one (which needs quoting), the old one stops working.
TEST(PostgresRotatorIntegrationTest, RotatesARealRole) {
  PgTestServer* pg = PgTestServer::Get();
  if (!pg) GTEST_SKIP() << "no PostgreSQL";
  pg->Exec("DROP ROLE IF EXISTS rot_app");
  pg->Exec("CREATE ROLE rot_app LOGIN PASSWORD 'first-pw'");
  FakeSecretsManager sm;
  sm.versions["v1"] = {R"({"engine":"postgres","host":"127.0.0.1","port":")" + pg->port() +
                           R"(","username":"rot_app","password":"first-pw","ssl":false})",
                       {"AWSCURRENT"}};
  sm.versions["v2"] = {std::nullopt, {"AWSPENDING"}};
  client::SecretsManagerClient client = sm.Client();
  LibpqConnector db;
  PostgresRotator rotator(client, db, PostgresRotatorOptions());
  for (const char* step : {"createSecret", "setSecret", "testSecret", "finishSecret"}) {
    Status s = rotator.Run(Event(step));
    ASSERT_TRUE(s.ok()) << step << ": " << s.ToString();
  }
  EXPECT_EQ(sm.VersionWith("AWSCURRENT"), "v2");
  EXPECT_TRUE(pg->CanLogin("rot_app", sm.random_password));
  EXPECT_FALSE(pg->CanLogin("rot_app", "first-pw"));
  // setSecret again: the pending password works already, nothing to do.
  sm.versions["v2"].stages = {"AWSPENDING"};
  sm.versions["v1"].stages = {"AWSCURRENT"};
  EXPECT_TRUE(rotator.Run(Event("setSecret")).ok());
}

}  // namespace
}  // namespace coffer::functions
