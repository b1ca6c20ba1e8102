// RotationRules validation and next-window computation (rotation_rules.h).

#include "secrets/rotation_rules.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace coffer::secrets {
namespace {

constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kDay = 24 * kHour;

// Milliseconds of y-m-d h:00 UTC (H. Hinnant's days_from_civil).
int64_t At(int y, int m, int d, int h = 0) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (era * 146097 + doe - 719468) * kDay + h * kHour;
}

// Friday 2024-03-01 10:00:00.250 UTC.
const int64_t kBase = At(2024, 3, 1, 10) + 250;

RotationRules Days(int64_t n, std::optional<std::string> duration = std::nullopt) {
  return {n, std::move(duration), std::nullopt};
}
RotationRules Expr(std::string e, std::optional<std::string> duration = std::nullopt) {
  return {std::nullopt, std::move(duration), std::move(e)};
}

std::string Error(const RotationRules& r) {
  Status s = ValidateRotationRules(r);
  if (s.ok()) return "OK";
  EXPECT_EQ(s.reason(), "InvalidParameterException");
  return s.message();
}

TEST(RotationRules, ValidSchedules) {
  for (const char* e :
       {"rate(4 hours)", "rate(23 hours)", "rate(1 day)", "rate(10 days)", "rate(1000 days)",
        "cron(0 16 1,15 * ? *)", "cron(0 1 ? 1/3 SUN#1 *)", "cron(0 17 L * ? *)",
        "cron(0 8 ? * MON-FRI *)", "cron(0 0/4 * * ? *)", "cron(0 2/10 * * ? *)",
        "cron(0 1,22 ? * MON *)", "cron(0 12 ? JAN-MAR 6L *)", "cron(0 4 */2 * ? *)"})
    EXPECT_EQ(Error(Expr(e)), "OK") << e;
  EXPECT_EQ(Error(Days(1)), "OK");
  EXPECT_EQ(Error(Days(1000, "24h")), "OK");
  EXPECT_EQ(Error(Expr("cron(0 16 1,15 * ? *)", "2h")), "OK");
}

TEST(RotationRules, ScheduleChoiceErrors) {
  EXPECT_EQ(Error({14, std::nullopt, "rate(10 days)"}),
            "You cannot specify both rotation frequency and schedule expression together.");
  EXPECT_EQ(Error({std::nullopt, "2h", std::nullopt}),
            "You must specify either rotation frequency or schedule expression.");
  EXPECT_EQ(Error(Days(0)), "Rate in day should be greater than 0 and less than 1000.");
  EXPECT_EQ(Error(Days(1001)), "Rate in day should be greater than 0 and less than 1000.");
}

TEST(RotationRules, RateErrors) {
  EXPECT_EQ(Error(Expr("rate(3 hours)")), "Rate in hour should be least 4 and less than 24.");
  EXPECT_EQ(Error(Expr("rate(24 hours)")), "Rate in hour should be least 4 and less than 24.");
  EXPECT_EQ(Error(Expr("rate(0 days)")),
            "Rate in day should be greater than 0 and less than 1000.");
  for (const char* e : {"rate(5 minutes)", "rate(5hours)", "rate( 5 hours)", "rate(x days)",
                        "rate(5 weeks)", "rate(5 days", "rate()", "every 5 days"})
    EXPECT_EQ(Error(Expr(e)), "Invalid schedule expression.") << e;
}

TEST(RotationRules, CronErrors) {
  for (const char* e :
       {"cron(5 16 * * ? *)", "cron(0 16 * * ? 2025)", "cron(0 16 * * * *)", "cron(0 16 ? * ? *)",
        "cron(0 16 * * ?)", "cron(0 24 * * ? *)", "cron(0 16 32 * ? *)", "cron(0 16 * 13 ? *)",
        "cron(0 16 ? * 8 *)", "cron(0 16 ? * MON#6 *)", "cron(0 1,3 * * ? *)",
        "cron(0 0/2 * * ? *)", "cron(0 * * * ? *)", "cron(0 1,22 * * ? *)", "cron(0 5-3 * * ? *)",
        "cron(0 16 ? * FOO *)", "cron(0 16 1/0 * ? *)"})
    EXPECT_EQ(Error(Expr(e)), "Invalid schedule expression.") << e;
}

TEST(RotationRules, DurationErrors) {
  EXPECT_EQ(Error(Days(1, "0h")), "Duration must be at least 1 hour, at most 24 hour.");
  EXPECT_EQ(Error(Days(1, "25h")), "Duration must be at least 1 hour, at most 24 hour.");
  EXPECT_EQ(Error(Days(1, "h")), "Duration must be at least 1 hour, at most 24 hour.");
  EXPECT_EQ(Error(Expr("rate(4 hours)", "5h")), "Duration cannot be greater than Rate in hour.");
  EXPECT_EQ(Error(Expr("cron(0 0,12 * * ? *)", "13h")),
            "Duration cannot be greater than Rate in hour.");
  EXPECT_EQ(Error(Expr("cron(0 22 * * ? *)", "3h")),
            "Starting hour and duration must be within a day.");
}

TEST(RotationRules, NextDatesForDayAndHourRates) {
  // Days: the window is the whole UTC day N days after the base day; AWS shows
  // its last second (…T23:59:59).
  EXPECT_EQ(*NextRotationDate(Days(30), kBase), At(2024, 3, 31) + kDay - 1000);
  EXPECT_EQ(*NextRotationDate(Expr("rate(10 days)"), kBase), At(2024, 3, 11) + kDay - 1000);
  EXPECT_EQ(*NextRotationDate(Days(1, "3h"), kBase), At(2024, 3, 2, 3) - 1000);
  auto w = NextRotationWindow(Expr("rate(4 hours)"), kBase);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->start_ms, At(2024, 3, 1, 14));
  EXPECT_EQ(w->end_ms, At(2024, 3, 1, 15));
  EXPECT_EQ(*NextRotationDate(Expr("rate(6 hours)", "2h"), kBase), At(2024, 3, 1, 18) - 1000);
}

TEST(RotationRules, NextDatesForCron) {
  auto start = [](const char* e) { return NextRotationWindow(Expr(e), kBase)->start_ms; };
  EXPECT_EQ(start("cron(0 16 1,15 * ? *)"), At(2024, 3, 1, 16));
  EXPECT_EQ(start("cron(0 9 1,15 * ? *)"), At(2024, 3, 15, 9));  // 09:00 today has passed
  EXPECT_EQ(start("cron(0 8 ? * MON-FRI *)"), At(2024, 3, 4, 8));
  EXPECT_EQ(start("cron(0 1 ? 1/3 SUN#1 *)"), At(2024, 4, 7, 1));
  EXPECT_EQ(start("cron(0 17 L * ? *)"), At(2024, 3, 31, 17));
  EXPECT_EQ(start("cron(0 12 ? * 6L *)"), At(2024, 3, 29, 12));  // last Friday of March
  EXPECT_EQ(start("cron(0 0/6 * * ? *)"), At(2024, 3, 1, 12));
  EXPECT_EQ(start("cron(0 3 29 FEB ? *)"), At(2028, 2, 29, 3));  // next leap day
  // Single daily window: open until the end of the day; several: one hour.
  EXPECT_EQ(*NextRotationDate(Expr("cron(0 16 1,15 * ? *)"), kBase), At(2024, 3, 2) - 1000);
  EXPECT_EQ(*NextRotationDate(Expr("cron(0 0/6 * * ? *)"), kBase), At(2024, 3, 1, 13) - 1000);
  EXPECT_EQ(*NextRotationDate(Expr("cron(0 16 1,15 * ? *)", "2h"), kBase),
            At(2024, 3, 1, 18) - 1000);
  auto never = NextRotationWindow(Expr("cron(0 0 31 2 ? *)"), kBase);
  EXPECT_FALSE(never.ok());
}

TEST(RotationRules, JsonRoundTripAndParse) {
  RotationRules r{14, "2h", "cron(0 16 1,15 * ? *)"};
  EXPECT_EQ(
      RotationRulesToJson(r),
      R"j({"AutomaticallyAfterDays":14,"Duration":"2h","ScheduleExpression":"cron(0 16 1,15 * ? *)"})j");
  EXPECT_EQ(*RotationRulesFromJson(RotationRulesToJson(r)), r);
  EXPECT_EQ(RotationRulesToJson(Days(7)), R"({"AutomaticallyAfterDays":7})");
  rapidjson::Document d;
  d.Parse(R"j({"ScheduleExpression":"rate(10 days)","Duration":"3h"})j");
  auto parsed = ParseRotationRules(d);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, Expr("rate(10 days)", "3h"));
  d.Parse(R"j({"AutomaticallyAfterDays":3,"ScheduleExpression":"rate(10 days)"})j");
  EXPECT_FALSE(ParseRotationRules(d).ok());
}

}  // namespace
}  // namespace coffer::secrets
