// Condition operators (conditions.h): a table of (operator, key, policy
// values, request context) -> whether the condition holds. Each group cites
// the IAM User Guide rule it follows. Context syntax: "k=v1|v2;k2=" (k2 is
// present with no values); policy values are '|'-separated.

#include "auth/policy/conditions.h"

#include "auth/policy/evaluator.h"

#include <gtest/gtest.h>

namespace coffer::auth::policy {
namespace {

struct Case {
  const char* op;
  const char* key;
  const char* values;
  const char* context;
  bool want;
};

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

ContextKeys ParseContext(std::string_view text) {
  ContextKeys keys;
  for (const std::string& entry : Split(text, ';')) {
    size_t eq = entry.find('=');
    keys.Set(entry.substr(0, eq), Split(std::string_view(entry).substr(eq + 1), '|'));
  }
  return keys;
}

void RunCases(const Case* cases, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const Case& c = cases[i];
    PolicyCondition pc{c.op, c.key, Split(c.values, '|')};
    auto compiled = CompiledCondition::Compile(pc, true);
    ASSERT_TRUE(compiled.ok()) << c.op << " " << c.values;
    EXPECT_EQ(compiled->Evaluate(ParseContext(c.context)), c.want)
        << "#" << i << " " << c.op << " " << c.key << " " << c.values << " | " << c.context;
    // The same row as a decision: an identity policy that allows everything
    // under this condition, and one that also denies under it.
    PolicyStatement allow;
    allow.actions = {"*"};
    allow.resources = {"*"};
    allow.conditions = {pc};
    PolicyStatement deny = allow;
    deny.allow = false;
    deny.actions = {"secretsmanager:*"};
    allow.conditions.clear();
    PolicyDocument guarded{"2012-10-17", std::nullopt, {allow, deny}};
    allow.conditions = {pc};
    PolicyDocument doc{"2012-10-17", std::nullopt, {allow}};
    RequestContext request;
    request.principal = {PrincipalType::kUser, "arn:aws:iam::111111111111:user/u", "111111111111",
                         "", ""};
    request.action = "secretsmanager:GetSecretValue";
    request.resource = "arn:aws:secretsmanager:us-east-1:111111111111:secret:x";
    request.keys = ParseContext(c.context);
    auto a = CompiledPolicy::Compile(doc);
    auto g = CompiledPolicy::Compile(guarded);
    ASSERT_TRUE(a.ok() && g.ok());
    const CompiledPolicy* pa[] = {&*a};
    const CompiledPolicy* pg[] = {&*g};
    PolicySet allow_set, deny_set;
    allow_set.identity = pa;
    deny_set.identity = pg;
    EXPECT_EQ(Evaluate(request, allow_set).allowed, c.want) << "allow #" << i;
    Decision d = Evaluate(request, deny_set);
    EXPECT_EQ(d.allowed, !c.want) << "deny #" << i;
    EXPECT_EQ(d.explicit_deny, c.want) << "deny #" << i;
  }
}
#define RUN(table) RunCases(table, std::size(table))

// IAM UG, condition operators, "String condition operators": Equals and
// NotEquals are exact and case-sensitive, IgnoreCase folds case, Like and
// NotLike take * and ? anywhere in the value; several values OR together.
// clang-format off
constexpr Case kString[] = {
    {"StringEquals", "aws:username", "alice", "aws:username=alice", true},
    {"StringEquals", "aws:username", "alice", "aws:username=Alice", false},
    {"StringEquals", "aws:username", "alice", "aws:username=alice2", false},
    {"StringEquals", "aws:username", "bob|alice", "aws:username=alice", true},
    {"StringEquals", "aws:username", "a*", "aws:username=alice", false},
    {"StringEquals", "aws:username", "a*", "aws:username=a*", true},
    {"StringEquals", "aws:username", "alice", "aws:username=|alice", true},
    {"StringNotEquals", "aws:username", "alice", "aws:username=alice", false},
    {"StringNotEquals", "aws:username", "alice", "aws:username=bob", true},
    {"StringNotEquals", "aws:username", "alice|bob", "aws:username=bob", false},
    {"StringNotEquals", "aws:username", "alice|bob", "aws:username=carol", true},
    {"StringNotEquals", "aws:username", "alice", "aws:username=ALICE", true},
    {"StringEqualsIgnoreCase", "aws:username", "alice", "aws:username=ALICE", true},
    {"StringEqualsIgnoreCase", "aws:username", "alice", "aws:username=alicia", false},
    {"StringEqualsIgnoreCase", "aws:username", "x|AlIcE", "aws:username=aLiCe", true},
    {"StringEqualsIgnoreCase", "aws:username", "a*", "aws:username=abc", false},
    {"StringNotEqualsIgnoreCase", "aws:username", "alice", "aws:username=ALICE", false},
    {"StringNotEqualsIgnoreCase", "aws:username", "alice", "aws:username=bob", true},
    {"StringLike", "s:Name", "prod/*", "s:Name=prod/db", true},
    {"StringLike", "s:Name", "prod/*", "s:Name=dev/db", false},
    {"StringLike", "s:Name", "prod/*", "s:Name=Prod/db", false},
    {"StringLike", "s:Name", "prod/?b", "s:Name=prod/db", true},
    {"StringLike", "s:Name", "prod/?b", "s:Name=prod/dbb", false},
    {"StringLike", "s:Name", "*", "s:Name=anything", true},
    {"StringLike", "s:Name", "*db*", "s:Name=my-db-1", true},
    {"StringLike", "s:Name", "a*b*c", "s:Name=aXbYc", true},
    {"StringLike", "s:Name", "a*b*c", "s:Name=aXcYb", false},
    {"StringLike", "s:Name", "dev/*|prod/*", "s:Name=prod/x", true},
    {"StringLike", "s:Name", "exact", "s:Name=exact", true},
    {"StringNotLike", "s:Name", "prod/*", "s:Name=prod/db", false},
    {"StringNotLike", "s:Name", "prod/*", "s:Name=dev/db", true},
    {"StringNotLike", "s:Name", "dev/*|prod/*", "s:Name=prod/x", false},
    {"StringNotLike", "s:Name", "dev/*|prod/*", "s:Name=qa/x", true},
};
// clang-format on
TEST(ConditionMatrix, StringOperators) { RUN(kString); }

// IAM UG, "Numeric condition operators": integers and decimals compare as
// numbers; a context value that is not a number matches nothing.
// clang-format off
constexpr Case kNumeric[] = {
    {"NumericEquals", "s:Days", "7", "s:Days=7", true},
    {"NumericEquals", "s:Days", "7", "s:Days=7.0", true},
    {"NumericEquals", "s:Days", "7", "s:Days=8", false},
    {"NumericEquals", "s:Days", "7|30", "s:Days=30", true},
    {"NumericEquals", "s:Days", "7", "s:Days=seven", false},
    {"NumericEquals", "s:Days", "-1.5", "s:Days=-1.5", true},
    {"NumericNotEquals", "s:Days", "7", "s:Days=7", false},
    {"NumericNotEquals", "s:Days", "7", "s:Days=8", true},
    {"NumericNotEquals", "s:Days", "7|8", "s:Days=8", false},
    {"NumericLessThan", "s:Days", "10", "s:Days=9", true},
    {"NumericLessThan", "s:Days", "10", "s:Days=10", false},
    {"NumericLessThan", "s:Days", "10", "s:Days=11", false},
    {"NumericLessThan", "s:Days", "10", "s:Days=-3", true},
    {"NumericLessThanEquals", "s:Days", "10", "s:Days=10", true},
    {"NumericLessThanEquals", "s:Days", "10", "s:Days=10.01", false},
    {"NumericLessThanEquals", "s:Days", "10", "s:Days=2", true},
    {"NumericGreaterThan", "s:Days", "10", "s:Days=11", true},
    {"NumericGreaterThan", "s:Days", "10", "s:Days=10", false},
    {"NumericGreaterThan", "s:Days", "10", "s:Days=x", false},
    {"NumericGreaterThanEquals", "s:Days", "10", "s:Days=10", true},
    {"NumericGreaterThanEquals", "s:Days", "10", "s:Days=9.99", false},
    {"NumericGreaterThanEquals", "s:Days", "1|100", "s:Days=50", true},
};
// clang-format on
TEST(ConditionMatrix, NumericOperators) { RUN(kNumeric); }

// IAM UG, "Date condition operators": ISO 8601 dates and times (any offset)
// or epoch seconds, compared as instants.
// clang-format off
constexpr Case kDate[] = {
    {"DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "aws:CurrentTime=2026-01-01T00:00:00Z", true},
    {"DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "aws:CurrentTime=2026-01-01", true},
    {"DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "aws:CurrentTime=1767225600", true},
    {"DateEquals", "aws:CurrentTime", "2026-01-01T01:00:00+01:00", "aws:CurrentTime=2026-01-01T00:00:00Z", true},
    {"DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "aws:CurrentTime=2026-01-01T00:00:01Z", false},
    {"DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "aws:CurrentTime=yesterday", false},
    {"DateNotEquals", "aws:CurrentTime", "2026-01-01", "aws:CurrentTime=2026-01-02", true},
    {"DateNotEquals", "aws:CurrentTime", "2026-01-01", "aws:CurrentTime=2026-01-01T00:00:00Z", false},
    {"DateLessThan", "aws:CurrentTime", "2026-06-30T00:00:00Z", "aws:CurrentTime=2026-06-29T23:59:59Z", true},
    {"DateLessThan", "aws:CurrentTime", "2026-06-30T00:00:00Z", "aws:CurrentTime=2026-06-30T00:00:00Z", false},
    {"DateLessThan", "aws:CurrentTime", "2026-06-30T00:00:00Z", "aws:CurrentTime=2027-01-01T00:00:00Z", false},
    {"DateLessThan", "aws:CurrentTime", "2026-06-30T00:00:00Z", "aws:CurrentTime=2026-06-30T01:00:00+02:00", true},
    {"DateLessThanEquals", "aws:CurrentTime", "2026-06-30T00:00:00Z", "aws:CurrentTime=2026-06-30T00:00:00Z", true},
    {"DateLessThanEquals", "aws:CurrentTime", "2026-06-30T00:00:00Z", "aws:CurrentTime=2026-06-30T00:00:00.5Z", false},
    {"DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "aws:CurrentTime=2026-12-07T19:00:00Z", true},
    {"DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "aws:CurrentTime=2026-12-07T19:00:00Z", false},
    {"DateGreaterThan", "aws:CurrentTime", "1700000000", "aws:CurrentTime=2026-12-07T19:00:00Z", true},
    {"DateGreaterThanEquals", "aws:CurrentTime", "2026-12-07T19:00:00Z", "aws:CurrentTime=2026-12-07T19:00:00Z", true},
    {"DateGreaterThanEquals", "aws:CurrentTime", "2026-12-07T19:00:00Z", "aws:CurrentTime=2026-12-07T18:59:59Z", false},
    {"DateGreaterThanEquals", "aws:CurrentTime", "2026-12-07T19:00:00Z", "aws:CurrentTime=2026-12-07T14:00:00-05:00", true},
};
// clang-format on
TEST(ConditionMatrix, DateOperators) { RUN(kDate); }

// IAM UG, "Boolean condition operators" and "Binary condition operators":
// Bool compares true/false (any case); BinaryEquals compares the base-64 text.
// clang-format off
constexpr Case kBoolBinary[] = {
    {"Bool", "aws:SecureTransport", "true", "aws:SecureTransport=true", true},
    {"Bool", "aws:SecureTransport", "true", "aws:SecureTransport=false", false},
    {"Bool", "aws:SecureTransport", "false", "aws:SecureTransport=false", true},
    {"Bool", "aws:SecureTransport", "true", "aws:SecureTransport=TRUE", true},
    {"Bool", "aws:SecureTransport", "false", "aws:SecureTransport=true", false},
    {"Bool", "aws:SecureTransport", "true", "aws:SecureTransport=yes", false},
    {"Bool", "aws:SecureTransport", "TRUE", "aws:SecureTransport=true", true},
    {"BinaryEquals", "k:Blob", "QmluYXJ5", "k:Blob=QmluYXJ5", true},
    {"BinaryEquals", "k:Blob", "QmluYXJ5", "k:Blob=qmluyxj5", false},
    {"BinaryEquals", "k:Blob", "QmluYXJ5|AAAA", "k:Blob=AAAA", true},
};
// clang-format on
TEST(ConditionMatrix, BoolAndBinaryOperators) { RUN(kBoolBinary); }

// IAM UG, "IP address condition operators": CIDR blocks (RFC 4632), IPv4
// and IPv6; a bare address is a /32 or /128.
// clang-format off
constexpr Case kIp[] = {
    {"IpAddress", "aws:SourceIp", "203.0.113.0/24", "aws:SourceIp=203.0.113.7", true},
    {"IpAddress", "aws:SourceIp", "203.0.113.0/24", "aws:SourceIp=203.0.114.7", false},
    {"IpAddress", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp=10.255.1.2", true},
    {"IpAddress", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp=11.0.0.1", false},
    {"IpAddress", "aws:SourceIp", "0.0.0.0/0", "aws:SourceIp=198.51.100.1", true},
    {"IpAddress", "aws:SourceIp", "127.0.0.1", "aws:SourceIp=127.0.0.1", true},
    {"IpAddress", "aws:SourceIp", "127.0.0.1", "aws:SourceIp=127.0.0.2", false},
    {"IpAddress", "aws:SourceIp", "192.168.0.0/23", "aws:SourceIp=192.168.1.255", true},
    {"IpAddress", "aws:SourceIp", "192.168.0.0/23", "aws:SourceIp=192.168.2.0", false},
    {"IpAddress", "aws:SourceIp", "10.0.0.0/8|172.16.0.0/12", "aws:SourceIp=172.20.0.1", true},
    {"IpAddress", "aws:SourceIp", "2001:db8::/32", "aws:SourceIp=2001:db8:1::5", true},
    {"IpAddress", "aws:SourceIp", "2001:db8::/32", "aws:SourceIp=2001:db9::5", false},
    {"IpAddress", "aws:SourceIp", "::1", "aws:SourceIp=::1", true},
    {"IpAddress", "aws:SourceIp", "2001:db8::/32", "aws:SourceIp=10.0.0.1", false},
    {"IpAddress", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp=not-an-ip", false},
    {"NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp=10.1.1.1", false},
    {"NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp=8.8.8.8", true},
    {"NotIpAddress", "aws:SourceIp", "10.0.0.0/8|192.168.0.0/16", "aws:SourceIp=192.168.3.3", false},
    {"NotIpAddress", "aws:SourceIp", "2001:db8::/32", "aws:SourceIp=2001:db8::1", false},
};
// clang-format on
TEST(ConditionMatrix, IpAddressOperators) { RUN(kIp); }

// IAM UG, "Amazon Resource Name (ARN) condition operators": case-sensitive,
// each of the six colon-delimited components matched separately, * and ?
// allowed in each (ArnEquals and ArnLike alike).
// clang-format off
constexpr Case kArn[] = {
    {"ArnEquals", "aws:SourceArn", "arn:aws:iam::111122223333:role/r", "aws:SourceArn=arn:aws:iam::111122223333:role/r", true},
    {"ArnEquals", "aws:SourceArn", "arn:aws:iam::111122223333:role/r", "aws:SourceArn=arn:aws:iam::111122223333:role/R", false},
    {"ArnEquals", "aws:SourceArn", "arn:aws:iam::*:role/r", "aws:SourceArn=arn:aws:iam::444455556666:role/r", true},
    {"ArnLike", "aws:SourceArn", "arn:aws:iam::*:role/r", "aws:SourceArn=arn:aws:iam::444455556666:role/r", true},
    {"ArnLike", "aws:SourceArn", "arn:aws:iam::111122223333:role/*", "aws:SourceArn=arn:aws:iam::111122223333:role/a/b", true},
    {"ArnLike", "aws:SourceArn", "arn:aws:iam::111122223333:role/*", "aws:SourceArn=arn:aws:iam::111122223333:user/a", false},
    {"ArnLike", "aws:SourceArn", "arn:aws:*:*:*:*", "aws:SourceArn=arn:aws:lambda:us-east-1:111122223333:function:f", true},
    {"ArnLike", "aws:SourceArn", "arn:aws:*", "aws:SourceArn=arn:aws:lambda:us-east-1:111122223333:function:f", false},
    {"ArnLike", "aws:SourceArn", "arn:aws:lambda:us-east-?:*:function:*", "aws:SourceArn=arn:aws:lambda:us-east-2:1:function:f", true},
    {"ArnLike", "aws:SourceArn", "arn:aws:lambda:us-east-?:*:function:*", "aws:SourceArn=arn:aws:lambda:us-west-2:1:function:f", false},
    {"ArnLike", "aws:SourceArn", "arn:aws:iam::*:role/r", "aws:SourceArn=not-an-arn", false},
    {"ArnLike", "aws:SourceArn", "arn:aws:iam::1:role/a|arn:aws:iam::1:role/b", "aws:SourceArn=arn:aws:iam::1:role/b", true},
    {"ArnNotEquals", "aws:SourceArn", "arn:aws:iam::1:role/a", "aws:SourceArn=arn:aws:iam::1:role/a", false},
    {"ArnNotEquals", "aws:SourceArn", "arn:aws:iam::1:role/a", "aws:SourceArn=arn:aws:iam::1:role/b", true},
    {"ArnNotLike", "aws:SourceArn", "arn:aws:iam::*:role/a*", "aws:SourceArn=arn:aws:iam::1:role/abc", false},
    {"ArnNotLike", "aws:SourceArn", "arn:aws:iam::*:role/a*", "aws:SourceArn=arn:aws:iam::1:role/xyz", true},
};
// clang-format on
TEST(ConditionMatrix, ArnOperators) { RUN(kArn); }

// IAM UG, "Condition operator to check existence of condition keys" (Null):
// true asks for the key to be absent, false for it to be present.
// clang-format off
constexpr Case kNull[] = {
    {"Null", "aws:TokenIssueTime", "true", "", true},
    {"Null", "aws:TokenIssueTime", "true", "aws:TokenIssueTime=2026-01-01", false},
    {"Null", "aws:TokenIssueTime", "false", "aws:TokenIssueTime=2026-01-01", true},
    {"Null", "aws:TokenIssueTime", "false", "", false},
    {"Null", "aws:TokenIssueTime", "true", "other=1", true},
    {"Null", "aws:RequestTag/env", "false", "aws:RequestTag/env=prod", true},
    {"Null", "aws:TagKeys", "true", "aws:TagKeys=", true},
};
// clang-format on
TEST(ConditionMatrix, NullOperator) { RUN(kNull); }

// IAM UG, "Condition operators": "If the key that you specify in a policy
// condition is not present in the request context, the values do not match
// and the condition is false. If the policy condition requires that the key
// is not matched, such as StringNotLike or ArnNotLike, and the right key is
// not present, the condition is true."
// clang-format off
constexpr Case kMissingKey[] = {
    {"StringEquals", "aws:username", "alice", "", false},
    {"StringEqualsIgnoreCase", "aws:username", "alice", "", false},
    {"StringLike", "aws:username", "*", "", false},
    {"NumericEquals", "s:Days", "7", "", false},
    {"NumericLessThan", "s:Days", "7", "", false},
    {"NumericGreaterThanEquals", "s:Days", "7", "", false},
    {"DateLessThan", "aws:CurrentTime", "2030-01-01", "", false},
    {"DateGreaterThan", "aws:CurrentTime", "2000-01-01", "", false},
    {"Bool", "aws:SecureTransport", "true", "", false},
    {"Bool", "aws:SecureTransport", "false", "", false},
    {"BinaryEquals", "k:Blob", "AAAA", "", false},
    {"IpAddress", "aws:SourceIp", "0.0.0.0/0", "", false},
    {"ArnLike", "aws:SourceArn", "arn:*:*:*:*:*", "", false},
    {"ArnEquals", "aws:SourceArn", "arn:aws:iam::1:role/a", "", false},
    {"StringNotEquals", "aws:username", "alice", "", true},
    {"StringNotEqualsIgnoreCase", "aws:username", "alice", "", true},
    {"StringNotLike", "aws:username", "*", "", true},
    {"NumericNotEquals", "s:Days", "7", "", true},
    {"DateNotEquals", "aws:CurrentTime", "2026-01-01", "", true},
    {"NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "", true},
    {"ArnNotEquals", "aws:SourceArn", "arn:aws:iam::1:role/a", "", true},
    {"ArnNotLike", "aws:SourceArn", "arn:*:*:*:*:*", "", true},
};
// clang-format on
TEST(ConditionMatrix, MissingKey) { RUN(kMissingKey); }

// IAM UG, "...IfExists condition operators": "If the policy key is present
// in the context of the request, process the key as specified in the policy.
// If the key is not present, evaluate the condition element as true."
// clang-format off
constexpr Case kIfExists[] = {
    {"StringEqualsIfExists", "ec2:InstanceType", "t2.micro", "", true},
    {"StringEqualsIfExists", "ec2:InstanceType", "t2.micro", "ec2:InstanceType=t2.micro", true},
    {"StringEqualsIfExists", "ec2:InstanceType", "t2.micro", "ec2:InstanceType=m5.large", false},
    {"StringNotEqualsIfExists", "ec2:InstanceType", "t2.micro", "", true},
    {"StringNotEqualsIfExists", "ec2:InstanceType", "t2.micro", "ec2:InstanceType=t2.micro", false},
    {"StringLikeIfExists", "s:Name", "prod/*", "", true},
    {"StringLikeIfExists", "s:Name", "prod/*", "s:Name=dev/x", false},
    {"StringNotLikeIfExists", "s:Name", "prod/*", "s:Name=prod/x", false},
    {"StringEqualsIgnoreCaseIfExists", "s:Name", "ABC", "s:Name=abc", true},
    {"NumericLessThanIfExists", "s:Days", "10", "", true},
    {"NumericLessThanIfExists", "s:Days", "10", "s:Days=20", false},
    {"NumericGreaterThanIfExists", "s:Days", "10", "s:Days=20", true},
    {"DateLessThanIfExists", "aws:CurrentTime", "2020-01-01", "", true},
    {"DateLessThanIfExists", "aws:CurrentTime", "2020-01-01", "aws:CurrentTime=2026-01-01", false},
    {"BoolIfExists", "aws:MultiFactorAuthPresent", "true", "", true},
    {"BoolIfExists", "aws:MultiFactorAuthPresent", "true", "aws:MultiFactorAuthPresent=false", false},
    {"BoolIfExists", "aws:MultiFactorAuthPresent", "false", "aws:MultiFactorAuthPresent=false", true},
    {"IpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", "", true},
    {"IpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp=8.8.8.8", false},
    {"NotIpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp=8.8.8.8", true},
    {"ArnLikeIfExists", "aws:SourceArn", "arn:aws:iam::*:role/*", "", true},
    {"ArnLikeIfExists", "aws:SourceArn", "arn:aws:iam::*:role/*", "aws:SourceArn=arn:aws:iam::1:user/u", false},
    {"ArnNotLikeIfExists", "aws:SourceArn", "arn:aws:iam::*:role/*", "aws:SourceArn=arn:aws:iam::1:user/u", true},
    {"BinaryEqualsIfExists", "k:Blob", "AAAA", "", true},
};
// clang-format on
TEST(ConditionMatrix, IfExists) { RUN(kIfExists); }

// IAM UG, "Multivalued context keys" / "Set operators for multivalued
// context keys": ForAnyValue holds when at least one request value matches
// one policy value (false for a missing or empty key); ForAllValues when
// every request value matches one (true for a missing or empty key). Without
// a qualifier a multivalued key matches when any of its values does.
// clang-format off
constexpr Case kSets[] = {
    {"ForAnyValue:StringEquals", "aws:TagKeys", "env|team", "aws:TagKeys=env|cost", true},
    {"ForAnyValue:StringEquals", "aws:TagKeys", "env|team", "aws:TagKeys=cost|owner", false},
    {"ForAnyValue:StringEquals", "aws:TagKeys", "env", "", false},
    {"ForAnyValue:StringEquals", "aws:TagKeys", "env", "aws:TagKeys=", false},
    {"ForAnyValue:StringLike", "aws:TagKeys", "env*", "aws:TagKeys=x|environment", true},
    {"ForAnyValue:StringNotEquals", "aws:TagKeys", "env", "aws:TagKeys=env|team", true},
    {"ForAnyValue:StringNotEquals", "aws:TagKeys", "env", "aws:TagKeys=env", false},
    {"ForAnyValue:NumericGreaterThan", "k:Sizes", "10", "k:Sizes=1|2|30", true},
    {"ForAnyValue:NumericGreaterThan", "k:Sizes", "10", "k:Sizes=1|2|3", false},
    {"ForAnyValue:IpAddress", "k:Ips", "10.0.0.0/8", "k:Ips=8.8.8.8|10.1.1.1", true},
    {"ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "env", "", true},
    {"ForAllValues:StringEquals", "aws:TagKeys", "env|team", "aws:TagKeys=env|team", true},
    {"ForAllValues:StringEquals", "aws:TagKeys", "env|team", "aws:TagKeys=env", true},
    {"ForAllValues:StringEquals", "aws:TagKeys", "env|team", "aws:TagKeys=env|cost", false},
    {"ForAllValues:StringEquals", "aws:TagKeys", "env|team", "", true},
    {"ForAllValues:StringEquals", "aws:TagKeys", "env|team", "aws:TagKeys=", true},
    {"ForAllValues:StringLike", "aws:TagKeys", "app-*", "aws:TagKeys=app-a|app-b", true},
    {"ForAllValues:StringLike", "aws:TagKeys", "app-*", "aws:TagKeys=app-a|b", false},
    {"ForAllValues:StringNotEquals", "aws:TagKeys", "secret", "aws:TagKeys=a|b", true},
    {"ForAllValues:StringNotEquals", "aws:TagKeys", "secret", "aws:TagKeys=a|secret", false},
    {"ForAllValues:StringEqualsIgnoreCase", "aws:TagKeys", "env", "aws:TagKeys=ENV|Env", true},
    {"ForAllValues:NumericLessThan", "k:Sizes", "10", "k:Sizes=1|9", true},
    {"ForAllValues:NumericLessThan", "k:Sizes", "10", "k:Sizes=1|10", false},
    {"ForAllValues:ArnLike", "k:Arns", "arn:aws:iam::1:role/*", "k:Arns=arn:aws:iam::1:role/a|arn:aws:iam::1:role/b", true},
    {"ForAllValues:ArnLike", "k:Arns", "arn:aws:iam::1:role/*", "k:Arns=arn:aws:iam::1:role/a|arn:aws:iam::2:role/b", false},
    {"StringEquals", "aws:TagKeys", "env", "aws:TagKeys=cost|env", true},
    {"StringEquals", "aws:TagKeys", "env", "aws:TagKeys=cost|team", false},
    {"StringNotEquals", "aws:TagKeys", "env", "aws:TagKeys=cost|env", false},
    {"StringNotEquals", "aws:TagKeys", "env", "aws:TagKeys=", true},
};
// clang-format on
TEST(ConditionMatrix, SetOperators) { RUN(kSets); }

// IAM UG, "IAM policy elements: Variables and tags": ${key} takes the
// request's value; ${key, 'default'} a default when absent; ${*} ${?} ${$}
// stand for the literal characters; a variable with no value matches
// nothing. Condition key names are case-insensitive ("Condition element").
// clang-format off
constexpr Case kVariables[] = {
    {"StringEquals", "s:Owner", "${aws:username}", "s:Owner=alice;aws:username=alice", true},
    {"StringEquals", "s:Owner", "${aws:username}", "s:Owner=alice;aws:username=bob", false},
    {"StringEquals", "s:Owner", "${aws:username}", "s:Owner=alice", false},
    {"StringEquals", "s:Owner", "${aws:username, 'nobody'}", "s:Owner=nobody", true},
    {"StringEquals", "s:Owner", "${aws:username, 'nobody'}", "s:Owner=alice;aws:username=alice", true},
    {"StringEquals", "s:Owner", "team-${aws:PrincipalTag/team}", "s:Owner=team-red;aws:principaltag/TEAM=red", true},
    {"StringLike", "s:Name", "home/${aws:username}/*", "s:Name=home/alice/x;aws:username=alice", true},
    {"StringLike", "s:Name", "home/${aws:username}/*", "s:Name=home/bob/x;aws:username=alice", false},
    {"StringLike", "s:Name", "a${*}b", "s:Name=a*b", true},
    {"StringLike", "s:Name", "a${*}b", "s:Name=aXb", false},
    {"StringLike", "s:Name", "a${?}b", "s:Name=a?b", true},
    {"StringLike", "s:Name", "a${?}b", "s:Name=aXb", false},
    {"StringEquals", "s:Name", "cost${$}", "s:Name=cost$", true},
    {"StringLike", "s:Name", "${aws:username}", "s:Name=a*;aws:username=a*", true},
    {"StringLike", "s:Name", "${aws:username}", "s:Name=ab;aws:username=a*", false},
    {"StringNotEquals", "s:Owner", "${aws:username}", "s:Owner=alice;aws:username=alice", false},
    {"StringNotEquals", "s:Owner", "${aws:username}", "s:Owner=alice", true},
    {"ArnLike", "aws:SourceArn", "arn:aws:iam::*:user/${aws:username}", "aws:SourceArn=arn:aws:iam::1:user/al;aws:username=al", true},
    {"StringEquals", "AWS:USERNAME", "alice", "aws:username=alice", true},
    {"StringEquals", "aws:username", "alice", "AWS:UserName=alice", true},
    {"StringEquals", "aws:PrincipalTag/Team", "red", "aws:principaltag/team=red", true},
    {"StringEquals", "s:Owner", "${aws:username}", "s:Owner=alice;aws:username=alice|bob", false},
};
// clang-format on
TEST(ConditionMatrix, PolicyVariablesAndKeyCase) { RUN(kVariables); }

// Values an operator cannot read are refused when the policy is compiled
// (stored), so a Deny never silently stops matching.
TEST(ConditionMatrix, UnreadableValuesRefused) {
  const PolicyCondition bad[] = {
      {"NumericEquals", "k", {"ten"}},
      {"DateLessThan", "k", {"tomorrow"}},
      {"Bool", "k", {"yes"}},
      {"IpAddress", "k", {"10.0.0.0/33"}},
      {"IpAddress", "k", {"300.0.0.1"}},
      {"NullIfExists", "k", {"true"}},
      {"StringFoo", "k", {"x"}},
      {"Null", "k", {"maybe"}},
      {"NumericEquals", "k", {"inf"}},
      {"DateEquals", "k", {"2026-13-01"}},
  };
  for (const PolicyCondition& c : bad) {
    auto r = CompiledCondition::Compile(c, true);
    EXPECT_FALSE(r.ok()) << c.op << " " << c.values[0];
    if (!r.ok()) {
      EXPECT_EQ(r.status().reason(), kMalformedPolicyDocument);
    }
  }
  EXPECT_EQ(ParseDate("1970-01-02T00:00:00Z"), 86400.0);
  EXPECT_EQ(ParseDate("2026-01-01T00:00:00Z"), 1767225600.0);
  EXPECT_FALSE(ParseCidr("1.2.3.4/").has_value());
}

// Policy variables are a feature of Version 2012-10-17 only; under
// 2008-10-17 "${aws:username}" is literal text (IAM UG, "Version").
TEST(ConditionMatrix, VariablesNeedVersion2012) {
  auto c = CompiledCondition::Compile({"StringEquals", "s:Owner", {"${aws:username}"}}, false);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->Evaluate(ParseContext("s:Owner=${aws:username};aws:username=alice")));
  EXPECT_FALSE(c->Evaluate(ParseContext("s:Owner=alice;aws:username=alice")));
}

}  // namespace
}  // namespace coffer::auth::policy
