// One compiled Condition entry (operator, key, values) of a policy statement
// (IAM User Guide: "IAM JSON policy elements: Condition operators",
// "...IfExists condition operators", "Multivalued context keys").
//
// Operators: String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,
// Like,NotLike}, Numeric{Equals,NotEquals,LessThan,LessThanEquals,
// GreaterThan,GreaterThanEquals}, Date{same six}, Bool, BinaryEquals,
// IpAddress/NotIpAddress, Arn{Equals,Like,NotEquals,NotLike}, Null; the
// IfExists suffix; the ForAnyValue:/ForAllValues: set qualifiers. Several
// values of one key OR together; the statement ANDs its entries.
//
// Missing key: IfExists -> true; ForAllValues -> true; ForAnyValue -> false;
// otherwise a negated operator (String/Numeric/Date/Arn Not..., NotIpAddress)
// is true and any other is false. A multivalued key without a qualifier
// matches when any of its values matches (negated: when none does).
//
// Numbers, dates (ISO 8601 or epoch seconds), booleans and CIDRs are parsed
// once at Compile; policy variables are allowed in String and Arn values.
//
// Thread-safety: immutable after Compile; concurrent const use is safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy/context.h"
#include "auth/policy/policy_document.h"
#include "auth/policy/wildcard.h"
#include "coffer/result.h"

namespace coffer::auth::policy {

enum class ConditionOp : unsigned char {
  kStringEquals,
  kStringEqualsIgnoreCase,
  kStringLike,
  kNumericEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kArnLike,  // ArnEquals and ArnLike match alike (wildcards per component)
  kNull,
};

enum class SetQualifier : unsigned char { kNone, kForAnyValue, kForAllValues };

// An IPv4 or IPv6 network.
struct Cidr {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;
};
std::optional<Cidr> ParseCidr(std::string_view text);  // "10.0.0.0/8", "::1", "1.2.3.4"
// Seconds since the epoch of an ISO 8601 date/time or an integer epoch.
std::optional<double> ParseDate(std::string_view text);
std::optional<double> ParseNumber(std::string_view text);

class CompiledCondition {
 public:
  // InvalidArgument (MalformedPolicyDocument) on an unknown operator or a
  // value the operator cannot read (a number, date, boolean or CIDR).
  // `variables`: the document's Version allows policy variables.
  static Result<CompiledCondition> Compile(const PolicyCondition& condition, bool variables);

  bool Evaluate(const ContextKeys& keys) const;

 private:
  struct Value {
    Pattern pattern;    // String*, Arn*, BinaryEquals
    double number = 0;  // Numeric*, Date*; Bool and Null: 0 or 1
    Cidr cidr;
  };
  ConditionOp op_ = ConditionOp::kStringEquals;
  bool negated_ = false;
  bool if_exists_ = false;
  SetQualifier set_ = SetQualifier::kNone;
  std::string key_;  // lowercased
  std::vector<Value> values_;

  // Whether one context value matches any of the policy's values (before
  // negation).
  bool MatchesAny(std::string_view context_value, const ContextKeys& keys) const;
};

}  // namespace coffer::auth::policy
