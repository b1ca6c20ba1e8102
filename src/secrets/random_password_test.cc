// Password generation (random_password.h).

#include "secrets/random_password.h"

#include <gtest/gtest.h>

#include <map>

namespace coffer::secrets {
namespace {

const std::string kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const std::string kLower = "abcdefghijklmnopqrstuvwxyz";
const std::string kDigits = "0123456789";

bool Has(std::string_view pw, std::string_view chars) {
  return pw.find_first_of(chars) != std::string_view::npos;
}

TEST(RandomPassword, DefaultsAre32CharsOfEveryType) {
  for (int i = 0; i < 200; ++i) {
    auto pw = GenerateRandomPassword({});
    ASSERT_TRUE(pw.ok());
    std::string_view v = pw->view();
    ASSERT_EQ(v.size(), 32u);
    EXPECT_TRUE(Has(v, kUpper) && Has(v, kLower) && Has(v, kDigits) && Has(v, kPasswordPunctuation))
        << v;
    EXPECT_FALSE(Has(v, " "));
  }
}

TEST(RandomPassword, ExclusionsAreHonoured) {
  PasswordOptions o;
  o.length = 120;
  o.exclude_characters = "xyzDje@?!.";
  for (int i = 0; i < 50; ++i) {
    auto pw = GenerateRandomPassword(o);
    ASSERT_TRUE(pw.ok());
    EXPECT_EQ(pw->size(), 120u);
    EXPECT_FALSE(Has(pw->view(), o.exclude_characters));
  }
  o = {};
  o.exclude_numbers = o.exclude_punctuation = o.exclude_uppercase = true;
  auto pw = GenerateRandomPassword(o);
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(pw->view().find_first_not_of(kLower), std::string_view::npos);
}

TEST(RandomPassword, SpaceOnlyWhenIncludedAndNeverRequired) {
  PasswordOptions o;
  o.include_space = true;
  o.length = 4;  // exactly the four required classes, so no room for a forced space
  for (int i = 0; i < 100; ++i) {
    auto pw = GenerateRandomPassword(o);
    ASSERT_TRUE(pw.ok());
    EXPECT_TRUE(Has(pw->view(), kUpper) && Has(pw->view(), kLower) && Has(pw->view(), kDigits) &&
                Has(pw->view(), kPasswordPunctuation));
  }
  o.length = 4096;
  auto pw = GenerateRandomPassword(o);
  ASSERT_TRUE(pw.ok());
  EXPECT_TRUE(Has(pw->view(), " "));
  o.exclude_uppercase = o.exclude_lowercase = o.exclude_numbers = o.exclude_punctuation = true;
  o.length = 5;
  pw = GenerateRandomPassword(o);
  ASSERT_TRUE(pw.ok());
  EXPECT_EQ(pw->view(), "     ");
}

TEST(RandomPassword, Errors) {
  PasswordOptions o;
  o.length = 3;
  EXPECT_EQ(GenerateRandomPassword(o).status().message(),
            "Password length is too short based on the required types.");
  EXPECT_EQ(GenerateRandomPassword(o).status().reason(), "InvalidParameterException");
  o.require_each_included_type = false;
  EXPECT_TRUE(GenerateRandomPassword(o).ok());
  o = {};
  o.exclude_uppercase = o.exclude_lowercase = o.exclude_numbers = o.exclude_punctuation = true;
  EXPECT_EQ(GenerateRandomPassword(o).status().message(),
            "All characters have been excluded from selection.");
  o = {};
  o.exclude_characters = kDigits;
  EXPECT_EQ(GenerateRandomPassword(o).status().message(),
            "All characters of the desired type have been excluded.");
  o.require_each_included_type = false;
  auto pw = GenerateRandomPassword(o);
  ASSERT_TRUE(pw.ok());
  EXPECT_FALSE(Has(pw->view(), kDigits));
}

TEST(RandomPassword, TinyClassesStillSatisfied) {
  PasswordOptions o;
  o.length = 4;
  o.exclude_characters = kDigits.substr(1) + std::string(kPasswordPunctuation.substr(1));
  for (int i = 0; i < 50; ++i) {
    auto pw = GenerateRandomPassword(o);
    ASSERT_TRUE(pw.ok());
    EXPECT_TRUE(Has(pw->view(), "0") && Has(pw->view(), "!") && Has(pw->view(), kUpper) &&
                Has(pw->view(), kLower))
        << pw->view();
  }
}

TEST(RandomPassword, EveryPoolCharacterOccursRoughlyEvenly) {
  PasswordOptions o;
  o.length = 4096;
  std::map<char, int> counts;
  for (int i = 0; i < 10; ++i) {
    auto pw = GenerateRandomPassword(o);
    ASSERT_TRUE(pw.ok());
    for (char c : pw->view()) ++counts[c];
  }
  ASSERT_EQ(counts.size(), 94u);  // 26 + 26 + 10 + 32
  const double expected = 40960.0 / 94;
  for (const auto& [c, n] : counts) {
    EXPECT_GT(n, expected * 0.75) << c;
    EXPECT_LT(n, expected * 1.25) << c;
  }
}

}  // namespace
}  // namespace coffer::secrets
