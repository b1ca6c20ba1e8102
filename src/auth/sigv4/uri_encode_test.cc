#include "auth/sigv4/uri_encode.h"

#include <gtest/gtest.h>

namespace coffer::auth::sigv4 {
namespace {

TEST(UriEncodeTest, Table) {
  struct Case {
    std::string in;
    bool keep_slash;
    std::string want;
  };
  const Case cases[] = {
      {"", false, ""},
      {"-._~AZaz09", false, "-._~AZaz09"},
      {"a b", false, "a%20b"},
      {"a+b", false, "a%2Bb"},
      {"a/b", false, "a%2Fb"},
      {"a/b", true, "a/b"},
      {"$delete", true, "%24delete"},
      {"\xE1\x88\xB4", false, "%E1%88%B4"},
      {"%", false, "%25"},
      {"=&?#", false, "%3D%26%3F%23"},
      {std::string("\0\xff", 2), false, "%00%FF"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(UriEncode(c.in, c.keep_slash), c.want) << "in=" << c.in << " keep=" << c.keep_slash;
  }
}

TEST(PercentDecodeTest, Table) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},         {"abc", "abc"},   {"%41%62", "Ab"}, {"%e1%88%b4", "\xE1\x88\xB4"},
      {"%", "%"},       {"%4", "%4"},     {"%zz", "%zz"},   {"a+b", "a+b"},
      {"100%", "100%"}, {"%2F%2f", "//"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(PercentDecode(in), want) << "in=" << in;
}

TEST(ParseQueryTest, SplitsAndDecodes) {
  auto params = ParseQuery("a=1&&b&c=&d=x%3Dy&=v");
  ASSERT_EQ(params.size(), 5u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(params[1], (std::pair<std::string, std::string>{"b", ""}));
  EXPECT_EQ(params[2], (std::pair<std::string, std::string>{"c", ""}));
  EXPECT_EQ(params[3], (std::pair<std::string, std::string>{"d", "x=y"}));
  EXPECT_EQ(params[4], (std::pair<std::string, std::string>{"", "v"}));
  EXPECT_TRUE(ParseQuery("").empty());
  EXPECT_TRUE(ParseQuery("&&").empty());
}

}  // namespace
}  // namespace coffer::auth::sigv4
