#include "protocol/query_values.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/ascii.h"

namespace coffer::protocol::query_values {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Reads exactly `n` digits at text[*i].
bool Digits(std::string_view text, size_t* i, size_t n, int* out) {
  if (*i + n > text.size()) return false;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = text[*i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* i, char c) {
  if (*i >= text.size() || (text[*i] != c && !(c == 'T' && text[*i] == 't'))) return false;
  ++*i;
  return true;
}

}  // namespace

std::optional<int64_t> ParseInteger(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  char buf[65];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  double value = std::strtod(buf, &end);
  if (end != buf + text.size() || !std::isfinite(value)) return std::nullopt;
  if (text.front() == ' ' || text.front() == '\t' || text.front() == '\n') return std::nullopt;
  return value;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  auto equals = [&](std::string_view word) { return AsciiEqualsIgnoreCase(text, word); };
  if (equals("true")) return true;
  if (equals("false")) return false;
  return std::nullopt;
}

std::optional<double> ParseTimestamp(std::string_view text) {
  if (text.find_first_of("Tt") == std::string_view::npos) return ParseDouble(text);  // epoch s
  size_t i = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(text, &i, 4, &year) || !Expect(text, &i, '-') || !Digits(text, &i, 2, &month) ||
      !Expect(text, &i, '-') || !Digits(text, &i, 2, &day) || !Expect(text, &i, 'T') ||
      !Digits(text, &i, 2, &hour) || !Expect(text, &i, ':') || !Digits(text, &i, 2, &minute) ||
      !Expect(text, &i, ':') || !Digits(text, &i, 2, &second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  double fraction = 0;
  if (i < text.size() && text[i] == '.') {
    size_t start = ++i;
    double scale = 0.1;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      fraction += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    int sign = text[i++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!Digits(text, &i, 2, &oh) || !Expect(text, &i, ':') || !Digits(text, &i, 2, &om))
      return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return static_cast<double>(seconds) + fraction;
}

std::string FormatTimestamp(double epoch_seconds) {
  int64_t t = static_cast<int64_t>(std::floor(epoch_seconds));
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t rem = t - days * 86400;
  // civil_from_days (H. Hinnant).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m,
                d, static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

std::string FormatDouble(double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

void AppendXmlEscaped(std::string* out, std::string_view text) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&apos;"; break;
      case '\r': entity = "&#xD;"; break;
      default: continue;
    }
    out->append(text.substr(run, i - run));
    out->append(entity);
    run = i + 1;
  }
  out->append(text.substr(run));
}

}  // namespace coffer::protocol::query_values
