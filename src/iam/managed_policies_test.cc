#include "iam/iam_test_fixture.h"

namespace coffer::iam::testing {
namespace {

class ManagedPoliciesTest : public IamTest {
 protected:
  std::string CreatePolicy(const std::string& name) {
    auto d = Ok("CreatePolicy", R"({"PolicyName":")" + name + R"(","Description":"desc",
        "PolicyDocument":)" + Quote(AllowPolicy("secretsmanager:*")) +
                                    "}");
    return d.IsObject() ? d["Policy"]["Arn"].GetString() : "";
  }
  std::string ArnJson(const std::string& arn) { return R"({"PolicyArn":")" + arn + "\""; }
};

TEST_F(ManagedPoliciesTest, CreateGetAndVersions) {
  const std::string arn = CreatePolicy("p");
  EXPECT_EQ(arn, Arn("policy/p"));
  auto got = Ok("GetPolicy", ArnJson(arn) + "}");
  EXPECT_STREQ(got["Policy"]["DefaultVersionId"].GetString(), "v1");
  EXPECT_EQ(std::string(got["Policy"]["PolicyId"].GetString()).substr(0, 4), "ANPA");
  EXPECT_STREQ(got["Policy"]["Description"].GetString(), "desc");
  EXPECT_EQ(got["Policy"]["AttachmentCount"].GetInt(), 0);
  ExpectError(
      "CreatePolicy", R"({"PolicyName":"P","PolicyDocument":)" + Quote(AllowPolicy("kms:*")) + "}",
      "EntityAlreadyExists", "A policy called P already exists. Duplicate names are not allowed.");

  const std::string doc2 = Quote(AllowPolicy("kms:*"));
  auto v2 = Ok("CreatePolicyVersion",
               ArnJson(arn) + R"(,"PolicyDocument":)" + doc2 + R"(,"SetAsDefault":true})");
  EXPECT_STREQ(v2["PolicyVersion"]["VersionId"].GetString(), "v2");
  EXPECT_TRUE(v2["PolicyVersion"]["IsDefaultVersion"].GetBool());
  for (int i = 3; i <= 5; ++i)
    Ok("CreatePolicyVersion", ArnJson(arn) + R"(,"PolicyDocument":)" + doc2 + "}");
  ExpectError("CreatePolicyVersion", ArnJson(arn) + R"(,"PolicyDocument":)" + doc2 + "}",
              "LimitExceeded",
              "A managed policy can have up to 5 versions. Before you create a new version, you "
              "must delete an existing version.");
  auto versions = Ok("ListPolicyVersions", ArnJson(arn) + "}");
  ASSERT_EQ(versions["Versions"].Size(), 5u);
  EXPECT_STREQ(versions["Versions"][0]["VersionId"].GetString(), "v5");

  auto v1 = Ok("GetPolicyVersion", ArnJson(arn) + R"(,"VersionId":"v1"})");
  EXPECT_FALSE(v1["PolicyVersion"]["IsDefaultVersion"].GetBool());
  EXPECT_NE(std::string(v1["PolicyVersion"]["Document"].GetString()).find("secretsmanager%3A%2A"),
            std::string::npos);
  ExpectError("GetPolicyVersion", ArnJson(arn) + R"(,"VersionId":"v9"})", "NoSuchEntity",
              "Policy " + arn + " version v9 does not exist or is not attachable.");

  ExpectError("DeletePolicyVersion", ArnJson(arn) + R"(,"VersionId":"v2"})", "DeleteConflict",
              "Cannot delete the default version of a policy.");
  Ok("SetDefaultPolicyVersion", ArnJson(arn) + R"(,"VersionId":"v1"})");
  ExpectError("DeletePolicy", ArnJson(arn) + "}", "DeleteConflict",
              "This policy has more than one version. Before you delete a policy, you must delete "
              "the policy's versions. The default version is deleted with the policy.");
  for (const char* v : {"v2", "v3", "v4", "v5"})
    Ok("DeletePolicyVersion", ArnJson(arn) + R"(,"VersionId":")" + v + "\"}");
  // Version ids are never reused.
  auto v6 = Ok("CreatePolicyVersion", ArnJson(arn) + R"(,"PolicyDocument":)" + doc2 + "}");
  EXPECT_STREQ(v6["PolicyVersion"]["VersionId"].GetString(), "v6");
  Ok("DeletePolicyVersion", ArnJson(arn) + R"(,"VersionId":"v6"})");
  Ok("TagPolicy", ArnJson(arn) + R"(,"Tags":[{"Key":"k","Value":"v"}]})");
  EXPECT_EQ(Ok("ListPolicyTags", ArnJson(arn) + "}")["Tags"].Size(), 1u);
  EXPECT_STREQ(Ok("GetPolicy", ArnJson(arn) + "}")["Policy"]["Tags"][0]["Key"].GetString(), "k");
  Ok("UntagPolicy", ArnJson(arn) + R"(,"TagKeys":["k"]})");
  EXPECT_EQ(Ok("ListPolicyTags", ArnJson(arn) + "}")["Tags"].Size(), 0u);
  Ok("DeletePolicy", ArnJson(arn) + "}");
  ExpectError("GetPolicy", ArnJson(arn) + "}", "NoSuchEntity", "Policy " + arn + " was not found.");
}

TEST_F(ManagedPoliciesTest, AttachCountsAndDeleteConflict) {
  const std::string arn = CreatePolicy("p");
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("CreateGroup", R"({"GroupName":"g"})");
  Ok("AttachUserPolicy", R"({"UserName":"bob","PolicyArn":")" + arn + "\"}");
  Ok("AttachUserPolicy", R"({"UserName":"bob","PolicyArn":")" + arn + "\"}");  // idempotent
  Ok("AttachGroupPolicy", R"({"GroupName":"g","PolicyArn":")" + arn + "\"}");
  EXPECT_EQ(Ok("GetPolicy", ArnJson(arn) + "}")["Policy"]["AttachmentCount"].GetInt(), 2);
  ExpectError("DeletePolicy", ArnJson(arn) + "}", "DeleteConflict",
              "Cannot delete a policy attached to entities.");
  auto attached = Ok("ListAttachedUserPolicies", R"({"UserName":"bob"})");
  ASSERT_EQ(attached["AttachedPolicies"].Size(), 1u);
  EXPECT_STREQ(attached["AttachedPolicies"][0]["PolicyName"].GetString(), "p");
  Ok("DetachUserPolicy", R"({"UserName":"bob","PolicyArn":")" + arn + "\"}");
  ExpectError("DetachUserPolicy", R"({"UserName":"bob","PolicyArn":")" + arn + "\"}",
              "NoSuchEntity");
  Ok("DetachGroupPolicy", R"({"GroupName":"g","PolicyArn":")" + arn + "\"}");
  EXPECT_EQ(Ok("GetPolicy", ArnJson(arn) + "}")["Policy"]["AttachmentCount"].GetInt(), 0);

  ExpectError("AttachUserPolicy",
              R"({"UserName":"bob","PolicyArn":"arn:aws:iam::aws:policy/NoSuchThing"})",
              "NoSuchEntity",
              "Policy arn:aws:iam::aws:policy/NoSuchThing does not exist or is not attachable.");
  Ok("DeletePolicy", ArnJson(arn) + "}");
}

TEST_F(ManagedPoliciesTest, AwsManagedPoliciesAreBuiltInAndReadOnly) {
  const std::string admin = "arn:aws:iam::aws:policy/AdministratorAccess";
  auto got = Ok("GetPolicy", ArnJson(admin) + "}");
  EXPECT_STREQ(got["Policy"]["PolicyName"].GetString(), "AdministratorAccess");
  auto v = Ok("GetPolicyVersion", ArnJson(admin) + R"(,"VersionId":"v1"})");
  EXPECT_TRUE(v["PolicyVersion"]["IsDefaultVersion"].GetBool());
  ExpectError("DeletePolicy", ArnJson(admin) + "}", "UnmodifiableEntity");
  ExpectError("CreatePolicyVersion",
              ArnJson(admin) + R"(,"PolicyDocument":)" + Quote(AllowPolicy("kms:*")) + "}",
              "UnmodifiableEntity");

  CreatePolicy("mine");
  auto all = Ok("ListPolicies", "{}");
  EXPECT_EQ(all["Policies"].Size(), 7u);
  auto local = Ok("ListPolicies", R"({"Scope":"Local"})");
  ASSERT_EQ(local["Policies"].Size(), 1u);
  EXPECT_STREQ(local["Policies"][0]["PolicyName"].GetString(), "mine");
  EXPECT_EQ(Ok("ListPolicies", R"({"Scope":"AWS"})")["Policies"].Size(), 6u);
  EXPECT_EQ(Ok("ListPolicies", R"({"OnlyAttached":true})")["Policies"].Size(), 0u);
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("AttachUserPolicy", R"({"UserName":"bob","PolicyArn":")" + admin + "\"}");
  auto attached = Ok("ListPolicies", R"({"OnlyAttached":true})");
  ASSERT_EQ(attached["Policies"].Size(), 1u);
  EXPECT_EQ(attached["Policies"][0]["AttachmentCount"].GetInt(), 1);
  auto page = Ok("ListPolicies", R"({"MaxItems":3})");
  EXPECT_EQ(page["Policies"].Size(), 3u);
  EXPECT_TRUE(page["IsTruncated"].GetBool());
}

TEST_F(ManagedPoliciesTest, PermissionsBoundaries) {
  const std::string arn = CreatePolicy("boundary");
  Ok("CreateUser", R"({"UserName":"bob","PermissionsBoundary":")" + arn + "\"}");
  auto u = Ok("GetUser", R"({"UserName":"bob"})");
  EXPECT_EQ(u["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"].GetString(), arn);
  EXPECT_EQ(Ok("GetPolicy", ArnJson(arn) + "}")["Policy"]["PermissionsBoundaryUsageCount"].GetInt(),
            1);
  ExpectError("DeletePolicy", ArnJson(arn) + "}", "DeleteConflict");
  Ok("DeleteUserPermissionsBoundary", R"({"UserName":"bob"})");
  EXPECT_FALSE(Ok("GetUser", R"({"UserName":"bob"})")["User"].HasMember("PermissionsBoundary"));
  Ok("CreateRole",
     R"({"RoleName":"r","AssumeRolePolicyDocument":)" +
         Quote(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},)"
               R"("Action":"sts:AssumeRole"}]})") +
         "}");
  Ok("PutRolePermissionsBoundary", R"({"RoleName":"r","PermissionsBoundary":")" + arn + "\"}");
  EXPECT_EQ(
      Ok("GetRole", R"({"RoleName":"r"})")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
          .GetString(),
      arn);
  ExpectError("PutRolePermissionsBoundary",
              R"({"RoleName":"r","PermissionsBoundary":"arn:aws:iam::123456789012:policy/none"})",
              "NoSuchEntity");
  Ok("DeleteRole", R"({"RoleName":"r"})");
  EXPECT_EQ(Ok("GetPolicy", ArnJson(arn) + "}")["Policy"]["PermissionsBoundaryUsageCount"].GetInt(),
            0);
  Ok("DeletePolicy", ArnJson(arn) + "}");
}

TEST_F(ManagedPoliciesTest, ListEntitiesForPolicy) {
  const std::string arn = CreatePolicy("p");
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("CreateUser", R"({"UserName":"carol","PermissionsBoundary":")" + arn + "\"}");
  Ok("CreateGroup", R"({"GroupName":"g"})");
  Ok("AttachUserPolicy", R"({"UserName":"bob","PolicyArn":")" + arn + "\"}");
  Ok("AttachGroupPolicy", R"({"GroupName":"g","PolicyArn":")" + arn + "\"}");
  auto all = Ok("ListEntitiesForPolicy", ArnJson(arn) + "}");
  EXPECT_EQ(all["PolicyUsers"].Size(), 2u);
  EXPECT_EQ(all["PolicyGroups"].Size(), 1u);
  EXPECT_EQ(all["PolicyRoles"].Size(), 0u);
  auto attached =
      Ok("ListEntitiesForPolicy", ArnJson(arn) + R"(,"PolicyUsageFilter":"PermissionsPolicy"})");
  ASSERT_EQ(attached["PolicyUsers"].Size(), 1u);
  EXPECT_STREQ(attached["PolicyUsers"][0]["UserName"].GetString(), "bob");
  auto users = Ok("ListEntitiesForPolicy", ArnJson(arn) + R"(,"EntityFilter":"User"})");
  EXPECT_EQ(users["PolicyGroups"].Size(), 0u);
}

}  // namespace
}  // namespace coffer::iam::testing
