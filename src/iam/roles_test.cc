#include "iam/iam_test_fixture.h"

namespace coffer::iam::testing {
namespace {

class RolesTest : public IamTest {};

constexpr char kTrust[] = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                          R"("Principal":{"AWS":"arn:aws:iam::123456789012:root"},)"
                          R"("Action":"sts:AssumeRole"}]})";

// What IAM's XML carries: the document percent-encoded (RFC 3986).
constexpr char kTrustEncoded[] =
    "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C"
    "%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Aroot%22%7D%2C"
    "%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";

TEST_F(RolesTest, RoundTripWithEncodedTrustPolicy) {
  auto created = Ok("CreateRole", R"({"RoleName":"deployer","Path":"/ci/","Description":"d",
      "MaxSessionDuration":7200,"Tags":[{"Key":"k","Value":"v"}],"AssumeRolePolicyDocument":)" +
                                      Quote(kTrust) + "}");
  const auto& r = created["Role"];
  EXPECT_EQ(r["Arn"].GetString(), Arn("role/ci/deployer"));
  EXPECT_EQ(std::string(r["RoleId"].GetString()).substr(0, 4), "AROA");
  EXPECT_STREQ(r["AssumeRolePolicyDocument"].GetString(), kTrustEncoded);
  EXPECT_EQ(r["MaxSessionDuration"].GetInt(), 7200);

  auto got = Ok("GetRole", R"({"RoleName":"DEPLOYER"})");
  EXPECT_STREQ(got["Role"]["AssumeRolePolicyDocument"].GetString(), kTrustEncoded);
  EXPECT_STREQ(got["Role"]["Description"].GetString(), "d");
  EXPECT_STREQ(got["Role"]["Tags"][0]["Key"].GetString(), "k");
  EXPECT_TRUE(got["Role"].HasMember("RoleLastUsed"));

  auto list = Ok("ListRoles", R"({"PathPrefix":"/ci/"})");
  ASSERT_EQ(list["Roles"].Size(), 1u);
  EXPECT_EQ(Ok("ListRoles", R"({"PathPrefix":"/other/"})")["Roles"].Size(), 0u);

  Ok("UpdateRole", R"({"RoleName":"deployer","Description":"new","MaxSessionDuration":3600})");
  got = Ok("GetRole", R"({"RoleName":"deployer"})");
  EXPECT_STREQ(got["Role"]["Description"].GetString(), "new");
  EXPECT_EQ(got["Role"]["MaxSessionDuration"].GetInt(), 3600);

  const std::string trust2 = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                             R"("Principal":{"Service":"lambda.amazonaws.com"},)"
                             R"("Action":"sts:AssumeRole"}]})";
  Ok("UpdateAssumeRolePolicy", R"({"RoleName":"deployer","PolicyDocument":)" + Quote(trust2) + "}");
  got = Ok("GetRole", R"({"RoleName":"deployer"})");
  EXPECT_NE(
      std::string(got["Role"]["AssumeRolePolicyDocument"].GetString()).find("lambda.amazonaws.com"),
      std::string::npos);

  Ok("TagRole", R"({"RoleName":"deployer","Tags":[{"Key":"x","Value":"y"}]})");
  Ok("UntagRole", R"({"RoleName":"deployer","TagKeys":["k"]})");
  auto tags = Ok("ListRoleTags", R"({"RoleName":"deployer"})");
  ASSERT_EQ(tags["Tags"].Size(), 1u);
  EXPECT_STREQ(tags["Tags"][0]["Key"].GetString(), "x");
}

TEST_F(RolesTest, Errors) {
  Ok("CreateRole", R"({"RoleName":"r","AssumeRolePolicyDocument":)" + Quote(kTrust) + "}");
  ExpectError("CreateRole", R"({"RoleName":"R","AssumeRolePolicyDocument":)" + Quote(kTrust) + "}",
              "EntityAlreadyExists", "Role with name R already exists.");
  ExpectError("GetRole", R"({"RoleName":"nope"})", "NoSuchEntity",
              "The role with name nope cannot be found.");
  ExpectError("CreateRole", R"({"RoleName":"x","AssumeRolePolicyDocument":"{nope"})",
              "MalformedPolicyDocument", "Syntax errors in policy.");
  const std::string with_resource =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole",)"
      R"("Resource":"*"}]})";
  ExpectError("CreateRole",
              R"({"RoleName":"x","AssumeRolePolicyDocument":)" + Quote(with_resource) + "}",
              "MalformedPolicyDocument", "Has prohibited field Resource.");
}

TEST_F(RolesTest, DeleteRoleConflicts) {
  Ok("CreateRole", R"({"RoleName":"r","AssumeRolePolicyDocument":)" + Quote(kTrust) + "}");
  Ok("PutRolePolicy",
     R"({"RoleName":"r","PolicyName":"p","PolicyDocument":)" + Quote(AllowPolicy("kms:*")) + "}");
  ExpectError("DeleteRole", R"({"RoleName":"r"})", "DeleteConflict",
              "Cannot delete entity, must delete policies first.");
  EXPECT_EQ(Ok("ListInstanceProfilesForRole", R"({"RoleName":"r"})")["InstanceProfiles"].Size(),
            0u);
  auto got = Ok("GetRolePolicy", R"({"RoleName":"r","PolicyName":"p"})");
  EXPECT_EQ(std::string(got["PolicyDocument"].GetString()).substr(0, 9), "%7B%22Ver");
  Ok("DeleteRolePolicy", R"({"RoleName":"r","PolicyName":"p"})");
  ExpectError("GetRolePolicy", R"({"RoleName":"r","PolicyName":"p"})", "NoSuchEntity",
              "The role policy with name p cannot be found.");
  Ok("AttachRolePolicy",
     R"({"RoleName":"r","PolicyArn":"arn:aws:iam::aws:policy/PowerUserAccess"})");
  ExpectError("DeleteRole", R"({"RoleName":"r"})", "DeleteConflict",
              "Cannot delete entity, must detach all policies first.");
  Ok("DetachRolePolicy",
     R"({"RoleName":"r","PolicyArn":"arn:aws:iam::aws:policy/PowerUserAccess"})");
  Ok("DeleteRole", R"({"RoleName":"r"})");
  ExpectError("GetRole", R"({"RoleName":"r"})", "NoSuchEntity");
  ExpectError("ListInstanceProfilesForRole", R"({"RoleName":"r"})", "NoSuchEntity");
}

TEST_F(RolesTest, InlinePoliciesListedByName) {
  Ok("CreateRole", R"({"RoleName":"r","AssumeRolePolicyDocument":)" + Quote(kTrust) + "}");
  for (const char* name : {"b", "a", "c"}) {
    Ok("PutRolePolicy", R"({"RoleName":"r","PolicyName":")" + std::string(name) +
                            R"(","PolicyDocument":)" + Quote(AllowPolicy("kms:*")) + "}");
  }
  auto list = Ok("ListRolePolicies", R"({"RoleName":"r","MaxItems":2})");
  ASSERT_EQ(list["PolicyNames"].Size(), 2u);
  EXPECT_STREQ(list["PolicyNames"][0].GetString(), "a");
  EXPECT_TRUE(list["IsTruncated"].GetBool());
  const std::string identity_with_principal =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":"*","Action":"kms:*","Resource":"*"}]})";
  ExpectError("PutRolePolicy",
              R"({"RoleName":"r","PolicyName":"x","PolicyDocument":)" +
                  Quote(identity_with_principal) + "}",
              "MalformedPolicyDocument", "Policy document should not specify a principal.");
}

TEST_F(RolesTest, OtherHoldersAndVerbs) {
  Ok("CreateRole", R"({"RoleName":"r","AssumeRolePolicyDocument":)" + Quote(kTrust) + "}");
  auto d = Ok("UpdateRoleDescription", R"({"RoleName":"r","Description":"hello"})");
  EXPECT_STREQ(d["Role"]["Description"].GetString(), "hello");
  Ok("AttachRolePolicy",
     R"({"RoleName":"r","PolicyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"})");
  auto attached = Ok("ListAttachedRolePolicies", R"({"RoleName":"r"})");
  ASSERT_EQ(attached["AttachedPolicies"].Size(), 1u);
  EXPECT_STREQ(attached["AttachedPolicies"][0]["PolicyName"].GetString(), "ReadOnlyAccess");
  Ok("PutRolePermissionsBoundary",
     R"({"RoleName":"r","PermissionsBoundary":"arn:aws:iam::aws:policy/PowerUserAccess"})");
  Ok("DeleteRolePermissionsBoundary", R"({"RoleName":"r"})");
  EXPECT_FALSE(Ok("GetRole", R"({"RoleName":"r"})")["Role"].HasMember("PermissionsBoundary"));

  Ok("CreateUser", R"({"UserName":"u"})");
  Ok("PutUserPolicy",
     R"({"UserName":"u","PolicyName":"p","PolicyDocument":)" + Quote(AllowPolicy("s3:*")) + "}");
  auto up = Ok("GetUserPolicy", R"({"UserName":"u","PolicyName":"p"})");
  EXPECT_STREQ(up["UserName"].GetString(), "u");
  EXPECT_EQ(Ok("ListUserPolicies", R"({"UserName":"u"})")["PolicyNames"].Size(), 1u);
  ExpectError("GetUserPolicy", R"({"UserName":"u","PolicyName":"q"})", "NoSuchEntity",
              "The user policy with name q cannot be found.");

  Ok("CreateGroup", R"({"GroupName":"g"})");
  Ok("PutGroupPolicy",
     R"({"GroupName":"g","PolicyName":"p","PolicyDocument":)" + Quote(AllowPolicy("s3:*")) + "}");
  EXPECT_STREQ(
      Ok("GetGroupPolicy", R"({"GroupName":"g","PolicyName":"p"})")["GroupName"].GetString(), "g");
  Ok("AttachGroupPolicy",
     R"({"GroupName":"g","PolicyArn":"arn:aws:iam::aws:policy/IAMFullAccess"})");
  EXPECT_EQ(Ok("ListAttachedGroupPolicies", R"({"GroupName":"g"})")["AttachedPolicies"].Size(), 1u);
  ExpectError("ListAttachedGroupPolicies", R"({"GroupName":"none"})", "NoSuchEntity",
              "The group with name none cannot be found.");
}

}  // namespace
}  // namespace coffer::iam::testing
