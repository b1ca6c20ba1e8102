// Policy documents (policy_document.h): grammar, AWS's error texts, the
// broad-access and lockout checks.

#include "auth/policy/policy_document.h"

#include <gtest/gtest.h>

namespace coffer::auth::policy {
namespace {

constexpr std::string_view kSyntax = "This resource policy contains a syntax error.";

std::string Stmt(const std::string& body) {
  return R"({"Version":"2012-10-17","Statement":[{)" + body + "}]}";
}

std::string ParseError(const std::string& text) {
  auto d = ParsePolicyDocument(text);
  if (d.ok()) return "OK";
  EXPECT_EQ(d.status().reason(), "MalformedPolicyDocumentException");
  return d.status().message();
}

TEST(PolicyDocument, ParsesTheDocumentedExamples) {
  auto d = ParsePolicyDocument(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"]},)"
      R"("Action":["secretsmanager:GetSecret*","secretsmanager:GetSecretValue"],"Resource":"*",)"
      R"("Condition":{"ForAnyValue:StringEquals":{"secretsmanager:VersionStage":["AWSCURRENT"]},"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"x:n":5}}}})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->statements.size(), 1u);
  const PolicyStatement& s = d->statements[0];
  EXPECT_TRUE(s.allow);
  ASSERT_TRUE(s.principal);
  EXPECT_EQ(s.principal->by_type[0].second.size(), 2u);
  EXPECT_EQ(s.actions.size(), 2u);
  ASSERT_EQ(s.conditions.size(), 3u);
  EXPECT_EQ(s.conditions[0].op, "ForAnyValue:StringEquals");
  EXPECT_EQ(s.conditions[1].values, std::vector<std::string>{"true"});
  EXPECT_EQ(s.conditions[2].values, std::vector<std::string>{"5"});
  EXPECT_FALSE(GrantsBroadAccess(*d));
  EXPECT_EQ(
      ParseError(Stmt(
          R"("Sid":"1","Effect":"Deny","NotPrincipal":{"Service":"lambda.amazonaws.com"},"NotAction":"kms:*","NotResource":"arn:aws:kms:us-east-1:1:key/x")")),
      "OK");
  EXPECT_EQ(ParseError(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]})"), "OK");
}

TEST(PolicyDocument, SyntaxErrors) {
  for (
      const std::string& text :
      {std::string("not json"),
       std::string("[]"),
       std::string("{}"),
       std::string(R"({"Version":"2012-10-17"})"),
       std::string(R"({"Version":"2020-01-01","Statement":[]})"),
       std::string(R"({"Version":"2012-10-17","Statement":[]})"),
       std::string(R"({"Version":"2012-10-17","Statement":[],"Extra":1})"),
       Stmt(
           R"("Effect":"AllowSomething","Principal":"*","Action":"secretsmanager:*","Resource":"*")"),
       Stmt(R"("Principal":"*","Action":"secretsmanager:*")"),
       Stmt(R"("Effect":"Allow","Action":"secretsmanager:*")"),
       Stmt(R"("Effect":"Allow","Principal":"*")"),
       Stmt(R"("Effect":"Allow","Principal":"*","Action":"*","NotAction":"x:y")"),
       Stmt(R"("Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"*")"),
       Stmt(R"("Effect":"Allow","Principal":"someone","Action":"*")"),
       Stmt(R"("Effect":"Allow","Principal":{},"Action":"*")"),
       Stmt(R"("Effect":"Allow","Principal":{"Robot":"x"},"Action":"*")"),
       Stmt(R"("Effect":"Allow","Principal":"*","Action":[])"),
       Stmt(R"("Effect":"Allow","Principal":"*","Action":"GetSecretValue")"),
       Stmt(R"("Effect":"Allow","Principal":"*","Action":"*","Resource":"secret")"),
       Stmt(
           R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEqualz":{"a:b":"c"}})"),
       Stmt(
           R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"NullIfExists":{"a:b":"true"}})"),
       Stmt(
           R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"a:b":[]}})"),
       Stmt(
           R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"a:b":{"x":1}}})"),
       Stmt(R"("Effect":"Allow","Principal":"*","Action":"*","Shrug":1)"),
       Stmt(R"("Sid":5,"Effect":"Allow","Principal":"*","Action":"*")")})
    EXPECT_EQ(ParseError(text), kSyntax) << text;
}

TEST(PolicyDocument, PrincipalErrors) {
  EXPECT_EQ(ParseError(Stmt(
                R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123:user/x"},"Action":"*")")),
            "This resource policy contains an unsupported principal.");
  EXPECT_EQ(ParseError(Stmt(R"("Effect":"Allow","Principal":{"AWS":"bob"},"Action":"*")")),
            "This resource policy contains an unsupported principal.");
  EXPECT_EQ(ParseError(Stmt(
                R"("Effect":"Allow","Principal":{"Service":["invalidservice"]},"Action":"*")")),
            "This resource policy contains an invalid service principal.");
  EXPECT_EQ(
      ParseError(Stmt(
          R"("Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/r/s"},"Action":"*")")),
      "OK");
  EXPECT_EQ(
      ParseError(Stmt(
          R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/path/r"},"Action":"*")")),
      "OK");
}

bool Broad(const std::string& body) {
  auto d = ParsePolicyDocument(Stmt(body));
  EXPECT_TRUE(d.ok()) << body << " " << d.status().ToString();
  return d.ok() && GrantsBroadAccess(*d);
}

TEST(PolicyDocument, BroadAccess) {
  EXPECT_TRUE(
      Broad(R"("Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Resource":"*")"));
  EXPECT_TRUE(Broad(
      R"("Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue")"));
  EXPECT_TRUE(Broad(R"("Effect":"Allow","Principal":{"AWS":["123456789012","*"]},"Action":"*")"));
  EXPECT_TRUE(Broad(R"("Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"*")"));
  // Conditions that do not pin the caller leave it broad.
  EXPECT_TRUE(Broad(
      R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}})"));
  EXPECT_TRUE(Broad(
      R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"aws:SourceAccount":"*"}})"));
  EXPECT_TRUE(Broad(
      R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}})"));
  EXPECT_TRUE(Broad(
      R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}})"));
  EXPECT_TRUE(Broad(
      R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-1"}})"));
  // Pinned to an account, org, VPC endpoint or ARN: not broad.
  EXPECT_FALSE(Broad(
      R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}})"));
  EXPECT_FALSE(Broad(
      R"("Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"AWS:SourceVpce":"vpce-1"}})"));
  EXPECT_FALSE(Broad(
      R"("Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/r"}})"));
  // Specific principals and Deny statements are never broad.
  EXPECT_FALSE(Broad(
      R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*")"));
  EXPECT_FALSE(
      Broad(R"("Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"*")"));
  EXPECT_FALSE(Broad(R"("Effect":"Deny","Principal":"*","Action":"*")"));
}

bool Lockout(const std::string& body) {
  auto d = ParsePolicyDocument(Stmt(body));
  EXPECT_TRUE(d.ok()) << body;
  constexpr std::string_view kManagement[] = {"secretsmanager:PutResourcePolicy",
                                              "secretsmanager:DeleteResourcePolicy"};
  return d.ok() && LocksOut(*d, kManagement);
}

TEST(PolicyDocument, Lockout) {
  EXPECT_TRUE(
      Lockout(R"("Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Resource":"*")"));
  EXPECT_TRUE(
      Lockout(R"("Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:PutResource*")"));
  EXPECT_TRUE(
      Lockout(R"("Effect":"Deny","Principal":"*","NotAction":"secretsmanager:GetSecretValue")"));
  EXPECT_FALSE(
      Lockout(R"("Effect":"Deny","Principal":"*","Action":"secretsmanager:GetSecretValue")"));
  EXPECT_FALSE(Lockout(
      R"("Effect":"Deny","Principal":"*","Action":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}})"));
  EXPECT_FALSE(Lockout(R"("Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"*")"));
  EXPECT_FALSE(Lockout(
      R"("Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:secretsmanager:us-east-1:1:secret:other")"));
  EXPECT_FALSE(Lockout(R"("Effect":"Allow","Principal":"*","Action":"*")"));
}

TEST(PolicyDocument, ErrorsAreTyped) {
  auto bad =
      ParsePolicyDocument(Stmt(R"("Effect":"Allow","Principal":{"AWS":"bob"},"Action":"*")"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), kMalformedPolicyDocument);
  EXPECT_EQ(PolicyErrorOf(bad.status()), PolicyError::kUnsupportedPrincipal);
  EXPECT_EQ(bad.status().message(), PolicyErrorMessage(PolicyError::kUnsupportedPrincipal));
  EXPECT_EQ(PolicyErrorOf(ParsePolicyDocument("{").status()), PolicyError::kSyntax);
  EXPECT_EQ(PolicyErrorOf(Status::Internal("x")), std::nullopt);
}

TEST(PolicyDocument, GlobMatch) {
  EXPECT_TRUE(PolicyGlobMatch("secretsmanager:*", "secretsmanager:GetSecretValue"));
  EXPECT_TRUE(PolicyGlobMatch("SecretsManager:getsecret?alue", "secretsmanager:GetSecretValue"));
  EXPECT_TRUE(PolicyGlobMatch("*", ""));
  EXPECT_TRUE(PolicyGlobMatch("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(PolicyGlobMatch("a*b*c", "aXXbYY"));
  EXPECT_FALSE(PolicyGlobMatch("kms:*", "secretsmanager:GetSecretValue"));
  EXPECT_FALSE(PolicyGlobMatch("?", ""));
}

}  // namespace
}  // namespace coffer::auth::policy
