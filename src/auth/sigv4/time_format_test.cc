#include "auth/sigv4/time_format.h"

#include <gtest/gtest.h>

namespace coffer::auth::sigv4 {
namespace {

constexpr int64_t kVectorTime = 1440938160000;  // 2015-08-30T12:36:00Z

TEST(TimeFormatTest, ParseAmzDate) {
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), kVectorTime);
  EXPECT_EQ(ParseAmzDate("19700101T000000Z"), 0);
  EXPECT_EQ(ParseAmzDate("20240229T235959Z"), 1709251199000);
  const char* bad[] = {"",
                       "20150830T123600",
                       "20150830 123600Z",
                       "2015-08-30T12:36:00Z",
                       "20150830T123600z",
                       "20151330T123600Z",
                       "20150230T123600Z",
                       "20230229T000000Z",
                       "20150830T243600Z",
                       "20150830T126000Z",
                       "20150830T123660Z",
                       "19691231T235959Z",
                       "2015083OT123600Z",
                       "+0150830T123600Z"};
  for (const char* text : bad) EXPECT_FALSE(ParseAmzDate(text).has_value()) << text;
}

TEST(TimeFormatTest, ParseHttpDate) {
  EXPECT_EQ(ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT"), kVectorTime);
  const char* bad[] = {"",
                       "Sun, 30 Aug 2015 12:36:00 UTC",
                       "Sunday, 30-Aug-15 12:36:00 GMT",
                       "Sun Aug 30 12:36:00 2015",
                       "Xyz, 30 Aug 2015 12:36:00 GMT",
                       "Sun, 30 Foo 2015 12:36:00 GMT",
                       "Sun, 31 Sep 2015 12:36:00 GMT",
                       "Sun, 30 Aug 2015 12:36:00 GMT "};
  for (const char* text : bad) EXPECT_FALSE(ParseHttpDate(text).has_value()) << text;
}

TEST(TimeFormatTest, FormatRoundTrips) {
  EXPECT_EQ(FormatAmzDate(kVectorTime), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(kVectorTime + 999), "20150830T123600Z");
  EXPECT_EQ(FormatAmzDate(0), "19700101T000000Z");
  EXPECT_EQ(FormatAmzDate(-5), "19700101T000000Z");
  EXPECT_EQ(FormatAmzDate(1709251199000), "20240229T235959Z");
  for (int64_t t = 0; t < 4102444800000; t += 86399999) {
    ASSERT_EQ(ParseAmzDate(FormatAmzDate(t)), t / 1000 * 1000) << t;
  }
}

}  // namespace
}  // namespace coffer::auth::sigv4
