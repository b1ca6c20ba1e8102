// RotationEngine over a real store and the real secrets service. The
// rotation function is an in-process stand-in that makes the same calls as
// AWS's templates (the real invokers and functions are tested in
// src/functions and, end to end, in tests/clients/python/test_rotation.py).

#include "rotation/engine.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "secrets/secrets_test_fixture.h"

namespace coffer::rotation {
namespace {

using secrets::testing::Token;
namespace msg = secrets::messages;

constexpr char kLambda[] = "arn:aws:lambda:us-east-1:123456789012:function:rotator";

class EngineTest : public secrets::testing::SecretsTest {
 protected:
  void SetUp() override {
    SecretsTest::SetUp();
    functions::FunctionBinding binding;
    binding.name = "rotator";
    binding.kind = functions::FunctionKind::kCommand;
    binding.command = {"/bin/true"};
    binding.role_arn = "arn:aws:iam::123456789012:role/rotator";
    FunctionRegistry::Map map;
    map.emplace("rotator", binding);
    registry_.Replace(std::move(map));
  }
  void TearDown() override {
    if (engine_) engine_->Stop();
    engine_.reset();
    SecretsTest::TearDown();
  }

  std::unique_ptr<secrets::Service> MakeService() override {
    secrets::ServiceOptions options;
    options.token_key = RandomBytes(32);
    options.check_rotation_function = [this](std::string_view arn, std::string_view account) {
      return engine_ ? engine_->CheckFunction(arn, account) : Status::NotFound("", "no engine");
    };
    options.rotation_requested = [this](int64_t id, bool test_only, std::string_view token) {
      if (engine_) engine_->Request(id, test_only, token);
    };
    return std::make_unique<secrets::Service>(*parts_.store, *parts_.keyring, clock_,
                                              std::move(options));
  }

  void StartEngine(int max_attempts = 3, size_t workers = 2,
                   std::function<bool()> is_leader = nullptr) {
    EngineOptions options;
    options.is_leader = std::move(is_leader);
    options.poll_interval = std::chrono::milliseconds(20);
    options.first_retry_delay = std::chrono::milliseconds(5);
    options.max_attempts = max_attempts;
    options.workers = workers;
    options.endpoint_url = "http://127.0.0.1:7878";
    engine_ = std::make_unique<RotationEngine>(
        *service_, registry_,
        [](const functions::FunctionBinding& b, std::string_view session,
           int64_t) -> Result<FunctionCredentials> {
          if (b.role_arn.ends_with("/untrusted"))
            return Status::PermissionDenied("AccessDenied", "not trusted");
          return FunctionCredentials{"ASIAEXAMPLE" + std::string(session),
                                     SecureString(std::string("s")), "t"};
        },
        options,
        [this](const functions::FunctionBinding&, const functions::Invocation& inv) {
          return Function(inv);
        });
    engine_->Start();
  }

  // What AWS's templates do in each step (a single-user rotation whose
  // "database" is `database_`), failing in `fail_step_` while it is set.
  Status Function(const functions::Invocation& inv) {
    JsonDocument event;
    event.Parse(inv.event_json.data(), inv.event_json.size());
    const std::string step(*JsonString(event, "Step"));
    const std::string arn(*JsonString(event, "SecretId"));
    const std::string token(*JsonString(event, "ClientRequestToken"));
    {
      MutexLock lock(mu_);
      calls_.push_back(step);
      for (const auto& [k, v] : inv.environment) env_[k] = v;
      if (step == fail_step_) return Status::Internal("step failed");
      // A secret whose name contains `hold_` waits in setSecret until released.
      if (!hold_.empty() && arn.find(hold_) != std::string::npos && step == "setSecret")
        lock.Wait(release_cv_, [this]() REQUIRES(mu_) { return hold_.empty(); });
    }
    if (step == "createSecret") {
      secrets::testing::Reply pending =
          Call("GetSecretValue", R"({"SecretId":")" + arn + R"(","VersionId":")" + token +
                                     R"(","VersionStage":"AWSPENDING"})");
      if (pending.ok()) return Status::Ok();
      return Call("PutSecretValue", R"({"SecretId":")" + arn + R"(","ClientRequestToken":")" +
                                        token + R"(","SecretString":"new-)" + token +
                                        R"(","VersionStages":["AWSPENDING"],)" +
                                        R"("RotationToken":")" +
                                        std::string(*JsonString(event, "RotationToken")) + "\"}")
          .status;
    }
    if (step == "finishSecret") {
      std::string current;
      for (const auto& [id, labels] : Labels(arn))
        if (std::find(labels.begin(), labels.end(), "AWSCURRENT") != labels.end()) current = id;
      if (current == token) return Status::Ok();
      return Call("UpdateSecretVersionStage",
                  R"({"SecretId":")" + arn +
                      R"(","VersionStage":"AWSCURRENT","MoveToVersionId":")" + token +
                      R"(","RemoveFromVersionId":")" + current + "\"}")
          .status;
    }
    return Status::Ok();
  }

  int64_t SecretId(const std::string& name) {
    auto txn = parts_.store->Begin(storage::TxnMode::kRead);
    auto row = (*txn)->GetSecretByName(ctx_.account_id, ctx_.region, name);
    return row.ok() && row->has_value() ? (*row)->id : 0;
  }

  std::vector<std::string> Calls() {
    MutexLock lock(mu_);
    return calls_;
  }

  FunctionRegistry registry_;
  std::unique_ptr<RotationEngine> engine_;
  Mutex mu_;
  std::vector<std::string> calls_ GUARDED_BY(mu_);
  std::map<std::string, std::string> env_ GUARDED_BY(mu_);
  std::string fail_step_ GUARDED_BY(mu_);
  std::string hold_ GUARDED_BY(mu_);
  std::condition_variable release_cv_;
};

std::string CurrentVersion(const std::map<std::string, std::vector<std::string>>& labels) {
  for (const auto& [id, l] : labels)
    if (std::find(l.begin(), l.end(), "AWSCURRENT") != l.end()) return id;
  return "";
}

TEST_F(EngineTest, RotateImmediatelyRunsTheFourStepsAndMovesTheLabels) {
  StartEngine();
  CreateString("s", "old", 1);
  Ok("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(7) +
                         R"(","RotationLambdaARN":")" + kLambda +
                         R"(","RotationRules":{"AutomaticallyAfterDays":30}})");
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(Calls(),
            (std::vector<std::string>{"createSecret", "setSecret", "testSecret", "finishSecret"}));
  auto labels = Labels("s");
  EXPECT_EQ(labels[Token(7)], std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(labels[Token(1)], std::vector<std::string>{"AWSPREVIOUS"});
  EXPECT_EQ(std::string(Ok("GetSecretValue", R"({"SecretId":"s"})")["SecretString"].GetString()),
            "new-" + Token(7));
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_DOUBLE_EQ(d["LastRotatedDate"].GetDouble(), clock_.NowMillis() / 1000.0);
  EXPECT_TRUE(d.HasMember("NextRotationDate"));
  MutexLock lock(mu_);
  EXPECT_EQ(env_["AWS_ACCESS_KEY_ID"], "ASIAEXAMPLErotator");
  EXPECT_EQ(env_["SECRETS_MANAGER_ENDPOINT"], "http://127.0.0.1:7878");
  EXPECT_EQ(env_["AWS_ENDPOINT_URL"], "http://127.0.0.1:7878");
  EXPECT_EQ(env_["AWS_REGION"], "us-east-1");
}

TEST_F(EngineTest, AFailingStepIsRetriedThenGivenUpWithAwsLabels) {
  StartEngine(/*max_attempts=*/3);
  {
    MutexLock lock(mu_);
    fail_step_ = "setSecret";
  }
  CreateString("s", "old", 1);
  Ok("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(7) +
                         R"(","RotationLambdaARN":")" + kLambda + "\"}");
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  // Three attempts, each from createSecret (which finds its value the second time).
  EXPECT_EQ(Calls(), (std::vector<std::string>{"createSecret", "setSecret", "createSecret",
                                               "setSecret", "createSecret", "setSecret"}));
  auto labels = Labels("s");
  EXPECT_EQ(labels[Token(1)], std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(labels[Token(7)], std::vector<std::string>{"AWSPENDING"});
  EXPECT_EQ(engine_->stats().rotations_given_up, 1u);
  EXPECT_EQ(engine_->stats().attempts_failed, 3u);
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("LastRotatedDate"));
  ExpectError("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(8) + "\"}",
              msg::kInvalidRequest, msg::kRotationInProgress);

  // The function is fixed; the next window reattempts the same rotation.
  {
    MutexLock lock(mu_);
    fail_step_.clear();
  }
  clock_.Advance(40 * secrets::testing::kDayMs);
  engine_->Request(SecretId("s"), false, Token(7));
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(CurrentVersion(Labels("s")), Token(7));
}

TEST_F(EngineTest, ScheduleFiresWhenDueAndTestOnlyRunLeavesNoVersion) {
  StartEngine();
  CreateString("s", "old", 1);
  Ok("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(7) +
                         R"(","RotationLambdaARN":")" + kLambda +
                         R"j(","RotationRules":{"ScheduleExpression":"rate(1 days)"},)j"
                         R"("RotateImmediately":false})");
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(Calls(), std::vector<std::string>{"testSecret"});
  EXPECT_EQ(Labels("s").size(), 1u);
  clock_.Advance(2 * secrets::testing::kDayMs);  // past NextRotationDate: the poll finds it
  for (int i = 0; i < 200 && CurrentVersion(Labels("s")) == Token(1); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_NE(CurrentVersion(Labels("s")), Token(1));
  EXPECT_EQ(Calls().size(), 5u);
}

// Several nodes (issue 24): the schedule runs on the leader alone; a node
// that becomes the leader takes up what is due.
TEST_F(EngineTest, TheScheduleRunsOnlyWhileTheNodeLeads) {
  std::atomic<bool> leads{false};
  StartEngine(3, 2, [&leads] { return leads.load(); });
  CreateString("s", "old", 1);
  Ok("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(7) +
                         R"(","RotationLambdaARN":")" + kLambda +
                         R"j(","RotationRules":{"ScheduleExpression":"rate(1 days)"},)j"
                         R"("RotateImmediately":false})");
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(Calls(), std::vector<std::string>{"testSecret"}) << "RotateSecret runs on any node";
  clock_.Advance(2 * secrets::testing::kDayMs);  // due, but this node does not lead
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(Calls().size(), 1u);
  EXPECT_EQ(CurrentVersion(Labels("s")), Token(1));
  leads = true;
  for (int i = 0; i < 200 && CurrentVersion(Labels("s")) == Token(1); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_NE(CurrentVersion(Labels("s")), Token(1));
}

TEST_F(EngineTest, AnUnfinishedRotationIsResumedAtStart) {
  CreateString("s", "old", 1);
  StartEngine();
  {
    MutexLock lock(mu_);
    fail_step_ = "testSecret";
  }
  engine_->Stop();  // stopped: RotateSecret's request finds no running engine
  Ok("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(7) +
                         R"(","RotationLambdaARN":")" + kLambda + "\"}");
  EXPECT_TRUE(Calls().empty());
  {
    MutexLock lock(mu_);
    fail_step_.clear();
  }
  StartEngine();  // a restart
  for (int i = 0; i < 200 && CurrentVersion(Labels("s")) != Token(7); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(CurrentVersion(Labels("s")), Token(7));
}

TEST_F(EngineTest, ARotateSecretThatArrivesWhileTheSecretIsBusyRunsAfterIt) {
  StartEngine(3, /*workers=*/1);
  CreateString("held", "a", 1);
  CreateString("s", "b", 2);
  {
    MutexLock lock(mu_);
    hold_ = "held";
  }
  Ok("RotateSecret", R"({"SecretId":"held","ClientRequestToken":")" + Token(5) +
                         R"(","RotationLambdaARN":")" + kLambda + "\"}");
  for (int i = 0; i < 200 && Calls().size() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // The one worker is held: s's test run is queued, and s's rotation,
  // requested meanwhile, must not be lost behind it.
  Ok("RotateSecret",
     R"({"SecretId":"s","ClientRequestToken":")" + Token(6) + R"(","RotationLambdaARN":")" +
         kLambda + R"(","RotationRules":{"AutomaticallyAfterDays":30},"RotateImmediately":false})");
  Ok("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(7) + "\"}");
  {
    MutexLock lock(mu_);
    hold_.clear();
  }
  release_cv_.notify_all();
  ASSERT_TRUE(engine_->WaitIdle(std::chrono::seconds(10)));
  EXPECT_EQ(CurrentVersion(Labels("s")), Token(7));
  EXPECT_EQ(CurrentVersion(Labels("held")), Token(5));
}

TEST_F(EngineTest, FunctionWithoutBindingOrUntrustedRoleCannotBeInvoked) {
  StartEngine();
  CreateString("s", "old", 1);
  ExpectError("RotateSecret",
              R"({"SecretId":"s","ClientRequestToken":")" + Token(7) +
                  R"(","RotationLambdaARN":"arn:aws:lambda:us-east-1:123456789012:function:none"})",
              msg::kAccessDenied, msg::kCannotInvokeLambda);
  functions::FunctionBinding untrusted;
  untrusted.name = "u";
  untrusted.role_arn = "arn:aws:iam::123456789012:role/untrusted";
  FunctionRegistry::Map map;
  map.emplace("u", untrusted);
  registry_.Replace(std::move(map));  // as SIGHUP does
  ExpectError("RotateSecret",
              R"({"SecretId":"s","ClientRequestToken":")" + Token(7) +
                  R"(","RotationLambdaARN":"arn:aws:lambda:us-east-1:123456789012:function:u"})",
              msg::kAccessDenied, msg::kCannotInvokeLambda);
  EXPECT_EQ(Labels("s").size(), 1u);
}

}  // namespace
}  // namespace coffer::rotation
