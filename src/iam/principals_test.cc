#include "iam/principals.h"

#include "iam/entities.h"
#include "iam/iam_test_fixture.h"

namespace coffer::iam::testing {
namespace {

using auth::policy::AccessRequest;
using auth::policy::Caller;
using auth::policy::CompiledPolicyCache;

class PrincipalsTest : public IamTest {
 protected:
  // A Caller for `arn` with the policies LoadPrincipalPolicies finds.
  Caller CallerFor(const std::string& arn) {
    auto txn = Txn();
    auto loaded = LoadPrincipalPolicies(*txn, kAccount, arn, cache_);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    Caller c;
    c.principal.type = auth::policy::PrincipalType::kUser;
    c.principal.arn = arn;
    c.principal.account = kAccount;
    if (loaded.ok()) c.policies = *loaded;
    return c;
  }
  bool Allowed(const Caller& c, std::string_view action, std::string_view resource = "*") {
    AccessRequest req;
    req.action = action;
    req.resource = resource;
    return auth::policy::Decide(c, req).allowed;
  }
  CompiledPolicyCache cache_;
};

TEST_F(PrincipalsTest, UserPoliciesAreUnionOfUserAndGroupsWithinBoundary) {
  Ok("CreateUser", R"({"UserName":"bob","Tags":[{"Key":"team","Value":"red"}]})");
  Ok("PutUserPolicy", R"({"UserName":"bob","PolicyName":"kms","PolicyDocument":)" +
                          Quote(AllowPolicy("kms:Encrypt")) + "}");
  Ok("CreateGroup", R"({"GroupName":"g"})");
  Ok("AddUserToGroup", R"({"GroupName":"g","UserName":"bob"})");
  Ok("PutGroupPolicy", R"({"GroupName":"g","PolicyName":"sm","PolicyDocument":)" +
                           Quote(AllowPolicy("secretsmanager:GetSecretValue")) + "}");
  Ok("AttachGroupPolicy",
     R"({"GroupName":"g","PolicyArn":"arn:aws:iam::aws:policy/IAMReadOnlyAccess"})");

  Caller bob = CallerFor(Arn("user/bob"));
  ASSERT_TRUE(bob.policies);
  EXPECT_EQ(bob.policies->identity.size(), 3u);
  EXPECT_TRUE(bob.policies->boundary.empty());
  EXPECT_TRUE(Allowed(bob, "kms:Encrypt"));
  EXPECT_TRUE(Allowed(bob, "secretsmanager:GetSecretValue"));
  EXPECT_TRUE(Allowed(bob, "iam:GetUser"));
  EXPECT_FALSE(Allowed(bob, "iam:CreateUser"));

  // A boundary allowing only kms:* limits the union.
  auto b = Ok("CreatePolicy",
              R"({"PolicyName":"only-kms","PolicyDocument":)" + Quote(AllowPolicy("kms:*")) + "}");
  Ok("PutUserPermissionsBoundary", R"({"UserName":"bob","PermissionsBoundary":")" +
                                       std::string(b["Policy"]["Arn"].GetString()) + "\"}");
  bob = CallerFor(Arn("user/bob"));
  EXPECT_EQ(bob.policies->boundary.size(), 1u);
  EXPECT_TRUE(Allowed(bob, "kms:Encrypt"));
  EXPECT_FALSE(Allowed(bob, "secretsmanager:GetSecretValue"));

  auto txn = Txn();
  auto info = FindPrincipal(*txn, kAccount, Arn("user/bob"));
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->kind, "user");
  EXPECT_EQ((*info)->id.substr(0, 4), "AIDA");
  ASSERT_EQ((*info)->tags.size(), 1u);
  EXPECT_EQ((*info)->tags[0].value, "red");
}

TEST_F(PrincipalsTest, ManagedPolicyDefaultVersionApplies) {
  auto p = Ok("CreatePolicy",
              R"({"PolicyName":"p","PolicyDocument":)" + Quote(AllowPolicy("kms:Decrypt")) + "}");
  const std::string arn = p["Policy"]["Arn"].GetString();
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("AttachUserPolicy", R"({"UserName":"bob","PolicyArn":")" + arn + "\"}");
  EXPECT_TRUE(Allowed(CallerFor(Arn("user/bob")), "kms:Decrypt"));
  Ok("CreatePolicyVersion", R"({"PolicyArn":")" + arn +
                                R"(","SetAsDefault":true,"PolicyDocument":)" +
                                Quote(AllowPolicy("kms:Encrypt")) + "}");
  Caller bob = CallerFor(Arn("user/bob"));
  EXPECT_FALSE(Allowed(bob, "kms:Decrypt"));
  EXPECT_TRUE(Allowed(bob, "kms:Encrypt"));
}

TEST_F(PrincipalsTest, RolesAndSessions) {
  const std::string trust = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                            R"("Principal":{"AWS":"arn:aws:iam::123456789012:root"},)"
                            R"("Action":"sts:AssumeRole"}]})";
  Ok("CreateRole", R"({"RoleName":"r","Path":"/app/","MaxSessionDuration":7200,
      "Tags":[{"Key":"env","Value":"prod"}],"AssumeRolePolicyDocument":)" +
                       Quote(trust) + "}");
  Ok("AttachRolePolicy",
     R"({"RoleName":"r","PolicyArn":"arn:aws:iam::aws:policy/SecretsManagerReadWrite"})");
  auto txn = Txn();
  auto role = FindRoleByArn(*txn, Arn("role/app/r"));
  ASSERT_TRUE(role.ok() && role->has_value());
  EXPECT_EQ((*role)->name, "r");
  EXPECT_EQ((*role)->trust_policy, trust);  // verbatim
  EXPECT_EQ((*role)->max_session_duration_s, 7200);
  EXPECT_EQ((*role)->account_id, kAccount);
  ASSERT_EQ((*role)->tags.size(), 1u);
  auto wrong_path = FindRoleByArn(*txn, Arn("role/r"));
  ASSERT_TRUE(wrong_path.ok());
  EXPECT_FALSE(wrong_path->has_value());

  const std::string session = "arn:aws:sts::123456789012:assumed-role/r/s1";
  auto policies = LoadPrincipalPolicies(*txn, kAccount, session, cache_);
  ASSERT_TRUE(policies.ok()) << policies.status().ToString();
  EXPECT_EQ((*policies)->identity.size(), 1u);
  auto info = FindPrincipal(*txn, kAccount, session);
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->kind, "role");
  EXPECT_EQ((*info)->id.substr(0, 4), "AROA");

  auto missing = LoadPrincipalPolicies(*txn, kAccount, Arn("user/nobody"), cache_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto other_account =
      LoadPrincipalPolicies(*txn, "999999999999", "arn:aws:iam::999999999999:user/x", cache_);
  EXPECT_FALSE(other_account.ok());
}

TEST_F(PrincipalsTest, EnsureAdministratorCreatesAdminOnce) {
  {
    auto txn = Txn(true);
    ASSERT_TRUE(EnsureAdministrator(*txn, kAccount, kStartMs).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto u = Ok("GetUser", R"({"UserName":"admin"})");
  EXPECT_EQ(u["User"]["Arn"].GetString(), Arn("user/admin"));
  const std::string id = u["User"]["UserId"].GetString();
  {
    auto txn = Txn(true);
    ASSERT_TRUE(EnsureAdministrator(*txn, kAccount, kStartMs + 1).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(std::string(Ok("GetUser", R"({"UserName":"admin"})")["User"]["UserId"].GetString()),
            id);
  Caller admin = CallerFor(Arn("user/admin"));
  EXPECT_TRUE(Allowed(admin, "iam:CreateUser"));
  EXPECT_TRUE(Allowed(admin, "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:x"));
  auto attached = Ok("ListAttachedUserPolicies", R"({"UserName":"admin"})");
  EXPECT_STREQ(attached["AttachedPolicies"][0]["PolicyName"].GetString(), "AdministratorAccess");
}

TEST_F(PrincipalsTest, SimulatePrincipalAndCustomPolicy) {
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("PutUserPolicy", R"({"UserName":"bob","PolicyName":"p","PolicyDocument":)" +
                          Quote(R"({"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":"kms:*","Resource":"*"},
          {"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]})") +
                          "}");
  auto r = Ok("SimulatePrincipalPolicy",
              R"({"PolicySourceArn":")" + Arn("user/bob") +
                  R"(","ActionNames":["kms:Encrypt",
      "kms:ScheduleKeyDeletion","s3:GetObject"],)"
                  R"("ResourceArns":["arn:aws:kms:us-east-1:123456789012:key/k"]})");
  const auto& results = r["EvaluationResults"];
  ASSERT_EQ(results.Size(), 3u);
  EXPECT_STREQ(results[0]["EvalDecision"].GetString(), "allowed");
  EXPECT_STREQ(results[1]["EvalDecision"].GetString(), "explicitDeny");
  EXPECT_STREQ(results[2]["EvalDecision"].GetString(), "implicitDeny");
  EXPECT_STREQ(results[2]["EvalResourceName"].GetString(),
               "arn:aws:kms:us-east-1:123456789012:key/k");
  EXPECT_EQ(results[0]["MissingContextValues"].Size(), 0u);

  const std::string conditional =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Action":"s3:*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"aws:RequestTag/team":"red"}}}]})";
  auto c = Ok("SimulateCustomPolicy", R"({"PolicyInputList":[)" + Quote(conditional) +
                                          R"(],"ActionNames":["s3:PutObject"],
      "ContextEntries":[{"ContextKeyName":"aws:RequestTag/team","ContextKeyValues":["red"],
      "ContextKeyType":"string"}]})");
  EXPECT_STREQ(c["EvaluationResults"][0]["EvalDecision"].GetString(), "allowed");
  EXPECT_STREQ(c["EvaluationResults"][0]["EvalResourceName"].GetString(), "*");
  auto d = Ok("SimulateCustomPolicy", R"({"PolicyInputList":[)" + Quote(conditional) +
                                          R"(],"ActionNames":["s3:PutObject"]})");
  EXPECT_STREQ(d["EvaluationResults"][0]["EvalDecision"].GetString(), "implicitDeny");
  ExpectError("SimulatePrincipalPolicy",
              R"({"PolicySourceArn":")" + Arn("user/nobody") + R"(","ActionNames":["s3:x"]})",
              "InvalidInput");
}

}  // namespace
}  // namespace coffer::iam::testing
