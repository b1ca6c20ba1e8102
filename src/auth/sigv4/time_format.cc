#include "auth/sigv4/time_format.h"

#include <array>
#include <cstdio>

namespace coffer::auth::sigv4 {
namespace {

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kSecondsPerDay = 86400;

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeap(y)) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Parses exactly `n` ASCII digits at `s[pos]`; -1 if any is not a digit.
int64_t Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<int64_t> ToMillis(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi,
                                int64_t s) {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
      d > DaysInMonth(y, static_cast<int>(mo)) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
      s > 59) {
    return std::nullopt;
  }
  int64_t days = DaysFromCivil(y, static_cast<int>(mo), static_cast<int>(d));
  return (days * kSecondsPerDay + h * 3600 + mi * 60 + s) * kMsPerSecond;
}

}  // namespace

std::optional<int64_t> ParseAmzDate(std::string_view t) {
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
  int64_t y = Digits(t, 0, 4), mo = Digits(t, 4, 2), d = Digits(t, 6, 2);
  int64_t h = Digits(t, 9, 2), mi = Digits(t, 11, 2), s = Digits(t, 13, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  return ToMillis(y, mo, d, h, mi, s);
}

std::optional<int64_t> ParseHttpDate(std::string_view t) {
  // "Sun, 30 Aug 2015 12:36:00 GMT": fixed width, 29 characters.
  static constexpr std::array<std::string_view, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                                "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (t.size() != 29 || t.substr(3, 2) != ", " || t[7] != ' ' || t[11] != ' ' || t[16] != ' ' ||
      t[19] != ':' || t[22] != ':' || t.substr(25) != " GMT") {
    return std::nullopt;
  }
  bool weekday_ok = false;
  for (auto w : kWeekdays) weekday_ok |= t.substr(0, 3) == w;
  int64_t mo = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (t.substr(8, 3) == kMonths[i]) mo = static_cast<int64_t>(i) + 1;
  }
  int64_t d = Digits(t, 5, 2), y = Digits(t, 12, 4);
  int64_t h = Digits(t, 17, 2), mi = Digits(t, 20, 2), s = Digits(t, 23, 2);
  if (!weekday_ok || mo == 0 || d < 0 || y < 0 || h < 0 || mi < 0 || s < 0) {
    return std::nullopt;
  }
  return ToMillis(y, mo, d, h, mi, s);
}

std::string FormatAmzDate(int64_t ms) {
  if (ms < 0) ms = 0;  // keep the output well-formed even if misused
  int64_t secs = ms / kMsPerSecond;
  int64_t days = secs / kSecondsPerDay;
  int64_t rem = secs % kSecondsPerDay;
  // civil_from_days (H. Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld%02lld%02lldT%02lld%02lld%02lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

}  // namespace coffer::auth::sigv4
