// ListSecrets through Service::Handle: order, filters, pagination and token
// binding, planned deletion, replicas.

#include <set>

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

class ListSecretsTest : public SecretsTest {
 protected:
  // Creates `n` secrets s00..s(n-1), one second apart.
  void CreateMany(int n) {
    for (int i = 0; i < n; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "s%02d", i);
      CreateString(name, "v", 100 + i);
      clock_.Advance(1000);
    }
  }
  static std::vector<std::string> Names(const rapidjson::Document& d) {
    std::vector<std::string> out;
    for (const auto& e : d["SecretList"].GetArray()) out.emplace_back(e["Name"].GetString());
    return out;
  }
};

TEST_F(ListSecretsTest, DefaultOrderIsCreatedAscendingWithListEntryShape) {
  CreateString("b", "v", 1);
  clock_.Advance(1000);
  CreateString("a", "v", 2);
  auto d = Ok("ListSecrets", "{}");
  EXPECT_EQ(Names(d), (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(d.HasMember("NextToken"));
  const auto& e = d["SecretList"][0];
  EXPECT_TRUE(e.HasMember("SecretVersionsToStages"));
  EXPECT_FALSE(e.HasMember("VersionIdsToStages"));
  EXPECT_FALSE(e.HasMember("ReplicationStatus"));
  EXPECT_EQ(Names(Ok("ListSecrets", R"({"SortOrder":"desc"})")),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Names(Ok("ListSecrets", R"({"SortBy":"name"})")), (std::vector<std::string>{"a", "b"}));
}

TEST_F(ListSecretsTest, PaginatesWithTokens) {
  CreateMany(25);
  std::vector<std::string> all;
  std::string token;
  int pages = 0;
  do {
    std::string req = token.empty()
                          ? R"({"MaxResults":10,"SortBy":"name","SortOrder":"desc"})"
                          : R"({"MaxResults":10,"SortBy":"name","SortOrder":"desc","NextToken":")" +
                                token + R"("})";
    auto d = Ok("ListSecrets", req);
    for (auto& n : Names(d)) all.push_back(n);
    token = d.HasMember("NextToken") ? d["NextToken"].GetString() : "";
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 25u);
  EXPECT_EQ(all.front(), "s24");
  EXPECT_EQ(all.back(), "s00");
}

TEST_F(ListSecretsTest, TokenIsBoundToAccountRegionAndQuery) {
  CreateMany(3);
  auto d = Ok("ListSecrets", R"({"MaxResults":1})");
  ASSERT_TRUE(d.HasMember("NextToken"));
  std::string token = d["NextToken"].GetString();
  EXPECT_TRUE(Call("ListSecrets", R"({"MaxResults":2,"NextToken":")" + token + R"("})").ok());
  ExpectError("ListSecrets", R"({"MaxResults":1,"SortBy":"name","NextToken":")" + token + R"("})",
              msg::kInvalidNextToken, msg::kInvalidNextTokenText);
  ExpectError("ListSecrets",
              R"({"Filters":[{"Key":"name","Values":["s"]}],"NextToken":")" + token + R"("})",
              msg::kInvalidNextToken);
  std::string forged = token;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  ExpectError("ListSecrets", R"({"NextToken":")" + forged + R"("})", msg::kInvalidNextToken);
  RequestContext other = ctx_;
  other.account_id = "210987654321";
  Reply r = Call("ListSecrets", R"({"NextToken":")" + token + R"("})", &other);
  EXPECT_EQ(r.status.reason(), msg::kInvalidNextToken);
  other = ctx_;
  other.region = "eu-west-1";
  r = Call("ListSecrets", R"({"NextToken":")" + token + R"("})", &other);
  EXPECT_EQ(r.status.reason(), msg::kInvalidNextToken);
}

TEST_F(ListSecretsTest, FiltersAndAccountIsolation) {
  Ok("CreateSecret",
     R"({"Name":"/prod/db","Description":"a secret","SecretString":"x","ClientRequestToken":")" +
         Token(1) + R"(","Tags":[{"Key":"env","Value":"prod"}]})");
  Ok("CreateSecret",
     R"({"Name":"dev/db","Description":"asecret","SecretString":"x","ClientRequestToken":")" +
         Token(2) + R"("})");
  auto names = [&](const std::string& filters) {
    auto v = Names(Ok("ListSecrets", R"({"Filters":)" + filters + "}"));
    return std::set<std::string>(v.begin(), v.end());
  };
  EXPECT_EQ(names(R"([{"Key":"name","Values":["/"]}])"), (std::set<std::string>{"/prod/db"}));
  EXPECT_EQ(names(R"([{"Key":"name","Values":["!/"]}])"), (std::set<std::string>{"dev/db"}));
  EXPECT_EQ(names(R"([{"Key":"description","Values":["a secret"]}])"),
            (std::set<std::string>{"/prod/db"}));
  EXPECT_EQ(names(R"([{"Key":"tag-key","Values":["env"]},{"Key":"all","Values":["PROD"]}])"),
            (std::set<std::string>{"/prod/db"}));
  EXPECT_EQ(names(R"([{"Key":"primary-region","Values":["us-east-1"]}])").size(), 2u);
  RequestContext other = ctx_;
  other.account_id = "210987654321";
  Reply r = Call("ListSecrets", "{}", &other);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.doc["SecretList"].Size(), 0u);
}

TEST_F(ListSecretsTest, PlannedDeletionOnlyWhenAsked) {
  CreateString("keep", "v", 1);
  CreateString("gone", "v", 2);
  Ok("DeleteSecret", R"({"SecretId":"gone"})");
  EXPECT_EQ(Names(Ok("ListSecrets", "{}")), (std::vector<std::string>{"keep"}));
  auto d = Ok("ListSecrets", R"({"IncludePlannedDeletion":true})");
  EXPECT_EQ(Names(d), (std::vector<std::string>{"keep", "gone"}));
  EXPECT_TRUE(d["SecretList"][1].HasMember("DeletedDate"));
}

TEST_F(ListSecretsTest, SelectiveFilterOverManySecretsReturnsShortPagesWithToken) {
  CreateMany(1005);
  CreateString("zz-needle", "v", 9000);
  auto d = Ok("ListSecrets", R"({"Filters":[{"Key":"name","Values":["zz"]}]})");
  EXPECT_EQ(d["SecretList"].Size(), 0u);
  ASSERT_TRUE(d.HasMember("NextToken"));
  auto d2 = Ok("ListSecrets",
               std::string(R"({"Filters":[{"Key":"name","Values":["zz"]}],"NextToken":")") +
                   d["NextToken"].GetString() + R"("})");
  EXPECT_EQ(Names(d2), (std::vector<std::string>{"zz-needle"}));
  EXPECT_FALSE(d2.HasMember("NextToken"));
}

// A filtered page gathers its matches from several scan batches of 100 and
// ends inside one: the rows keep their order and the token resumes after the
// last row the page took.
TEST_F(ListSecretsTest, FilteredPageSpansScanBatchesInOrder) {
  CreateMany(250);  // s00..s99, s100..s249 in creation order
  const std::string filter = R"("Filters":[{"Key":"name","Values":["s1"]}])";
  auto d = Ok("ListSecrets", "{" + filter + "}");
  std::vector<std::string> want;
  for (int i = 10; i < 20; ++i) want.push_back("s" + std::to_string(i));
  for (int i = 100; i < 190; ++i) want.push_back("s" + std::to_string(i));
  EXPECT_EQ(Names(d), want);
  ASSERT_TRUE(d.HasMember("NextToken"));
  auto d2 =
      Ok("ListSecrets", "{" + filter + R"(,"NextToken":")" + d["NextToken"].GetString() + R"("})");
  want.clear();
  for (int i = 190; i < 200; ++i) want.push_back("s" + std::to_string(i));
  EXPECT_EQ(Names(d2), want);
  EXPECT_FALSE(d2.HasMember("NextToken"));
}

}  // namespace
}  // namespace coffer::secrets::testing
