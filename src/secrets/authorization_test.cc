// Authorization of the secrets operations (authorization.h): identity and
// resource policies, cross-account access, the KMS key under a secret, and
// condition keys.

#include "secrets/authorization.h"

#include "secrets/authz_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

constexpr char kSession[] = "arn:aws:sts::123456789012:assumed-role/runner/s1";
constexpr char kNoIdentity[] = "because no identity-based policy allows the ";

TEST_F(SecretsAuthzTest, RoleAllowedOneSecretReadsOnlyThat) {
  const std::string x = Secret("X"), y = Secret("Y");
  RequestContext role =
      Role({IdentityPolicy(Allow(R"("secretsmanager:GetSecretValue")", "\"" + x + "\""))});
  Reply r = Get(role, "X");
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  EXPECT_STREQ(r.doc["SecretString"].GetString(), "v");

  r = Get(role, y);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(),
            Denied(kSession, "secretsmanager:GetSecretValue", y,
                   std::string(kNoIdentity) + "secretsmanager:GetSecretValue action"));

  r = Call("PutSecretValue",
           R"({"SecretId":"X","SecretString":"w","ClientRequestToken":")" + Token(1) + "\"}",
           &role);
  EXPECT_EQ(r.status.reason(), "AccessDeniedException");
  r = Call("DeleteSecret", R"({"SecretId":"X"})", &role);
  EXPECT_EQ(r.status.reason(), "AccessDeniedException");
  r = Call("ListSecrets", "{}", &role);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(),
            Denied(kSession, "secretsmanager:ListSecrets", "",
                   std::string(kNoIdentity) + "secretsmanager:ListSecrets action"));
}

TEST_F(SecretsAuthzTest, MissingSecretIsDeniedOrNotFoundAsTheCallerMayAct) {
  Secret("X");
  RequestContext narrow = Role(
      {IdentityPolicy(Allow(R"("secretsmanager:GetSecretValue")",
                            R"("arn:aws:secretsmanager:us-east-1:123456789012:secret:X-*")"))});
  Reply r = Get(narrow, "nothing");
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(),
            Denied(kSession, "secretsmanager:GetSecretValue",
                   "arn:aws:secretsmanager:us-east-1:123456789012:secret:nothing",
                   std::string(kNoIdentity) + "secretsmanager:GetSecretValue action"));
  RequestContext broad = Role({IdentityPolicy(Allow(R"("secretsmanager:*")"))});
  EXPECT_EQ(Get(broad, "nothing").status.reason(), "ResourceNotFoundException");
  EXPECT_EQ(Call("DescribeSecret", R"({"SecretId":"nothing"})", &broad).status.reason(),
            "ResourceNotFoundException");
}

TEST_F(SecretsAuthzTest, ResourcePolicyAloneAllowsTheRoleInItsAccount) {
  const std::string x = Secret("X");
  PutPolicy(x, Grant("Allow", R"("arn:aws:iam::123456789012:role/runner")",
                     R"("secretsmanager:GetSecretValue")"));
  RequestContext role = Role({});
  EXPECT_TRUE(Get(role, x).ok());
  EXPECT_EQ(Call("DescribeSecret", R"({"SecretId":"X"})", &role).status.reason(),
            "AccessDeniedException");
}

TEST_F(SecretsAuthzTest, ExplicitDenyInResourcePolicyWins) {
  const std::string x = Secret("X");
  PutPolicy(x, Grant("Deny", R"("*")", R"("secretsmanager:GetSecretValue")"));
  RequestContext role = Role({IdentityPolicy(Allow(R"("secretsmanager:*")"))});
  Reply r = Get(role, "X");
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(), Denied(kSession, "secretsmanager:GetSecretValue", x,
                                       "with an explicit deny in a resource-based policy"));
  EXPECT_TRUE(Call("DescribeSecret", R"({"SecretId":"X"})", &role).ok());
}

TEST_F(SecretsAuthzTest, CrossAccountNeedsBothSidesAndTheKey) {
  const std::string key = KeyWithPolicy(
      IdentityPolicy(Grant("Allow", R"("arn:aws:iam::123456789012:root")", R"("kms:*")") + "," +
                     Grant("Allow", R"("arn:aws:iam::111122223333:root")", R"("kms:Decrypt")")));
  const std::string x = Secret("X", key);
  const std::string other_session = "arn:aws:sts::111122223333:assumed-role/runner/s1";
  RequestContext reader =
      Role(kOther, {IdentityPolicy(Allow(R"(["secretsmanager:GetSecretValue","kms:Decrypt"])"))});
  // Identity side only: the owner's resource policy must allow too.
  Reply r = Get(reader, x);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(),
            Denied(other_session, "secretsmanager:GetSecretValue", x,
                   "because no resource-based policy allows the secretsmanager:GetSecretValue "
                   "action"));
  PutPolicy(x, Grant("Allow", R"("111122223333")", R"("secretsmanager:GetSecretValue")"));
  r = Get(reader, x);
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  EXPECT_STREQ(r.doc["SecretString"].GetString(), "v");
  // Resource side only.
  RequestContext bare = Role(kOther, {});
  EXPECT_EQ(Get(bare, x).status.reason(), "AccessDeniedException");
  // A name resolves in the caller's own account only.
  EXPECT_EQ(Get(reader, "X").status.reason(), "ResourceNotFoundException");
  // Writes too, when both sides allow.
  RequestContext writer = Role(kOther, {IdentityPolicy(Allow(R"("*")"))});
  const std::string put =
      R"({"SecretId":")" + x + R"(","SecretString":"w","ClientRequestToken":")" + Token(7) + "\"}";
  EXPECT_EQ(Call("PutSecretValue", put, &writer).status.reason(), "AccessDeniedException");
  PutPolicy(x, Grant("Allow", R"("111122223333")", R"("secretsmanager:*")"));
  // The key policy does not give the other account kms:GenerateDataKey.
  r = Call("PutSecretValue", put, &writer);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(), "Access to KMS is not allowed");
  // Coffer's own calls never reach another account.
  RequestContext internal = ctx_;
  internal.account_id = kOther;
  EXPECT_EQ(Call("DescribeSecret", R"({"SecretId":")" + x + "\"}", &internal).status.reason(),
            "ResourceNotFoundException");
}

TEST_F(SecretsAuthzTest, DefaultKeyIsUsableOnlyThroughItsOwnAccount) {
  const std::string x = Secret("X");
  PutPolicy(x, Grant("Allow", R"("111122223333")", R"("secretsmanager:GetSecretValue")"));
  RequestContext reader = Role(kOther, {IdentityPolicy(Allow(R"(["secretsmanager:*","kms:*"])"))});
  Reply r = Get(reader, x);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(), "Access to KMS is not allowed");
  // In the owner's account the default key needs no KMS permission at all.
  RequestContext own = Role({IdentityPolicy(Allow(R"("secretsmanager:GetSecretValue")"))});
  EXPECT_TRUE(Get(own, x).ok());
}

TEST_F(SecretsAuthzTest, CustomerKeyNeedsItsPolicyOrDelegation) {
  const std::string delegating = KeyWithPolicy(RootDelegation(kOwner));
  const std::string direct = KeyWithPolicy(IdentityPolicy(
      Grant("Allow", R"("arn:aws:iam::123456789012:role/runner")", R"("kms:Decrypt")")));
  Secret("D", delegating);
  Secret("R", direct);
  RequestContext sm_only = Role({IdentityPolicy(Allow(R"("secretsmanager:GetSecretValue")"))});
  Reply r = Get(sm_only, "D");
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(), "Access to KMS is not allowed");
  EXPECT_TRUE(Get(sm_only, "R").ok());  // the key policy names the role
  RequestContext with_kms =
      Role({IdentityPolicy(Allow(R"(["secretsmanager:GetSecretValue","kms:Decrypt"])"))});
  EXPECT_TRUE(Get(with_kms, "D").ok());

  // Writes need kms:GenerateDataKey.
  RequestContext writer =
      Role({IdentityPolicy(Allow(R"(["secretsmanager:PutSecretValue","kms:Decrypt"])"))});
  const std::string put =
      R"({"SecretId":"D","SecretString":"w","ClientRequestToken":")" + Token(3) + "\"}";
  EXPECT_EQ(Call("PutSecretValue", put, &writer).status.message(), "Access to KMS is not allowed");
  writer =
      Role({IdentityPolicy(Allow(R"(["secretsmanager:PutSecretValue","kms:GenerateDataKey"])"))});
  EXPECT_TRUE(Call("PutSecretValue", put, &writer).ok());
  // A new key for the secret is checked before anything is re-encrypted.
  const std::string closed = KeyWithPolicy(RootDelegation(kOther));
  RequestContext updater = Role({IdentityPolicy(Allow(R"(["secretsmanager:*","kms:*"])"))});
  r = Call(
      "UpdateSecret",
      R"({"SecretId":"D","KmsKeyId":")" + closed + R"(","ClientRequestToken":")" + Token(4) + "\"}",
      &updater);
  EXPECT_EQ(r.status.message(), "Access to KMS is not allowed");
}

TEST_F(SecretsAuthzTest, ResourceTagCondition) {
  Secret("Blue", "", R"([{"Key":"team","Value":"blue"}])");
  Secret("Red", "", R"([{"Key":"team","Value":"red"}])");
  RequestContext role = Role(
      {IdentityPolicy(Allow(R"("secretsmanager:GetSecretValue")", R"("*")",
                            R"({"StringEquals":{"secretsmanager:ResourceTag/team":"blue"}})"))});
  EXPECT_TRUE(Get(role, "Blue").ok());
  EXPECT_EQ(Get(role, "Red").status.reason(), "AccessDeniedException");
  RequestContext by_aws_key =
      Role({IdentityPolicy(Allow(R"("secretsmanager:GetSecretValue")", R"("*")",
                                 R"({"StringEquals":{"aws:ResourceTag/team":"red"}})"))});
  EXPECT_TRUE(Get(by_aws_key, "Red").ok());
  EXPECT_EQ(Get(by_aws_key, "Blue").status.reason(), "AccessDeniedException");
}

TEST_F(SecretsAuthzTest, VersionStageCondition) {
  Secret("X");
  RequestContext role = Role(
      {IdentityPolicy(Allow(R"("secretsmanager:GetSecretValue")", R"("*")",
                            R"({"StringEquals":{"secretsmanager:VersionStage":"AWSCURRENT"}})"))});
  EXPECT_TRUE(Get(role, "X", R"(,"VersionStage":"AWSCURRENT")").ok());
  EXPECT_EQ(Get(role, "X", R"(,"VersionStage":"AWSPREVIOUS")").status.reason(),
            "AccessDeniedException");
  // The key is absent without VersionStage: StringEquals does not match.
  EXPECT_EQ(Get(role, "X").status.reason(), "AccessDeniedException");
}

TEST_F(SecretsAuthzTest, BatchReportsDeniedSecretsAsErrors) {
  const std::string x = Secret("X"), y = Secret("Y");
  RequestContext role =
      Role({IdentityPolicy(Allow(R"("secretsmanager:BatchGetSecretValue")") + "," +
                           Allow(R"("secretsmanager:GetSecretValue")", "\"" + x + "\""))});
  Reply r = Call("BatchGetSecretValue", R"({"SecretIdList":["X","Y"]})", &role);
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  ASSERT_EQ(r.doc["SecretValues"].Size(), 1u);
  EXPECT_EQ(r.doc["SecretValues"][0]["ARN"].GetString(), x);
  ASSERT_EQ(r.doc["Errors"].Size(), 1u);
  EXPECT_STREQ(r.doc["Errors"][0]["SecretId"].GetString(), "Y");
  EXPECT_STREQ(r.doc["Errors"][0]["ErrorCode"].GetString(), "AccessDeniedException");
  // Filters also need ListSecrets.
  r = Call("BatchGetSecretValue", R"({"Filters":[{"Key":"name","Values":["X"]}]})", &role);
  EXPECT_EQ(r.status.reason(), "AccessDeniedException");
  RequestContext nobody = Role({});
  EXPECT_EQ(Call("BatchGetSecretValue", R"({"SecretIdList":["X"]})", &nobody).status.reason(),
            "AccessDeniedException");
}

TEST_F(SecretsAuthzTest, CreateWithTagsAlsoNeedsTagResource) {
  RequestContext role = Role({IdentityPolicy(Allow(R"("secretsmanager:CreateSecret")"))});
  const std::string tagged =
      R"({"Name":"T","SecretString":"v","Tags":[{"Key":"team","Value":"a"}],)"
      R"("ClientRequestToken":")" +
      Token(5) + "\"}";
  Reply r = Call("CreateSecret", tagged, &role);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_NE(r.status.message().find("secretsmanager:TagResource"), std::string::npos);
  EXPECT_TRUE(Call("CreateSecret",
                   R"({"Name":"U","SecretString":"v","ClientRequestToken":")" + Token(6) + "\"}",
                   &role)
                  .ok());
  // aws:RequestTag conditions see the request's tags.
  RequestContext tagger =
      Role({IdentityPolicy(Allow(R"(["secretsmanager:CreateSecret","secretsmanager:TagResource"])",
                                 R"("*")", R"({"StringEquals":{"aws:RequestTag/team":"a"}})"))});
  EXPECT_TRUE(Call("CreateSecret", tagged, &tagger).ok());
}

TEST_F(SecretsAuthzTest, NameConditionAndValidateNeedsPutResourcePolicy) {
  RequestContext role =
      Role({IdentityPolicy(Allow(R"("secretsmanager:CreateSecret")", R"("*")",
                                 R"({"StringLike":{"secretsmanager:Name":"app/*"}})") +
                           "," + Allow(R"("secretsmanager:ValidateResourcePolicy")"))});
  EXPECT_EQ(Call("CreateSecret", R"({"Name":"db","ClientRequestToken":")" + Token(8) + "\"}", &role)
                .status.reason(),
            "AccessDeniedException");
  EXPECT_TRUE(
      Call("CreateSecret", R"({"Name":"app/db","ClientRequestToken":")" + Token(9) + "\"}", &role)
          .ok());
  const std::string doc = R"({\"Version\":\"2012-10-17\",\"Statement\":[]})";
  EXPECT_TRUE(Call("ValidateResourcePolicy", R"({"ResourcePolicy":")" + doc + "\"}", &role).ok());
  Reply r = Call("ValidateResourcePolicy",
                 R"({"SecretId":"app/db","ResourcePolicy":")" + doc + "\"}", &role);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_NE(r.status.message().find("secretsmanager:PutResourcePolicy"), std::string::npos);
}

TEST_F(SecretsAuthzTest, ReplicaReadsThroughThePrimarysDefaultKey) {
  Secret("X");
  Ok("ReplicateSecretToRegions",
     R"({"SecretId":"X","AddReplicaRegions":[{"Region":"eu-west-1"}]})");
  RequestContext eu = Role({IdentityPolicy(
      Allow(R"("secretsmanager:GetSecretValue")", R"("*")",
            R"({"StringEquals":{"secretsmanager:SecretPrimaryRegion":"us-east-1"}})"))});
  eu.region = "eu-west-1";
  Reply r = Get(eu, "X");
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  EXPECT_NE(std::string(r.doc["ARN"].GetString()).find(":eu-west-1:"), std::string::npos);
}

// Every operation asks: a caller without any policy is refused each one, the
// refusal naming the operation's own action.
TEST_F(SecretsAuthzTest, EveryOperationIsAuthorized) {
  Secret("X");
  const std::string t = R"(,"ClientRequestToken":")" + Token(50) + "\"";
  const std::string policy = R"({\"Version\":\"2012-10-17\",\"Statement\":[]})";
  const std::pair<const char*, std::string> requests[] = {
      {"BatchGetSecretValue", R"({"SecretIdList":["X"]})"},
      {"CancelRotateSecret", R"({"SecretId":"X"})"},
      {"CreateSecret", R"({"Name":"N")" + t + "}"},
      {"DeleteResourcePolicy", R"({"SecretId":"X"})"},
      {"DeleteSecret", R"({"SecretId":"X"})"},
      {"DescribeSecret", R"({"SecretId":"X"})"},
      {"GetRandomPassword", "{}"},
      {"GetResourcePolicy", R"({"SecretId":"X"})"},
      {"GetSecretValue", R"({"SecretId":"X"})"},
      {"ListSecretVersionIds", R"({"SecretId":"X"})"},
      {"ListSecrets", "{}"},
      {"PutResourcePolicy", R"({"SecretId":"X","ResourcePolicy":")" + policy + "\"}"},
      {"PutSecretValue", R"({"SecretId":"X","SecretString":"w")" + t + "}"},
      {"RemoveRegionsFromReplication", R"({"SecretId":"X","RemoveReplicaRegions":["eu-west-1"]})"},
      {"ReplicateSecretToRegions",
       R"({"SecretId":"X","AddReplicaRegions":[{"Region":"eu-west-1"}]})"},
      {"RestoreSecret", R"({"SecretId":"X"})"},
      {"RotateSecret", R"({"SecretId":"X")" + t + "}"},
      {"StopReplicationToReplica", R"({"SecretId":"X"})"},
      {"TagResource", R"({"SecretId":"X","Tags":[{"Key":"a","Value":"b"}]})"},
      {"UntagResource", R"({"SecretId":"X","TagKeys":["a"]})"},
      {"UpdateSecret", R"({"SecretId":"X","Description":"d")" + t + "}"},
      {"UpdateSecretVersionStage", R"({"SecretId":"X","VersionStage":"S"})"},
      {"ValidateResourcePolicy", R"({"ResourcePolicy":")" + policy + "\"}"},
  };
  RequestContext nobody = Role({});
  for (const auto& [op, request] : requests) {
    Reply r = Call(op, request, &nobody);
    ASSERT_EQ(r.status.reason(), "AccessDeniedException") << op << " " << r.status.ToString();
    EXPECT_NE(r.status.message().find(std::string("secretsmanager:") + op + " "), std::string::npos)
        << r.status.message();
  }
  EXPECT_EQ(std::size(requests), 23u);
  // With secretsmanager:* they all pass authorization (whatever they answer next).
  RequestContext all = Role({IdentityPolicy(Allow(R"("secretsmanager:*")"))});
  for (const auto& [op, request] : requests)
    EXPECT_NE(Call(op, request, &all).status.reason(), "AccessDeniedException") << op;
}

TEST_F(SecretsAuthzTest, AdministratorMayDoEverything) {
  Secret("X");
  auto admin = std::make_shared<policy::Caller>();
  admin->principal.type = policy::PrincipalType::kRoot;
  admin->principal.arn = "arn:aws:iam::123456789012:root";
  admin->principal.account = kOwner;
  admin->administrator = true;
  RequestContext ctx = ctx_;
  ctx.caller = admin;
  EXPECT_TRUE(Get(ctx, "X").ok());
  EXPECT_TRUE(Call("ListSecrets", "{}", &ctx).ok());
  EXPECT_TRUE(Call("GetRandomPassword", "{}", &ctx).ok());
  EXPECT_TRUE(Call("DeleteSecret", R"({"SecretId":"X"})", &ctx).ok());
}

}  // namespace
}  // namespace coffer::secrets::testing
