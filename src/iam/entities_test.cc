#include "iam/entities.h"

#include <gtest/gtest.h>

#include "iam/aws_managed.h"

namespace coffer::iam {
namespace {

TEST(EntitiesTest, UserRoundTrip) {
  User u;
  u.account_id = "123456789012";
  u.name = "Bob";
  u.id = NewEntityId("AIDA");
  u.path = "/a/";
  u.arn = EntityArn(u.account_id, kUser, u.path, u.name);
  u.created_ms = 5;
  u.tags = {{"k", "v"}};
  u.boundary_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  u.inline_policies = {{"p", R"({"Statement":[]})"}};
  u.attached = {"arn:aws:iam::aws:policy/IAMFullAccess"};
  u.groups = {"g1", "g2"};
  const storage::IamEntityRecord rec = ToRecord(u);
  EXPECT_EQ(rec.kind, "user");
  EXPECT_EQ(rec.arn, "arn:aws:iam::123456789012:user/a/Bob");
  auto back = UserFromRecord(rec);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->name, "Bob");
  EXPECT_EQ(back->tags, u.tags);
  EXPECT_EQ(back->boundary_arn, u.boundary_arn);
  ASSERT_EQ(back->inline_policies.size(), 1u);
  EXPECT_EQ(back->inline_policies[0].document, R"({"Statement":[]})");
  EXPECT_EQ(back->attached, u.attached);
  EXPECT_EQ(back->groups, u.groups);
  // A record of another kind is not a user.
  storage::IamEntityRecord other = rec;
  other.kind = "role";
  EXPECT_EQ(UserFromRecord(other).status().code(), StatusCode::kDataLoss);
}

TEST(EntitiesTest, RoleAndPolicyRoundTrip) {
  Role r;
  r.account_id = "123456789012";
  r.name = "r";
  r.trust_policy = "{ \"x\": 1 }";
  r.description = "d";
  r.max_session_duration_s = 43200;
  auto role = RoleFromRecord(ToRecord(r));
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(role->trust_policy, r.trust_policy);
  EXPECT_EQ(role->description, "d");
  EXPECT_EQ(role->max_session_duration_s, 43200);

  ManagedPolicy p;
  p.name = "p";
  p.versions = {{"v1", "doc1", 1}, {"v3", "doc3", 3}};
  p.default_version_id = "v3";
  p.next_version = 4;
  p.attachment_count = 2;
  p.boundary_usage_count = 1;
  auto policy = PolicyFromRecord(ToRecord(p));
  ASSERT_TRUE(policy.ok());
  ASSERT_EQ(policy->versions.size(), 2u);
  EXPECT_EQ(policy->DefaultVersion()->document, "doc3");
  EXPECT_EQ(policy->next_version, 4);
  EXPECT_EQ(policy->attachment_count, 2);
  EXPECT_EQ(policy->boundary_usage_count, 1);
  EXPECT_FALSE(policy->description.has_value());
}

TEST(EntitiesTest, IdsHaveAwsShape) {
  const std::string id = NewEntityId("AROA");
  ASSERT_EQ(id.size(), 21u);
  EXPECT_EQ(id.substr(0, 4), "AROA");
  for (char c : id.substr(4)) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'));
  EXPECT_NE(NewEntityId("AROA"), id);
}

TEST(EntitiesTest, ParseIamArn) {
  auto u = ParseIamArn("arn:aws:iam::123456789012:user/div/sub/bob");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->account_id, "123456789012");
  EXPECT_EQ(u->kind, "user");
  EXPECT_EQ(u->path, "/div/sub/");
  EXPECT_EQ(u->name, "bob");
  auto s = ParseIamArn("arn:aws:sts::123456789012:assumed-role/deployer/session-1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, "role");
  EXPECT_EQ(s->name, "deployer");
  auto aws = ParseIamArn("arn:aws:iam::aws:policy/AdministratorAccess");
  ASSERT_TRUE(aws);
  EXPECT_EQ(aws->account_id, "aws");
  EXPECT_FALSE(ParseIamArn("arn:aws:iam::123456789012:root"));
  EXPECT_FALSE(ParseIamArn("arn:aws:iam::123456789012:user/"));
  EXPECT_FALSE(ParseIamArn("arn:aws:s3:::bucket"));
  EXPECT_FALSE(ParseIamArn("arn:aws:sts::123456789012:federated-user/x"));
}

TEST(EntitiesTest, PolicyValidationTexts) {
  EXPECT_TRUE(
      ValidateIdentityPolicy(
          R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})")
          .ok());
  auto bad = ValidateIdentityPolicy("not json");
  EXPECT_EQ(bad.reason(), "MalformedPolicyDocument");
  EXPECT_EQ(bad.message(), "Syntax errors in policy.");
  EXPECT_EQ(ValidateIdentityPolicy(
                R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})")
                .message(),
            "Policy document should not specify a principal.");
  EXPECT_TRUE(ValidateTrustPolicy(R"({"Statement":[{"Effect":"Allow",)"
                                  R"("Principal":{"Service":"ec2.amazonaws.com"},)"
                                  R"("Action":"sts:AssumeRole"}]})")
                  .ok());
  EXPECT_EQ(ValidateTrustPolicy(R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})")
                .message(),
            "Syntax errors in policy.");
}

TEST(EntitiesTest, AwsManagedPoliciesParse) {
  EXPECT_GE(AwsManagedPolicies().size(), 6u);
  for (const auto& p : AwsManagedPolicies()) {
    EXPECT_TRUE(ValidateIdentityPolicy(p.document).ok()) << p.name;
    EXPECT_EQ(std::string(p.arn), "arn:aws:iam::aws:policy/" + std::string(p.name));
    EXPECT_EQ(FindAwsManagedPolicy(p.arn), &p);
  }
  EXPECT_EQ(FindAwsManagedPolicy("arn:aws:iam::aws:policy/Nope"), nullptr);
}

TEST(EntitiesTest, NamesCompareCaseInsensitively) {
  EXPECT_TRUE(NameEquals("Bob", "bOB"));
  EXPECT_FALSE(NameEquals("Bob", "Bobby"));
  EXPECT_EQ(FoldName("AbC-1"), "abc-1");
}

}  // namespace
}  // namespace coffer::iam
