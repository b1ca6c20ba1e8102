#include "protocol/pattern.h"

#include <gtest/gtest.h>

#include <string>

namespace coffer::protocol {
namespace {

struct Case {
  const char* pattern;
  const char* input;
  bool matches;
};

TEST(Pattern, Table) {
  const Case kCases[] = {
      // Secrets Manager model patterns.
      {"^[a-zA-Z0-9\\-]+$", "abc-DEF-123", true},
      {"^[a-zA-Z0-9\\-]+$", "abc_def", false},
      {"^[a-zA-Z0-9\\-]+$", "", false},
      {"^([a-z]+-)+\\d+$", "us-east-1", true},
      {"^([a-z]+-)+\\d+$", "us-east-", false},
      {"^([a-z]+-)+\\d+$", "US-east-1", false},
      {"^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$", "!prod/db", true},
      {"^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$", "", true},
      {"^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$", "a*b", false},
      // Unanchored (Smithy): a match anywhere is enough.
      {"[0-9]+h", "3h", true},
      {"[0-9]+h", "xx12hyy", true},
      {"[0-9]+h", "h", false},
      {"[0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+", "cron(0 16 1,15 * ? *)", true},
      {"[0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+", "%%%", false},
      // KMS model patterns.
      {"^[a-zA-Z0-9:/_-]+$", "alias/my-key_1", true},
      {"^[a-zA-Z0-9:/_-]+$", "alias/my key", false},
      {"^[a-zA-Z0-9-_.]+$", "a-b_c.d", true},
      {"^[a-zA-Z0-9-_.]+$", "a/b", false},
      {"^[\\w+=,.@:/-]+$", "arn:aws:iam::123456789012:role/R+=,.@-", true},
      {"^[\\w+=,.@:/-]+$", "a b", false},
      {"[\\u0020-\\u00FF]*", "", true},
      {"^[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+$", "caf\xc3\xa9\tx", true},
      {"^[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+$", "\xe2\x82\xac", false},  // U+20AC
      {"cluster-[2-7a-zA-Z]{11,16}", "cluster-abcdefghijk", true},
      {"cluster-[2-7a-zA-Z]{11,16}", "cluster-abcdefghij", false},
      {"^cluster-[2-7a-zA-Z]{11,16}$", "cluster-abcdefghijklmnopq", false},
      {"^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$", "/kms/xks/v1", true},
      {"^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$", "/a/b/kms/xks/v12", true},
      {"^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$", "/kms/xks/v123", false},
      {"^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$",
       "arn:aws:lambda:us-east-1:123456789012:function:f", true},
      {"^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$",
       "arn:aws:lambda:us-east-1:12345678901:function:f", false},
      {"^[A-Z2-7]+$", "ABC234", true},
      {"^[A-Z2-7]+$", "ABC18", false},
      // General syntax.
      {"[\\S\\s]*", "anything\n at all", true},
      {"^a.c$", "abc", true},
      {"^a.c$", "a\nc", false},
      {"^[^0-9]+$", "abc", true},
      {"^[^0-9]+$", "ab1", false},
      {"^(?:ab|cd)*$", "abcdab", true},
      {"^(?:ab|cd)*$", "abc", false},
      {"^a{2}b{1,}c{0,1}$", "aabbb", true},
      {"^a{2}b{1,}c{0,1}$", "abbb", false},
      {"^a+?$", "aaa", true},
      {"^(a*)*$", "aaaa", true},
      {"^(a|b|c)$", "c", true},
      {"^$", "", true},
      {"^$", "x", false},
      {"", "whatever", true},
      {"\\x41", "A", true},
      {"^[-a]+$", "-a-", true},
      {"^[a-]+$", "-a-", true},
  };
  for (const auto& c : kCases) {
    auto p = Pattern::Compile(c.pattern);
    ASSERT_TRUE(p.ok()) << c.pattern << ": " << p.status().ToString();
    EXPECT_EQ(p->Matches(c.input), c.matches) << c.pattern << " on '" << c.input << "'";
  }
}

TEST(Pattern, RejectsUnsupportedSyntax) {
  for (const char* bad : {"(", "a)", "[abc", "*a", "a{2,1}", "(?=a)", "(?<n>a)", "\\1", "\\b",
                          "[a&&b]", "[[a]]", "a++", "\\", "[z-a]", "\\uZZZZ", "^*"}) {
    EXPECT_FALSE(Pattern::Compile(bad).ok()) << bad;
  }
}

TEST(Pattern, LongInputsUseConstantStack) {
  // std::regex overflows the stack on inputs like these.
  std::string big(200000, 'a');
  auto any = Pattern::Compile("[\\S\\s]*");
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(any->Matches(big));
  auto name = Pattern::Compile("^[a-zA-Z0-9/_+=.@-]+$");
  ASSERT_TRUE(name.ok());
  EXPECT_TRUE(name->Matches(big));
  EXPECT_FALSE(name->Matches(big + "!"));
  auto alt = Pattern::Compile("^(a|aa)*$");  // catastrophic for backtrackers
  ASSERT_TRUE(alt.ok());
  EXPECT_FALSE(alt->Matches(std::string(100000, 'a') + "b"));
}

// The IAM/STS tag patterns: Unicode letters, separators and numbers.
TEST(Pattern, UnicodeCategories) {
  auto tag = Pattern::Compile("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$");
  ASSERT_TRUE(tag.ok()) << tag.status().ToString();
  EXPECT_TRUE(tag->Matches("team"));
  EXPECT_TRUE(tag->Matches("\xc3\xa9t\xc3\xa9 2"));       // "été 2"
  EXPECT_TRUE(tag->Matches("\xe6\x9d\xb1\xe4\xba\xac"));  // 東京
  EXPECT_TRUE(tag->Matches("\xd9\xa3"));                  // ARABIC-INDIC DIGIT THREE
  EXPECT_TRUE(
      tag->Matches("a\xe3\x80\x80"
                   "b"));  // IDEOGRAPHIC SPACE
  EXPECT_FALSE(tag->Matches("a#b"));
  EXPECT_FALSE(tag->Matches("\xe2\x82\xac"));      // € is a symbol (Sc)
  EXPECT_FALSE(tag->Matches("\xf0\x9f\x98\x80"));  // emoji (So)
  auto not_number = Pattern::Compile("^\\P{N}+$");
  ASSERT_TRUE(not_number.ok());
  EXPECT_TRUE(not_number->Matches("abc"));
  EXPECT_FALSE(not_number->Matches("a1"));
  auto short_form = Pattern::Compile("^\\pL$");
  ASSERT_TRUE(short_form.ok());
  EXPECT_TRUE(short_form->Matches("\xc3\x9f"));  // ß
  for (const char* bad : {"\\p{Lu}", "\\p{L", "\\p", "\\p{}"})
    EXPECT_FALSE(Pattern::Compile(bad).ok()) << bad;
}

TEST(Pattern, MalformedUtf8InputDoesNotCrash) {
  auto p = Pattern::Compile("^.+$");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Matches("\xff\xfe"));
  EXPECT_TRUE(p->Matches("\xe2\x82"));  // truncated sequence
}

}  // namespace
}  // namespace coffer::protocol
