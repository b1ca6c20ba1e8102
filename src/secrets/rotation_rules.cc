// RotationRules validation and scheduling (rotation_rules.h).

#include "secrets/rotation_rules.h"

#include <rapidjson/document.h>

#include <array>
#include <bitset>
#include <cctype>
#include <vector>

#include "secrets/messages.h"

namespace coffer::secrets {

namespace {

constexpr int64_t kHourMs = 3600LL * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int kMinIntervalHours = 4;
constexpr int kCronSearchDays = 5 * 366;

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

Status Invalid(std::string_view text) {
  return Status::InvalidArgument(std::string(messages::kInvalidParameter), std::string(text));
}
Status BadExpression() { return Invalid(messages::kInvalidScheduleExpression); }

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

std::optional<int> ParseNumber(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

template <size_t N>
std::optional<int> ParseValue(std::string_view s, const std::array<std::string_view, N>* names) {
  if (names != nullptr && s.size() == 3) {
    std::string upper;
    for (char c : s)
      upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    for (size_t i = 0; i < N; ++i)
      if ((*names)[i] == upper) return static_cast<int>(i) + 1;
  }
  return ParseNumber(s);
}

// One list item of a cron field: *, N, A-B, */S, A/S, A-B/S. Adds the
// selected values in [lo, hi] to `out`.
template <size_t B, size_t N>
bool ParseItem(std::string_view item, int lo, int hi, const std::array<std::string_view, N>* names,
               std::bitset<B>& out) {
  int step = 1;
  size_t slash = item.find('/');
  std::string_view range = item.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::optional<int> s = ParseNumber(item.substr(slash + 1));
    if (!s || *s < 1) return false;
    step = *s;
  }
  int from = lo, to = hi;
  if (range != "*") {
    size_t dash = range.find('-');
    std::optional<int> a = ParseValue(range.substr(0, dash), names);
    if (!a) return false;
    from = *a;
    if (dash != std::string_view::npos) {
      std::optional<int> b = ParseValue(range.substr(dash + 1), names);
      if (!b) return false;
      to = *b;
    } else if (slash == std::string_view::npos) {
      to = from;
    }
  }
  if (from < lo || to > hi || from > to) return false;
  for (int v = from; v <= to; v += step) out.set(static_cast<size_t>(v));
  return true;
}

struct Cron {
  std::bitset<24> hours;
  std::bitset<13> months;                    // 1..12
  bool use_dom = true;                       // Day-of-week is "?"
  bool every_day = false;                    // the day field in use is "*"
  std::bitset<32> dom;                       // 1..31
  bool dom_last = false;                     // "L"
  std::bitset<8> dow;                        // 1..7 (SUN..SAT)
  std::bitset<8> dow_last;                   // "NL": last N-day of the month
  std::vector<std::pair<int, int>> dow_nth;  // "N#k"
};

using NoNames = std::array<std::string_view, 0>;
constexpr const NoNames* kNoNames = nullptr;

bool ParseCronFields(std::string_view body, Cron& c) {
  std::vector<std::string_view> f = Split(body, ' ');
  if (f.size() != 6) return false;
  if (f[0] != "0" || f[5] != "*") return false;
  for (std::string_view item : Split(f[1], ','))
    if (!ParseItem(item, 0, 23, kNoNames, c.hours)) return false;
  for (std::string_view item : Split(f[3], ','))
    if (!ParseItem(item, 1, 12, &kMonthNames, c.months)) return false;
  bool dom_q = f[2] == "?", dow_q = f[4] == "?";
  if (dom_q == dow_q) return false;  // exactly one must be "?"
  c.use_dom = dow_q;
  if (c.use_dom) {
    c.every_day = f[2] == "*";
    for (std::string_view item : Split(f[2], ',')) {
      if (item == "L") {
        c.dom_last = true;
      } else if (!ParseItem(item, 1, 31, kNoNames, c.dom)) {
        return false;
      }
    }
  } else {
    c.every_day = f[4] == "*";
    for (std::string_view item : Split(f[4], ',')) {
      size_t hash = item.find('#');
      if (hash != std::string_view::npos) {
        std::optional<int> d = ParseValue(item.substr(0, hash), &kDayNames);
        std::optional<int> k = ParseNumber(item.substr(hash + 1));
        if (!d || !k || *d < 1 || *d > 7 || *k < 1 || *k > 5) return false;
        c.dow_nth.emplace_back(*d, *k);
      } else if (item == "L") {
        c.dow_last.set(7);
      } else if (item.size() > 1 && item.back() == 'L') {
        std::optional<int> d = ParseValue(item.substr(0, item.size() - 1), &kDayNames);
        if (!d || *d < 1 || *d > 7) return false;
        c.dow_last.set(static_cast<size_t>(*d));
      } else if (!ParseItem(item, 1, 7, &kDayNames, c.dow)) {
        return false;
      }
    }
  }
  return c.hours.any() && c.months.any();
}

// Smallest gap in hours between consecutive windows within a day, and across
// midnight when every day is scheduled; 24 when there is one window a day.
int MinGapHours(const Cron& c) {
  std::vector<int> hs;
  for (int h = 0; h < 24; ++h)
    if (c.hours.test(static_cast<size_t>(h))) hs.push_back(h);
  int gap = 24;
  for (size_t i = 1; i < hs.size(); ++i) gap = std::min(gap, hs[i] - hs[i - 1]);
  if (c.every_day && hs.size() > 1) gap = std::min(gap, 24 - hs.back() + hs.front());
  return gap;
}

struct Schedule {
  enum class Kind { kDays, kHours, kCron } kind = Kind::kDays;
  int64_t n = 0;
  Cron cron;
  std::optional<int> duration_h;
};

Result<Schedule> Compile(const RotationRules& r) {
  Schedule s;
  if (r.automatically_after_days && r.schedule_expression)
    return Invalid(messages::kRotationBothSchedules);
  if (!r.automatically_after_days && !r.schedule_expression)
    return Invalid(messages::kRotationNoSchedule);
  if (r.duration) {
    std::string_view d = *r.duration;
    if (d.size() < 2 || d.back() != 'h') return Invalid(messages::kDurationRange);
    std::optional<int> h = ParseNumber(d.substr(0, d.size() - 1));
    if (!h || *h < 1 || *h > 24) return Invalid(messages::kDurationRange);
    s.duration_h = *h;
  }
  if (r.automatically_after_days) {
    if (*r.automatically_after_days < 1 || *r.automatically_after_days > 1000)
      return Invalid(messages::kRateDaysRange);
    s.kind = Schedule::Kind::kDays;
    s.n = *r.automatically_after_days;
    return s;
  }
  std::string_view e = *r.schedule_expression;
  if (e.starts_with("rate(") && e.ends_with(")")) {
    std::vector<std::string_view> parts = Split(e.substr(5, e.size() - 6), ' ');
    if (parts.size() != 2) return BadExpression();
    std::optional<int> n = ParseNumber(parts[0]);
    if (!n) return BadExpression();
    if (parts[1] == "hour" || parts[1] == "hours") {
      if (*n < kMinIntervalHours || *n > 23) return Invalid(messages::kRateHoursRange);
      if (s.duration_h && *s.duration_h > *n) return Invalid(messages::kDurationExceedsRate);
      s.kind = Schedule::Kind::kHours;
    } else if (parts[1] == "day" || parts[1] == "days") {
      if (*n < 1 || *n > 1000) return Invalid(messages::kRateDaysRange);
      s.kind = Schedule::Kind::kDays;
    } else {
      return BadExpression();
    }
    s.n = *n;
    return s;
  }
  if (e.starts_with("cron(") && e.ends_with(")")) {
    s.kind = Schedule::Kind::kCron;
    if (!ParseCronFields(e.substr(5, e.size() - 6), s.cron)) return BadExpression();
    int gap = MinGapHours(s.cron);
    if (gap < kMinIntervalHours) return BadExpression();
    if (s.duration_h) {
      if (*s.duration_h > gap) return Invalid(messages::kDurationExceedsRate);
      for (int h = 0; h < 24; ++h)
        if (s.cron.hours.test(static_cast<size_t>(h)) && h + *s.duration_h > 24)
          return Invalid(messages::kWindowCrossesDay);
    }
    return s;
  }
  return BadExpression();
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool DayMatches(const Cron& c, int64_t epoch_day) {
  int y, m, d;
  CivilFromDays(epoch_day, y, m, d);
  if (!c.months.test(static_cast<size_t>(m))) return false;
  int dim = DaysInMonth(y, m);
  if (c.use_dom) return c.dom.test(static_cast<size_t>(d)) || (c.dom_last && d == dim);
  int wd = static_cast<int>(((epoch_day % 7) + 11) % 7) + 1;  // 1970-01-01 was a Thursday (5)
  if (c.dow.test(static_cast<size_t>(wd))) return true;
  if (c.dow_last.test(static_cast<size_t>(wd)) && d + 7 > dim) return true;
  for (const auto& [day, k] : c.dow_nth)
    if (day == wd && (d - 1) / 7 + 1 == k) return true;
  return false;
}

}  // namespace

Status ValidateRotationRules(const RotationRules& rules) {
  auto compiled = Compile(rules);
  return compiled.ok() ? Status::Ok() : compiled.status();
}

Result<RotationRules> ParseRotationRules(const JsonValue& obj) {
  RotationRules r;
  if (auto days = JsonInt(obj, "AutomaticallyAfterDays")) r.automatically_after_days = *days;
  if (auto d = JsonString(obj, "Duration")) r.duration = std::string(*d);
  if (auto e = JsonString(obj, "ScheduleExpression")) r.schedule_expression = std::string(*e);
  COFFER_RETURN_IF_ERROR(ValidateRotationRules(r));
  return r;
}

std::string RotationRulesToJson(const RotationRules& r) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  if (r.automatically_after_days)
    WriteInt(w, "AutomaticallyAfterDays", *r.automatically_after_days);
  if (r.duration) WriteString(w, "Duration", *r.duration);
  if (r.schedule_expression) WriteString(w, "ScheduleExpression", *r.schedule_expression);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Result<RotationRules> RotationRulesFromJson(std::string_view json) {
  JsonDocument doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject())
    return Status::DataLoss("stored RotationRules are not a JSON object");
  RotationRules r;
  if (auto days = JsonInt(doc, "AutomaticallyAfterDays")) r.automatically_after_days = *days;
  if (auto d = JsonString(doc, "Duration")) r.duration = std::string(*d);
  if (auto e = JsonString(doc, "ScheduleExpression")) r.schedule_expression = std::string(*e);
  return r;
}

Result<RotationWindow> NextRotationWindow(const RotationRules& rules, int64_t base_ms) {
  COFFER_ASSIGN_OR_RETURN(Schedule s, Compile(rules));
  RotationWindow w;
  const int64_t base_day = FloorDiv(base_ms, kDayMs) * kDayMs;
  switch (s.kind) {
    case Schedule::Kind::kDays:
      w.start_ms = base_day + s.n * kDayMs;
      w.end_ms = w.start_ms + (s.duration_h ? *s.duration_h * kHourMs : kDayMs);
      return w;
    case Schedule::Kind::kHours:
      w.start_ms = FloorDiv(base_ms, kHourMs) * kHourMs + s.n * kHourMs;
      w.end_ms = w.start_ms + (s.duration_h ? *s.duration_h : 1) * kHourMs;
      return w;
    case Schedule::Kind::kCron: {
      const bool hourly = s.cron.hours.count() > 1;
      for (int64_t day = base_day / kDayMs; day < base_day / kDayMs + kCronSearchDays; ++day) {
        if (!DayMatches(s.cron, day)) continue;
        for (int h = 0; h < 24; ++h) {
          if (!s.cron.hours.test(static_cast<size_t>(h))) continue;
          int64_t start = day * kDayMs + h * kHourMs;
          if (start <= base_ms) continue;
          w.start_ms = start;
          if (s.duration_h) {
            w.end_ms = start + *s.duration_h * kHourMs;
          } else {
            w.end_ms = hourly ? start + kHourMs : (day + 1) * kDayMs;
          }
          return w;
        }
      }
      return BadExpression();
    }
  }
  return BadExpression();
}

Result<int64_t> NextRotationDate(const RotationRules& rules, int64_t base_ms) {
  COFFER_ASSIGN_OR_RETURN(RotationWindow w, NextRotationWindow(rules, base_ms));
  return w.end_ms - 1000;
}

}  // namespace coffer::secrets
