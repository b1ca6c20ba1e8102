// RotationRules: validation of RotateSecret's schedule and the computation of
// NextRotationDate (aws-compat §4.3, AWS user guide rotate-secrets_schedule).
//
// A schedule is AutomaticallyAfterDays (1–1000) XOR ScheduleExpression:
//   * rate(N hours|hour) with 4 <= N <= 23, or rate(N days|day) with
//     1 <= N <= 1000;
//   * cron(Minutes Hours Day-of-month Month Day-of-week Year) with Secrets
//     Manager's restrictions: Minutes "0", Year "*", Hours 0–23 with , - * /,
//     Day-of-month 1–31 with , - * ? / L, Month 1–12|JAN–DEC with , - * /,
//     Day-of-week 1–7|SUN–SAT with , - * ? / L # (and NL = last N-day);
//     exactly one of Day-of-month and Day-of-week is "?"; windows at least
//     4 hours apart.
// Duration "Nh" (1–24) is the window length; it must fit inside the interval
// and must not cross midnight UTC. All times are UTC.
//
// Windows: a days schedule opens at midnight and, without Duration, closes at
// the end of the UTC day; an hours schedule (rate(N hours), or a cron that
// fires more than once a day) closes after one hour. NextRotationDate is the
// last second of the next window, which is what AWS shows (e.g. 23:59:59 for
// AutomaticallyAfterDays). Rate and AutomaticallyAfterDays windows count from
// `base` (the last rotation, or the time rotation was configured); cron
// windows are the first that open after `base`.
//
// Errors are InvalidParameterException with AWS's texts (messages.h).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "common/json.h"

namespace coffer::secrets {

struct RotationRules {
  std::optional<int64_t> automatically_after_days;
  std::optional<std::string> duration;             // "Nh" as given
  std::optional<std::string> schedule_expression;  // as given
  bool operator==(const RotationRules&) const = default;
};

struct RotationWindow {
  int64_t start_ms = 0;  // inclusive
  int64_t end_ms = 0;    // exclusive
};

// Reads a RotationRules JSON object (the RotateSecret member) and validates it.
Result<RotationRules> ParseRotationRules(const JsonValue& obj);

// OK, or InvalidParameterException naming the first problem.
Status ValidateRotationRules(const RotationRules& rules);

// The JSON object DescribeSecret shows, members in the model's order.
std::string RotationRulesToJson(const RotationRules& rules);
// Reads back what RotationRulesToJson wrote (no validation).
Result<RotationRules> RotationRulesFromJson(std::string_view json);

// The next window after `base_ms`. REQUIRES: ValidateRotationRules(rules) is OK.
// Fails (InvalidParameterException, kInvalidScheduleExpression) for a cron
// that never fires within the next 5 years (e.g. cron(0 0 31 2 ? *)).
Result<RotationWindow> NextRotationWindow(const RotationRules& rules, int64_t base_ms);

// NextRotationDate as DescribeSecret shows it: the last second of the window.
Result<int64_t> NextRotationDate(const RotationRules& rules, int64_t base_ms);

}  // namespace coffer::secrets
