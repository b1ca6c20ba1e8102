// Filter matching (list_filter.h), including the AWS-validated examples of
// aws-compat §1.4 (LocalStack test_list_secrets_filtering).

#include "secrets/list_filter.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>

namespace coffer::secrets {
namespace {

storage::SecretRecord Secret(std::string name, std::optional<std::string> description,
                             std::vector<storage::Tag> tags = {}) {
  storage::SecretRecord s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.tags = std::move(tags);
  s.region = "us-east-1";
  s.primary_region = "us-east-1";
  return s;
}

class FilterExamples : public ::testing::Test {
 protected:
  // The four secrets of the AWS-validated test.
  std::vector<storage::SecretRecord> secrets_ = {
      Secret("testing1/one-1", "a secret"), Secret("/testing2/two-1", "an secret"),
      Secret("testing3/three-1", "asecret"), Secret("/testing4/four-1", "thesecret")};

  std::set<std::string> Match(std::vector<ListFilter> filters) {
    std::set<std::string> names;
    for (const auto& s : secrets_)
      if (MatchesFilters(filters, s)) names.insert(s.name);
    return names;
  }
};

TEST_F(FilterExamples, NamePrefixIsCaseSensitiveAndNotSplit) {
  EXPECT_EQ(Match({{FilterKey::kName, {"/"}}}),
            (std::set<std::string>{"/testing2/two-1", "/testing4/four-1"}));
  EXPECT_EQ(Match({{FilterKey::kName, {"!/"}}}),
            (std::set<std::string>{"testing1/one-1", "testing3/three-1"}));
  EXPECT_TRUE(Match({{FilterKey::kName, {"testing1 one"}}}).empty());
  EXPECT_TRUE(Match({{FilterKey::kName, {"Testing1"}}}).empty());
}

TEST_F(FilterExamples, DescriptionIsWordPrefix) {
  EXPECT_EQ(Match({{FilterKey::kDescription, {"a"}}}),
            (std::set<std::string>{"testing1/one-1", "/testing2/two-1", "testing3/three-1"}));
  EXPECT_EQ(Match({{FilterKey::kDescription, {"!a"}}}),
            (std::set<std::string>{"/testing4/four-1"}));
  EXPECT_EQ(Match({{FilterKey::kDescription, {"a secret"}}}),
            (std::set<std::string>{"testing1/one-1", "/testing2/two-1"}));
  EXPECT_EQ(Match({{FilterKey::kDescription, {"!c"}}}).size(), 4u);
  EXPECT_EQ(Match({{FilterKey::kDescription, {"A SECRET"}}}).size(), 2u);  // case-insensitive
}

TEST_F(FilterExamples, FiltersAreAndedValuesAreOred) {
  EXPECT_TRUE(Match({{FilterKey::kDescription, {"a"}}, {FilterKey::kName, {"secret"}}}).empty());
  EXPECT_TRUE(Match({{FilterKey::kDescription, {"a"}}, {FilterKey::kName, {"an"}}}).empty());
  EXPECT_EQ(Match({{FilterKey::kDescription, {"a"}}, {FilterKey::kName, {"/"}}}),
            (std::set<std::string>{"/testing2/two-1"}));
  EXPECT_EQ(Match({{FilterKey::kName, {"testing1", "testing3"}}}),
            (std::set<std::string>{"testing1/one-1", "testing3/three-1"}));
  EXPECT_EQ(Match({}).size(), 4u);
}

TEST(ListFilter, TagsRegionServiceAndAll) {
  auto s = Secret("prod/db", "Primary database", {{"Env", "Production"}, {"team", "core"}});
  s.owning_service = "rds";
  EXPECT_TRUE(MatchesFilter({FilterKey::kTagKey, {"En"}}, s));
  EXPECT_FALSE(MatchesFilter({FilterKey::kTagKey, {"env"}}, s));  // case-sensitive
  EXPECT_TRUE(MatchesFilter({FilterKey::kTagValue, {"Prod"}}, s));
  EXPECT_FALSE(MatchesFilter({FilterKey::kTagValue, {"!co"}}, s));  // some value starts with co
  EXPECT_TRUE(MatchesFilter({FilterKey::kPrimaryRegion, {"us-east"}}, s));
  EXPECT_FALSE(MatchesFilter({FilterKey::kPrimaryRegion, {"eu-"}}, s));
  EXPECT_TRUE(MatchesFilter({FilterKey::kOwningService, {"rd"}}, s));
  EXPECT_TRUE(MatchesFilter({FilterKey::kAll, {"production DATA"}}, s));  // tag value + description
  EXPECT_TRUE(MatchesFilter({FilterKey::kAll, {"db core"}}, s));          // name word + tag value
  EXPECT_FALSE(MatchesFilter({FilterKey::kAll, {"db staging"}}, s));
  EXPECT_TRUE(MatchesFilter({FilterKey::kAll, {"!staging"}}, s));
  auto bare = Secret("x", std::nullopt);
  EXPECT_FALSE(MatchesFilter({FilterKey::kDescription, {"a"}}, bare));
  EXPECT_TRUE(MatchesFilter({FilterKey::kDescription, {"!a"}}, bare));
  EXPECT_FALSE(MatchesFilter({FilterKey::kTagKey, {""}}, bare));
  EXPECT_FALSE(MatchesFilter({FilterKey::kOwningService, {""}}, bare));
}

TEST(ListFilter, WordsAndCanonicalForm) {
  EXPECT_EQ(FilterWords("My-App/DB_prod  x"),
            (std::vector<std::string>{"my", "app", "db", "prod", "x"}));
  EXPECT_TRUE(FilterWords("/-_").empty());
  std::vector<ListFilter> a = {{FilterKey::kName, {"a", "b"}}};
  std::vector<ListFilter> b = {{FilterKey::kName, {"ab"}}};
  std::vector<ListFilter> c = {{FilterKey::kName, {"a"}}, {FilterKey::kName, {"b"}}};
  EXPECT_NE(CanonicalFilters(a), CanonicalFilters(b));
  EXPECT_NE(CanonicalFilters(a), CanonicalFilters(c));
  EXPECT_EQ(CanonicalFilters(a), CanonicalFilters({{FilterKey::kName, {"a", "b"}}}));
}

TEST(ListFilter, ParseFilters) {
  rapidjson::Document d;
  d.Parse(R"({"Filters":[{"Key":"tag-key","Values":["a","!b"]},{"Key":"all","Values":["x"]}]})");
  auto f = ParseFilters(d);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ((*f)[0].key, FilterKey::kTagKey);
  EXPECT_EQ((*f)[0].values, (std::vector<std::string>{"a", "!b"}));
  EXPECT_EQ((*f)[1].key, FilterKey::kAll);
  d.Parse(R"({"Filters":[{"Key":"bogus","Values":["a"]}]})");
  EXPECT_EQ(ParseFilters(d).status().reason(), "InvalidParameterException");
  d.Parse(R"({})");
  EXPECT_TRUE(ParseFilters(d)->empty());
}

}  // namespace
}  // namespace coffer::secrets
