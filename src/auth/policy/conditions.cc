// Compiled condition operators (conditions.h).

#include "auth/policy/conditions.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstring>

namespace coffer::auth::policy {

namespace {

struct OpName {
  std::string_view name;
  ConditionOp op;
  bool negated;
};

constexpr OpName kOps[] = {
    {"StringEquals", ConditionOp::kStringEquals, false},
    {"StringNotEquals", ConditionOp::kStringEquals, true},
    {"StringEqualsIgnoreCase", ConditionOp::kStringEqualsIgnoreCase, false},
    {"StringNotEqualsIgnoreCase", ConditionOp::kStringEqualsIgnoreCase, true},
    {"StringLike", ConditionOp::kStringLike, false},
    {"StringNotLike", ConditionOp::kStringLike, true},
    {"NumericEquals", ConditionOp::kNumericEquals, false},
    {"NumericNotEquals", ConditionOp::kNumericEquals, true},
    {"NumericLessThan", ConditionOp::kNumericLessThan, false},
    {"NumericLessThanEquals", ConditionOp::kNumericLessThanEquals, false},
    {"NumericGreaterThan", ConditionOp::kNumericGreaterThan, false},
    {"NumericGreaterThanEquals", ConditionOp::kNumericGreaterThanEquals, false},
    {"DateEquals", ConditionOp::kDateEquals, false},
    {"DateNotEquals", ConditionOp::kDateEquals, true},
    {"DateLessThan", ConditionOp::kDateLessThan, false},
    {"DateLessThanEquals", ConditionOp::kDateLessThanEquals, false},
    {"DateGreaterThan", ConditionOp::kDateGreaterThan, false},
    {"DateGreaterThanEquals", ConditionOp::kDateGreaterThanEquals, false},
    {"Bool", ConditionOp::kBool, false},
    {"BinaryEquals", ConditionOp::kBinaryEquals, false},
    {"IpAddress", ConditionOp::kIpAddress, false},
    {"NotIpAddress", ConditionOp::kIpAddress, true},
    {"ArnEquals", ConditionOp::kArnLike, false},
    {"ArnLike", ConditionOp::kArnLike, false},
    {"ArnNotEquals", ConditionOp::kArnLike, true},
    {"ArnNotLike", ConditionOp::kArnLike, true},
    {"Null", ConditionOp::kNull, false},
};

Status Malformed() {
  return Status::InvalidArgument(std::string(kMalformedPolicyDocument),
                                 std::string(PolicyErrorMessage(PolicyError::kSyntax)));
}

bool IsNumeric(ConditionOp op) {
  return op >= ConditionOp::kNumericEquals && op <= ConditionOp::kNumericGreaterThanEquals;
}
bool IsDate(ConditionOp op) {
  return op >= ConditionOp::kDateEquals && op <= ConditionOp::kDateGreaterThanEquals;
}

std::optional<bool> ParseBool(std::string_view s) {
  if (s.size() == 4 && strncasecmp(s.data(), "true", 4) == 0) return true;
  if (s.size() == 5 && strncasecmp(s.data(), "false", 5) == 0) return false;
  return std::nullopt;
}

// Reads exactly `n` digits at s[pos].
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Numeric comparison shared by Numeric* and Date*.
bool Compare(ConditionOp op, double ctx, double policy) {
  switch (op) {
    case ConditionOp::kNumericEquals:
    case ConditionOp::kDateEquals: return ctx == policy;
    case ConditionOp::kNumericLessThan:
    case ConditionOp::kDateLessThan: return ctx < policy;
    case ConditionOp::kNumericLessThanEquals:
    case ConditionOp::kDateLessThanEquals: return ctx <= policy;
    case ConditionOp::kNumericGreaterThan:
    case ConditionOp::kDateGreaterThan: return ctx > policy;
    case ConditionOp::kNumericGreaterThanEquals:
    case ConditionOp::kDateGreaterThanEquals: return ctx >= policy;
    default: return false;
  }
}

bool InNetwork(const Cidr& net, const Cidr& ip) {
  if (net.v6 != ip.v6) return false;
  int bits = net.prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((net.bytes[i] & mask) != (ip.bytes[i] & mask)) return false;
  }
  return true;
}

// ArnEquals/ArnLike: the six colon-separated components are matched one by
// one, each with * and ? (IAM User Guide, ARN condition operators).
bool ArnMatch(std::string_view pattern, std::string_view arn) {
  for (int i = 0; i < 5; ++i) {
    size_t pc = pattern.find(':'), ac = arn.find(':');
    if (pc == std::string_view::npos || ac == std::string_view::npos) return false;
    if (!WildcardMatch(pattern.substr(0, pc), arn.substr(0, ac), false)) return false;
    pattern.remove_prefix(pc + 1);
    arn.remove_prefix(ac + 1);
  }
  return WildcardMatch(pattern, arn, false);
}

}  // namespace

std::optional<double> ParseNumber(std::string_view s) {
  double v = 0;
  if (s.empty() || s.front() == '+') return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> ParseDate(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string_view::npos) {
    if (s.size() > 12) return std::nullopt;
    return ParseNumber(s);
  }
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31)
    return std::nullopt;
  double frac = 0;
  int offset = 0;  // seconds east of UTC
  size_t pos = 10;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
    if (!Digits(s, pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, mi) || h > 23 || mi > 59)
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, sec) || sec > 60) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        size_t end = pos + 1;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
        if (end == pos + 1) return std::nullopt;
        auto f = ParseNumber("0" + std::string(s.substr(pos, end - pos)));
        if (!f) return std::nullopt;
        frac = *f;
        pos = end;
      }
    }
    if (pos < s.size()) {
      std::string_view tz = s.substr(pos);
      int oh = 0, om = 0;
      if (tz == "Z" || tz == "z") {
      } else if ((tz[0] == '+' || tz[0] == '-') && Digits(tz, 1, 2, oh) &&
                 ((tz.size() == 6 && tz[3] == ':' && Digits(tz, 4, 2, om)) ||
                  (tz.size() == 5 && Digits(tz, 3, 2, om)) || tz.size() == 3)) {
        offset = (oh * 3600 + om * 60) * (tz[0] == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return static_cast<double>(days * 86400 + h * 3600 + mi * 60 + sec - offset) + frac;
}

std::optional<Cidr> ParseCidr(std::string_view text) {
  Cidr c;
  size_t slash = text.find('/');
  std::string addr(text.substr(0, slash));
  c.v6 = addr.find(':') != std::string::npos;
  if (inet_pton(c.v6 ? AF_INET6 : AF_INET, addr.c_str(), c.bytes.data()) != 1) return std::nullopt;
  const int max = c.v6 ? 128 : 32;
  c.prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    int n = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || n < 0 || n > max)
      return std::nullopt;
    c.prefix = n;
  }
  return c;
}

Result<CompiledCondition> CompiledCondition::Compile(const PolicyCondition& condition,
                                                     bool variables) {
  CompiledCondition c;
  std::string_view op = condition.op;
  if (op.starts_with("ForAnyValue:")) {
    c.set_ = SetQualifier::kForAnyValue;
    op.remove_prefix(12);
  } else if (op.starts_with("ForAllValues:")) {
    c.set_ = SetQualifier::kForAllValues;
    op.remove_prefix(13);
  }
  if (op.ends_with("IfExists") && op != "IfExists") {
    c.if_exists_ = true;
    op.remove_suffix(8);
  }
  const OpName* found = nullptr;
  for (const OpName& o : kOps)
    if (o.name == op) found = &o;
  if (!found || (found->op == ConditionOp::kNull && c.if_exists_) || condition.values.empty())
    return Malformed();
  c.op_ = found->op;
  c.negated_ = found->negated;
  for (char ch : condition.key)
    c.key_.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  for (const std::string& text : condition.values) {
    Value v;
    if (c.op_ == ConditionOp::kStringEquals || c.op_ == ConditionOp::kStringEqualsIgnoreCase ||
        c.op_ == ConditionOp::kBinaryEquals) {
      v.pattern = Pattern::Compile(text, false, variables && c.op_ != ConditionOp::kBinaryEquals);
    } else if (c.op_ == ConditionOp::kStringLike || c.op_ == ConditionOp::kArnLike) {
      v.pattern = Pattern::Compile(text, true, variables);
    } else if (IsNumeric(c.op_) || IsDate(c.op_)) {
      auto n = IsDate(c.op_) ? ParseDate(text) : ParseNumber(text);
      if (!n) return Malformed();
      v.number = *n;
    } else if (c.op_ == ConditionOp::kBool || c.op_ == ConditionOp::kNull) {
      auto b = ParseBool(text);
      if (!b) return Malformed();
      v.number = *b ? 1 : 0;
    } else {  // kIpAddress
      auto cidr = ParseCidr(text);
      if (!cidr) return Malformed();
      v.cidr = *cidr;
    }
    c.values_.push_back(std::move(v));
  }
  return c;
}

bool CompiledCondition::MatchesAny(std::string_view ctx, const ContextKeys& keys) const {
  std::optional<double> number;
  std::optional<Cidr> ip;
  if (IsNumeric(op_)) {
    if (!(number = ParseNumber(ctx))) return false;
  } else if (IsDate(op_)) {
    if (!(number = ParseDate(ctx))) return false;
  } else if (op_ == ConditionOp::kBool) {
    auto b = ParseBool(ctx);
    if (!b) return false;
    number = *b ? 1 : 0;
  } else if (op_ == ConditionOp::kIpAddress) {
    if (!(ip = ParseCidr(ctx)) || ctx.find('/') != std::string_view::npos) return false;
  }
  for (const Value& v : values_) {
    switch (op_) {
      case ConditionOp::kStringEquals:
      case ConditionOp::kBinaryEquals: {
        auto s = v.pattern.Resolve(keys);
        if (s && *s == ctx) return true;
        break;
      }
      case ConditionOp::kStringEqualsIgnoreCase:
        if (v.pattern.Match(ctx, keys, true)) return true;
        break;
      case ConditionOp::kStringLike:
        if (v.pattern.Match(ctx, keys, false)) return true;
        break;
      case ConditionOp::kArnLike: {
        auto s = v.pattern.Resolve(keys);  // wildcards survive as literal text
        if (s && ArnMatch(*s, ctx)) return true;
        break;
      }
      case ConditionOp::kBool:
        if (*number == v.number) return true;
        break;
      case ConditionOp::kIpAddress:
        if (InNetwork(v.cidr, *ip)) return true;
        break;
      case ConditionOp::kNull: break;
      default:
        if (Compare(op_, *number, v.number)) return true;
    }
  }
  return false;
}

bool CompiledCondition::Evaluate(const ContextKeys& keys) const {
  const std::vector<std::string>* ctx = keys.Find(key_);
  const bool present = ctx != nullptr && !ctx->empty();
  if (op_ == ConditionOp::kNull) {
    // Null: "true" asks for the key to be absent, "false" for it to be there.
    for (const Value& v : values_)
      if ((v.number == 1) != present) return true;
    return false;
  }
  if (!present) {
    if (if_exists_ || set_ == SetQualifier::kForAllValues) return true;
    if (set_ == SetQualifier::kForAnyValue) return false;
    return negated_;
  }
  switch (set_) {
    case SetQualifier::kNone: {
      bool any = false;
      for (const std::string& value : *ctx) any = any || MatchesAny(value, keys);
      return any != negated_;
    }
    case SetQualifier::kForAnyValue:
      for (const std::string& value : *ctx)
        if (MatchesAny(value, keys) != negated_) return true;
      return false;
    case SetQualifier::kForAllValues:
      for (const std::string& value : *ctx)
        if (MatchesAny(value, keys) == negated_) return false;
      return true;
  }
  return false;
}

}  // namespace coffer::auth::policy
