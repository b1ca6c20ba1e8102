// The engine's side of a rotation (rotation.h): opening or resuming the
// pending version, recording the outcome, the test-only run's temporary copy.

#include "secrets/rotation.h"

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

constexpr char kLambda[] = "arn:aws:lambda:us-east-1:123456789012:function:rotate";

class RotationTest : public SecretsTest {
 protected:
  // Configures rotation every `days` days without rotating now.
  int64_t Configure(const std::string& name, int days) {
    Ok("RotateSecret", R"({"SecretId":")" + name + R"(","ClientRequestToken":")" + Token(90) +
                           R"(","RotationLambdaARN":")" + kLambda +
                           R"(","RotationRules":{"AutomaticallyAfterDays":)" +
                           std::to_string(days) + R"(},"RotateImmediately":false})");
    auto txn = parts_.store->Begin(storage::TxnMode::kRead);
    auto row = (*txn)->GetSecretByName(ctx_.account_id, ctx_.region, name);
    return row.ok() && row->has_value() ? (*row)->id : 0;
  }

  // What a rotation function's createSecret and finishSecret do.
  void RunFunction(const RotationJob& job, const std::string& value) {
    Ok("PutSecretValue",
       R"({"SecretId":")" + job.arn + R"(","SecretString":")" + value +
           R"(","VersionStages":["AWSPENDING"],"ClientRequestToken":")" + job.token +
           R"(","RotationToken":")" +
           MakeRotationToken(*service_, job.arn, job.token, clock_.NowMillis() + 60'000) + "\"}");
    std::string current;
    for (const auto& [id, labels] : Labels(job.arn))
      if (std::find(labels.begin(), labels.end(), "AWSCURRENT") != labels.end()) current = id;
    Ok("UpdateSecretVersionStage",
       R"({"SecretId":")" + job.arn + R"(","VersionStage":"AWSCURRENT","MoveToVersionId":")" +
           job.token + R"(","RemoveFromVersionId":")" + current + "\"}");
  }
};

TEST_F(RotationTest, ScheduledRotationOpensAPlaceholderAndRecordsSuccess) {
  CreateString("s", "v1", 1);
  const int64_t id = Configure("s", 1);
  ASSERT_NE(id, 0);
  auto job = BeginRotation(*service_, id, /*test_only=*/false);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_TRUE(job->has_value());
  const RotationJob j = **job;
  EXPECT_FALSE(j.resumed);
  EXPECT_EQ(j.lambda_arn, kLambda);
  EXPECT_EQ(Labels("s")[j.token], std::vector<std::string>{"AWSPENDING"});

  // Asked again while unfinished (a restart): the same rotation is resumed.
  auto again = BeginRotation(*service_, id, false);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->token, j.token);
  EXPECT_TRUE((*again)->resumed);

  // Steps "succeeded" but the function never moved AWSCURRENT: not a success.
  EXPECT_FALSE(FinishRotation(*service_, j, /*succeeded=*/true, /*give_up=*/false).ok());
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("LastRotatedDate"));

  clock_.Advance(3600 * 1000);
  RunFunction(j, "v2");
  ASSERT_TRUE(FinishRotation(*service_, j, true, false).ok());
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_DOUBLE_EQ(d["LastRotatedDate"].GetDouble(), clock_.NowMillis() / 1000.0);
  const int64_t day = clock_.NowMillis() - clock_.NowMillis() % kDayMs;
  EXPECT_DOUBLE_EQ(d["NextRotationDate"].GetDouble(), (day + 2 * kDayMs - 1000) / 1000.0);
  auto labels = Labels("s");
  EXPECT_EQ(labels[j.token], std::vector<std::string>{"AWSCURRENT"});
  EXPECT_EQ(labels[Token(1)], std::vector<std::string>{"AWSPREVIOUS"});
  EXPECT_STREQ(Ok("GetSecretValue", R"({"SecretId":"s"})")["SecretString"].GetString(), "v2");

  auto next = BeginRotation(*service_, id, false);
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_NE((*next)->token, j.token);
  EXPECT_EQ(Labels("s")[j.token], std::vector<std::string>{"AWSCURRENT"});
}

TEST_F(RotationTest, FailureKeepsLabelsAndGivingUpWaitsForTheNextWindow) {
  CreateString("s", "v1", 1);
  const int64_t id = Configure("s", 3);
  auto job = BeginRotation(*service_, id, false);
  ASSERT_TRUE(job.ok() && job->has_value());
  const double scheduled =
      Ok("DescribeSecret", R"({"SecretId":"s"})")["NextRotationDate"].GetDouble();
  EXPECT_FALSE(FinishRotation(*service_, **job, false, false).ok());
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_DOUBLE_EQ(d["NextRotationDate"].GetDouble(), scheduled);
  EXPECT_EQ(Labels("s")[(*job)->token], std::vector<std::string>{"AWSPENDING"});
  clock_.Advance(4 * kDayMs);
  EXPECT_FALSE(FinishRotation(*service_, **job, false, /*give_up=*/true).ok());
  d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_GT(d["NextRotationDate"].GetDouble(), clock_.NowMillis() / 1000.0);
  EXPECT_FALSE(d.HasMember("LastRotatedDate"));
  // The unfinished rotation still blocks a new one, as on AWS.
  ExpectError("RotateSecret", R"({"SecretId":"s","ClientRequestToken":")" + Token(91) + "\"}",
              msg::kInvalidRequest, msg::kRotationInProgress);
}

TEST_F(RotationTest, TestOnlyRunTestsACopyOfTheCurrentValueAndRemovesIt) {
  CreateString("s", "the-value", 1);
  const int64_t id = Configure("s", 1);
  auto job = BeginRotation(*service_, id, /*test_only=*/true);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  ASSERT_TRUE(job->has_value());
  auto g = Ok("GetSecretValue", R"({"SecretId":"s","VersionStage":"AWSPENDING"})");
  EXPECT_STREQ(g["SecretString"].GetString(), "the-value");
  EXPECT_STREQ(g["VersionId"].GetString(), (*job)->token.c_str());
  ASSERT_TRUE(FinishRotation(*service_, **job, true, false).ok());
  EXPECT_EQ(Labels("s").size(), 1u);
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("LastRotatedDate"));
}

TEST_F(RotationTest, NothingToDoForDisabledDeletedOrUnknownSecrets) {
  CreateString("s", "v", 1);
  const int64_t id = Configure("s", 1);
  Ok("CancelRotateSecret", R"({"SecretId":"s"})");
  auto job = BeginRotation(*service_, id, false);
  ASSERT_TRUE(job.ok());
  EXPECT_FALSE(job->has_value());
  CreateString("t", "v", 2);
  const int64_t other = Configure("t", 1);
  Ok("DeleteSecret", R"({"SecretId":"t"})");
  job = BeginRotation(*service_, other, false);
  ASSERT_TRUE(job.ok());
  EXPECT_FALSE(job->has_value());
  job = BeginRotation(*service_, 999999, false);
  ASSERT_TRUE(job.ok());
  EXPECT_FALSE(job->has_value());
}

}  // namespace
}  // namespace coffer::secrets::testing
