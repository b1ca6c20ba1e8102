// PutSecretValue: label movement (aws-compat §1.4b traces A–D), idempotency
// and value rules, driven through Service::Handle.

#include "secrets/rotation.h"
#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

using L = std::vector<std::string>;
namespace msg = messages;

class PutSecretValueTest : public SecretsTest {
 protected:
  rapidjson::Document Put(const std::string& token, const std::string& value,
                          const std::string& stages_json = "") {
    std::string req = R"({"SecretId":"s","SecretString":")" + value +
                      R"(","ClientRequestToken":")" + token + R"(")";
    if (!stages_json.empty()) req += R"(,"VersionStages":)" + stages_json;
    return Ok("PutSecretValue", req + "}");
  }
  void Move(const std::string& label, const std::string& from, const std::string& to) {
    Ok("UpdateSecretVersionStage", R"({"SecretId":"s","VersionStage":")" + label +
                                       R"(","RemoveFromVersionId":")" + from +
                                       R"(","MoveToVersionId":")" + to + R"("})");
  }
};

TEST_F(PutSecretValueTest, TraceA_CurrentPending) {
  const std::string v1 = Token(1), v2 = Token(2), v3 = Token(3);
  CreateString("s", "one", 1);
  EXPECT_EQ(Labels("s"), (std::map<std::string, L>{{v1, {"AWSCURRENT"}}}));
  auto r = Put(v2, "two", R"(["AWSPENDING"])");
  ASSERT_TRUE(r.HasMember("VersionStages"));
  EXPECT_EQ(r["VersionStages"].Size(), 1u);
  EXPECT_STREQ(r["VersionStages"][0].GetString(), "AWSPENDING");
  EXPECT_EQ(Labels("s"), (std::map<std::string, L>{{v1, {"AWSCURRENT"}}, {v2, {"AWSPENDING"}}}));
  Move("AWSCURRENT", v1, v2);
  EXPECT_EQ(Labels("s"),
            (std::map<std::string, L>{{v1, {"AWSPREVIOUS"}}, {v2, {"AWSCURRENT", "AWSPENDING"}}}));
  Put(v3, "three");
  EXPECT_EQ(Labels("s"),
            (std::map<std::string, L>{{v1, {}}, {v2, {"AWSPREVIOUS"}}, {v3, {"AWSCURRENT"}}}));
  // v1 is deprecated: hidden without IncludeDeprecated.
  auto list = Ok("ListSecretVersionIds", R"({"SecretId":"s"})");
  EXPECT_EQ(list["Versions"].Size(), 2u);
}

TEST_F(PutSecretValueTest, TraceB_CustomStages) {
  const std::string v1 = Token(1), v2 = Token(2), v3 = Token(3), v4 = Token(4);
  CreateString("s", "one", 1);
  Put(v2, "two", R"(["AWSCURRENT","PUT0"])");
  EXPECT_EQ(Labels("s"),
            (std::map<std::string, L>{{v1, {"AWSPREVIOUS"}}, {v2, {"AWSCURRENT", "PUT0"}}}));
  Put(v3, "three", R"(["AWSPENDING","PUT1"])");
  EXPECT_EQ(Labels("s")[v3], (L{"AWSPENDING", "PUT1"}));
  Move("AWSCURRENT", v2, v3);
  EXPECT_EQ(Labels("s"), (std::map<std::string, L>{{v1, {}},
                                                   {v2, {"AWSPREVIOUS", "PUT0"}},
                                                   {v3, {"AWSCURRENT", "AWSPENDING", "PUT1"}}}));
  Put(v4, "four", R"(["AWSPENDING","PUT2"])");
  EXPECT_EQ(Labels("s")[v3], (L{"AWSCURRENT", "PUT1"}));
  EXPECT_EQ(Labels("s")[v4], (L{"AWSPENDING", "PUT2"}));
  Move("AWSCURRENT", v3, v4);
  EXPECT_EQ(Labels("s"), (std::map<std::string, L>{{v1, {}},
                                                   {v2, {"PUT0"}},
                                                   {v3, {"AWSPREVIOUS", "PUT1"}},
                                                   {v4, {"AWSCURRENT", "AWSPENDING", "PUT2"}}}));
}

TEST_F(PutSecretValueTest, TraceC_NonVersioningStagesNoReplacement) {
  const std::string v1 = Token(1), v2 = Token(2), v3 = Token(3);
  CreateString("s", "one", 1);
  auto r = Put(v2, "two", R"(["one","two","three"])");
  ASSERT_EQ(r["VersionStages"].Size(), 3u);
  EXPECT_STREQ(r["VersionStages"][0].GetString(), "one");
  EXPECT_STREQ(r["VersionStages"][1].GetString(), "three");
  EXPECT_STREQ(r["VersionStages"][2].GetString(), "two");
  Put(v3, "three", R"(["one","two","four"])");
  EXPECT_EQ(Labels("s"), (std::map<std::string, L>{
                             {v1, {"AWSCURRENT"}}, {v2, {"three"}}, {v3, {"four", "one", "two"}}}));
  // AWSCURRENT never moved: GetSecretValue still answers with v1.
  auto g = Ok("GetSecretValue", R"({"SecretId":"s"})");
  EXPECT_STREQ(g["SecretString"].GetString(), "one");
}

TEST_F(PutSecretValueTest, TraceD_DeprecatedVersionsHidden) {
  CreateString("s", "zero", 1);
  Put(Token(2), "a");
  Put(Token(3), "b");
  Put(Token(4), "c");
  auto list = Ok("ListSecretVersionIds", R"({"SecretId":"s"})");
  ASSERT_EQ(list["Versions"].Size(), 2u);
  EXPECT_EQ(list["Versions"][0]["VersionId"].GetString(), Token(3));
  EXPECT_STREQ(list["Versions"][0]["VersionStages"][0].GetString(), "AWSPREVIOUS");
  EXPECT_EQ(list["Versions"][1]["VersionId"].GetString(), Token(4));
  EXPECT_STREQ(list["Versions"][1]["VersionStages"][0].GetString(), "AWSCURRENT");
  auto all = Ok("ListSecretVersionIds", R"({"SecretId":"s","IncludeDeprecated":true})");
  ASSERT_EQ(all["Versions"].Size(), 4u);
  EXPECT_FALSE(all["Versions"][0].HasMember("VersionStages"));
  EXPECT_FALSE(all["Versions"][1].HasMember("VersionStages"));
  // Describe hides deprecated versions too.
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_EQ(d["VersionIdsToStages"].MemberCount(), 2u);
}

// AWS's quota: at most 100 versions; beyond it the oldest deprecated versions
// older than 24 hours go, and if none can, the write is refused.
TEST_F(PutSecretValueTest, HundredVersionsThenPrunedAfterADay) {
  CreateString("s", "v1", 1);
  for (int i = 2; i <= 100; ++i) Put(Token(i), "v" + std::to_string(i));
  ExpectError(
      "PutSecretValue",
      R"({"SecretId":"s","SecretString":"v101","ClientRequestToken":")" + Token(101) + R"("})",
      msg::kLimitExceeded, msg::kTooManyVersions);
  // A retry of a stored version is still answered.
  auto again = Put(Token(100), "v100");
  EXPECT_STREQ(again["VersionStages"][0].GetString(), "AWSCURRENT");
  clock_.Advance(24LL * 60 * 60 * 1000 + 1);
  Put(Token(101), "v101");
  auto all = Ok("ListSecretVersionIds", R"({"SecretId":"s","IncludeDeprecated":true})");
  ASSERT_EQ(all["Versions"].Size(), 100u);
  EXPECT_EQ(all["Versions"][0]["VersionId"].GetString(), Token(2));  // Token(1) pruned
  auto labels = Labels("s");
  std::erase_if(labels, [](const auto& entry) { return entry.second.empty(); });
  EXPECT_EQ(labels, (std::map<std::string, L>{{Token(100), {"AWSPREVIOUS"}},
                                              {Token(101), {"AWSCURRENT"}}}));
}

TEST_F(PutSecretValueTest, SameTokenSameValueIsANoOp) {
  CreateString("s", "one", 1);
  auto first = Put(Token(2), "two");
  auto again = Put(Token(2), "two");
  EXPECT_STREQ(again["VersionId"].GetString(), first["VersionId"].GetString());
  EXPECT_STREQ(again["VersionStages"][0].GetString(), "AWSCURRENT");
  EXPECT_EQ(Labels("s"),
            (std::map<std::string, L>{{Token(1), {"AWSPREVIOUS"}}, {Token(2), {"AWSCURRENT"}}}));
}

TEST_F(PutSecretValueTest, SameTokenDifferentValueFails) {
  CreateString("s", "one", 1);
  Put(Token(2), "two");
  ExpectError(
      "PutSecretValue",
      R"({"SecretId":"s","SecretString":"other","ClientRequestToken":")" + Token(2) + R"("})",
      msg::kResourceExists, msg::kVersionExists);
  // A binary value with the same bytes is a different value too.
  ExpectError(
      "PutSecretValue",
      R"({"SecretId":"s","SecretBinary":"dHdv","ClientRequestToken":")" + Token(2) + R"("})",
      msg::kResourceExists, msg::kVersionExists);
}

TEST_F(PutSecretValueTest, MissingTokenAndValueRules) {
  CreateString("s", "one", 1);
  ExpectError("PutSecretValue", R"({"SecretId":"s","SecretString":"x"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  ExpectError("PutSecretValue",
              R"({"SecretId":"s","SecretString":"x","SecretBinary":"eA==","ClientRequestToken":")" +
                  Token(5) + R"("})",
              msg::kInvalidParameter, msg::kBothValueTypes);
  // No value at all: InvalidRequestException, as AWS answers (messages.h).
  ExpectError("PutSecretValue", R"({"SecretId":"s","ClientRequestToken":")" + Token(8) + R"("})",
              msg::kInvalidRequest, msg::kValueRequired);
  // 65,536 bytes are fine; one more UTF-8 byte is not (é is two bytes).
  std::string max(65536, 'a');
  Ok("PutSecretValue", R"({"SecretId":"s","SecretString":")" + max + R"(","ClientRequestToken":")" +
                           Token(6) + R"("})");
  std::string over = std::string(65535, 'a') + "\u00e9";
  ExpectError("PutSecretValue",
              R"({"SecretId":"s","SecretString":")" + over + R"(","ClientRequestToken":")" +
                  Token(7) + R"("})",
              msg::kInvalidParameter, msg::kValueTooLarge);
}

TEST_F(PutSecretValueTest, BinaryValuesRoundTrip) {
  CreateString("s", "one", 1);
  // bytes 00 ff 10 80
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretBinary":"AP8QgA==","ClientRequestToken":")" + Token(2) + R"("})");
  auto g = Ok("GetSecretValue", R"({"SecretId":"s"})");
  EXPECT_STREQ(g["SecretBinary"].GetString(), "AP8QgA==");
  EXPECT_FALSE(g.HasMember("SecretString"));
}

TEST_F(PutSecretValueTest, RotationTokenMustBeTheRotationsOwn) {
  const std::string arn = CreateString("s", "one", 1);
  const int64_t later = clock_.NowMillis() + 60'000;
  auto put = [&](const std::string& rotation_token, int token) {
    return Call("PutSecretValue",
                R"({"SecretId":"s","SecretString":"p","VersionStages":["AWSPENDING"],)"
                R"("RotationToken":")" +
                    rotation_token + R"(","ClientRequestToken":")" + Token(token) + R"("})");
  };
  // Made up, for another version, for another secret, expired: refused.
  for (const std::string& bad :
       {std::string("0123456789abcdef0123456789abcdef0123"),
        MakeRotationToken(*service_, arn, Token(3), later),
        MakeRotationToken(*service_, arn + "x", Token(2), later),
        MakeRotationToken(*service_, arn, Token(2), clock_.NowMillis() - 1)}) {
    Reply r = put(bad, 2);
    EXPECT_EQ(r.status.reason(), msg::kInvalidRequest) << bad;
    EXPECT_EQ(r.status.message(), msg::kInvalidRotationToken);
  }
  EXPECT_EQ(Labels("s").size(), 1u);  // nothing stored
  Reply ok = put(MakeRotationToken(*service_, arn, Token(2), later), 2);
  ASSERT_TRUE(ok.ok()) << ok.status.ToString();
  auto g = Ok("GetSecretValue", R"({"SecretId":"s","VersionStage":"AWSPENDING"})");
  EXPECT_STREQ(g["SecretString"].GetString(), "p");
}

TEST_F(PutSecretValueTest, FirstValueAfterEmptyCreateBecomesCurrent) {
  Ok("CreateSecret", R"({"Name":"s","ClientRequestToken":")" + Token(1) + R"("})");
  ExpectError("GetSecretValue", R"({"SecretId":"s"})", msg::kResourceNotFound,
              std::string(msg::kValueNotFoundForStage) + "AWSCURRENT");
  auto r = Put(Token(2), "v");
  EXPECT_STREQ(r["VersionStages"][0].GetString(), "AWSCURRENT");
  EXPECT_EQ(Labels("s"), (std::map<std::string, L>{{Token(2), {"AWSCURRENT"}}}));
}

TEST_F(PutSecretValueTest, LastChangedDateMoves) {
  CreateString("s", "one", 1);
  clock_.Advance(5000);
  Put(Token(2), "two");
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_NEAR(d["LastChangedDate"].GetDouble(), (kStartMs + 5000) / 1000.0, 0.0005);
  EXPECT_NEAR(d["CreatedDate"].GetDouble(), kStartMs / 1000.0, 0.0005);
}

}  // namespace
}  // namespace coffer::secrets::testing
