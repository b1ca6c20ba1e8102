// BatchGetSecretValue through Service::Handle.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using BatchGetSecretValueTest = SecretsTest;

TEST_F(BatchGetSecretValueTest, IdListWithPerSecretErrors) {
  std::string arn = CreateString("a", "one", 1);
  CreateString("b", "two", 2);
  CreateString("gone", "x", 3);
  Ok("DeleteSecret", R"({"SecretId":"gone"})");
  Ok("CreateSecret", R"({"Name":"empty","ClientRequestToken":")" + Token(4) + R"("})");
  auto d = Ok("BatchGetSecretValue",
              R"({"SecretIdList":[")" + arn + R"(","b","missing","gone","empty"]})");
  ASSERT_EQ(d["SecretValues"].Size(), 2u);
  EXPECT_STREQ(d["SecretValues"][0]["Name"].GetString(), "a");
  EXPECT_STREQ(d["SecretValues"][0]["SecretString"].GetString(), "one");
  EXPECT_STREQ(d["SecretValues"][0]["VersionStages"][0].GetString(), "AWSCURRENT");
  EXPECT_STREQ(d["SecretValues"][1]["SecretString"].GetString(), "two");
  ASSERT_EQ(d["Errors"].Size(), 3u);
  EXPECT_STREQ(d["Errors"][0]["SecretId"].GetString(), "missing");
  EXPECT_STREQ(d["Errors"][0]["ErrorCode"].GetString(), "ResourceNotFoundException");
  EXPECT_EQ(std::string(d["Errors"][0]["Message"].GetString()), msg::kSecretNotFound);
  EXPECT_STREQ(d["Errors"][1]["ErrorCode"].GetString(), "InvalidRequestException");
  EXPECT_EQ(std::string(d["Errors"][1]["Message"].GetString()), msg::kMarkedForDeletion);
  EXPECT_EQ(std::string(d["Errors"][2]["Message"].GetString()),
            std::string(msg::kValueNotFoundForStage) + "AWSCURRENT");
  EXPECT_FALSE(d.HasMember("NextToken"));
  auto desc = Ok("DescribeSecret", R"({"SecretId":"a"})");
  EXPECT_TRUE(desc.HasMember("LastAccessedDate"));
}

TEST_F(BatchGetSecretValueTest, ExactlyOneSelector) {
  ExpectError("BatchGetSecretValue", "{}", msg::kInvalidParameter, msg::kBatchIdsOrFilters);
  ExpectError("BatchGetSecretValue",
              R"({"SecretIdList":["a"],"Filters":[{"Key":"name","Values":["a"]}]})",
              msg::kInvalidParameter, msg::kBatchIdsOrFilters);
  ExpectError("BatchGetSecretValue", R"({"SecretIdList":["a"],"MaxResults":5})",
              msg::kInvalidParameter, msg::kBatchMaxResultsNeedsFilters);
  ExpectError("BatchGetSecretValue", R"({"SecretIdList":["a"],"NextToken":"abc"})",
              msg::kInvalidNextToken);
}

TEST_F(BatchGetSecretValueTest, FiltersPaginate) {
  for (int i = 0; i < 5; ++i) {
    CreateString("app/" + std::to_string(i), "v" + std::to_string(i), 10 + i);
    clock_.Advance(1000);
  }
  CreateString("other", "x", 20);
  std::vector<std::string> values;
  std::string token;
  int pages = 0;
  do {
    std::string req = R"({"Filters":[{"Key":"name","Values":["app/"]}],"MaxResults":2)";
    if (!token.empty()) req += R"(,"NextToken":")" + token + "\"";
    auto d = Ok("BatchGetSecretValue", req + "}");
    for (const auto& v : d["SecretValues"].GetArray())
      values.emplace_back(v["SecretString"].GetString());
    EXPECT_EQ(d["Errors"].Size(), 0u);
    token = d.HasMember("NextToken") ? d["NextToken"].GetString() : "";
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(values, (std::vector<std::string>{"v0", "v1", "v2", "v3", "v4"}));
  EXPECT_EQ(pages, 3);
}

}  // namespace
}  // namespace coffer::secrets::testing
