// Authorization of the KMS operations (authorization.h): key policies
// (required; IAM policies count through :root delegation), operations without
// a key, aliases, condition keys, and the AWS managed key's fixed policy.

#include "kms/authorization.h"

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "auth/policy/access.h"
#include "auth/policy/policy_document.h"
#include "common/encoding.h"
#include "kms/kms_test_fixture.h"
#include "testing/callers.h"

namespace coffer::kms::testing {
namespace {

namespace policy = auth::policy;

constexpr char kSession[] = "arn:aws:sts::123456789012:assumed-role/runner/s1";

std::string Doc(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}
std::string Allow(const std::string& actions, const std::string& resource = R"("*")",
                  const std::string& condition = "") {
  std::string s = R"({"Effect":"Allow","Action":)" + actions + R"(,"Resource":)" + resource;
  if (!condition.empty()) s += R"(,"Condition":)" + condition;
  return s + "}";
}
// A JSON string literal of `text`.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class KmsAuthzTest : public KmsTest {
 protected:
  // The role session arn:aws:sts::123456789012:assumed-role/runner/s1 with
  // identity policies `identity` (JSON texts).
  RequestContext Role(const std::vector<std::string>& identity) {
    auto caller = coffer::testing::RoleSessionCaller("123456789012", identity);
    RequestContext ctx = ctx_;
    ctx.principal_arn = kSession;
    ctx.caller = std::move(caller);
    return ctx;
  }

  void SetKeyPolicy(const std::string& key, const std::string& statements) {
    Ok("PutKeyPolicy", R"({"KeyId":")" + key + R"(","PolicyName":"default","Policy":)" +
                           Quoted(Doc(statements)) + "}");
  }

  Reply Encrypt(const RequestContext& ctx, const std::string& key,
                const std::string& context_json = "{}") {
    return Call("Encrypt",
                R"({"KeyId":")" + key + R"(","Plaintext":")" + Base64Encode("hello") +
                    R"(","EncryptionContext":)" + context_json + "}",
                &ctx);
  }

  static std::string Denied(const std::string& action, const std::string& resource,
                            const std::string& why) {
    std::string m = std::string("User: ") + kSession + " is not authorized to perform: " + action;
    if (!resource.empty()) m += " on resource: " + resource;
    return m + " because " + why + " the " + action + " action";
  }
};

TEST_F(KmsAuthzTest, RootDelegationLetsIdentityPoliciesDecide) {
  const std::string key = NewKey();  // default policy: the account root may do kms:*
  RequestContext role = Role({Doc(Allow(R"("kms:Encrypt")", Quoted(Arn(key))))});
  Reply r = Encrypt(role, key);
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  const std::string blob = r.doc["CiphertextBlob"].GetString();
  r = Call("Decrypt", R"({"CiphertextBlob":")" + blob + "\"}", &role);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(), Denied("kms:Decrypt", Arn(key), "no identity-based policy allows"));
  EXPECT_EQ(Call("DisableKey", R"({"KeyId":")" + key + "\"}", &role).status.reason(),
            "AccessDeniedException");
}

TEST_F(KmsAuthzTest, KeyPolicyIsRequired) {
  const std::string key = NewKey();
  SetKeyPolicy(key,
               R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/admin"},)"
               R"("Action":"kms:*","Resource":"*"})");
  RequestContext everything = Role({Doc(Allow(R"("kms:*")"))});
  Reply r = Encrypt(everything, key);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(), Denied("kms:Encrypt", Arn(key), "no resource-based policy allows"));
  // A key policy naming the role suffices without any identity policy.
  SetKeyPolicy(key,
               R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/runner"},)"
               R"("Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"*"})");
  RequestContext bare = Role({});
  EXPECT_TRUE(Encrypt(bare, key).ok());
  // An alias is resolved first: the decision is on the key.
  Ok("CreateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + key + "\"}");
  EXPECT_TRUE(Encrypt(bare, "alias/app").ok());
  r = Call("GetKeyPolicy", R"({"KeyId":")" + key + R"(","PolicyName":"default"})", &bare);
  EXPECT_EQ(r.status.message(),
            Denied("kms:GetKeyPolicy", Arn(key), "no resource-based policy allows"));
}

TEST_F(KmsAuthzTest, OperationsWithoutAKeyUseIdentityPoliciesOnly) {
  RequestContext bare = Role({});
  for (const char* op : {"CreateKey", "ListKeys", "ListAliases"}) {
    Reply r = Call(op, "{}", &bare);
    ASSERT_EQ(r.status.reason(), "AccessDeniedException") << op;
    EXPECT_EQ(r.status.message(),
              Denied(std::string("kms:") + op, "", "no identity-based policy allows"));
  }
  EXPECT_EQ(Call("GenerateRandom", R"({"NumberOfBytes":8})", &bare).status.reason(),
            "AccessDeniedException");
  RequestContext creator = Role({Doc(Allow(R"(["kms:CreateKey","kms:ListKeys"])"))});
  EXPECT_TRUE(Call("CreateKey", "{}", &creator).ok());
  EXPECT_TRUE(Call("ListKeys", "{}", &creator).ok());
  // Tags on a new key need kms:TagResource as well.
  EXPECT_EQ(
      Call("CreateKey", R"({"Tags":[{"TagKey":"team","TagValue":"a"}]})", &creator).status.reason(),
      "AccessDeniedException");
}

TEST_F(KmsAuthzTest, AliasOperationsNeedTheAliasAndTheKey) {
  const std::string key = NewKey();
  const std::string alias_arn = "arn:aws:kms:us-east-1:123456789012:alias/app";
  RequestContext key_only = Role({Doc(Allow(R"("kms:CreateAlias")", Quoted(Arn(key))))});
  Reply r =
      Call("CreateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + key + "\"}", &key_only);
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");
  EXPECT_EQ(r.status.message(),
            Denied("kms:CreateAlias", alias_arn, "no identity-based policy allows"));
  RequestContext alias_only = Role({Doc(Allow(R"("kms:CreateAlias")", Quoted(alias_arn)))});
  r = Call("CreateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + key + "\"}", &alias_only);
  EXPECT_EQ(r.status.message(),
            Denied("kms:CreateAlias", Arn(key), "no identity-based policy allows"));
  RequestContext both = Role({Doc(Allow(R"(["kms:CreateAlias","kms:DeleteAlias"])",
                                        "[" + Quoted(alias_arn) + "," + Quoted(Arn(key)) + "]"))});
  EXPECT_TRUE(
      Call("CreateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + key + "\"}", &both).ok());
  EXPECT_TRUE(Call("DeleteAlias", R"({"AliasName":"alias/app"})", &both).ok());
}

TEST_F(KmsAuthzTest, EncryptionContextAndTagConditions) {
  const std::string key = NewKey(R"("Tags":[{"TagKey":"team","TagValue":"blue"}])");
  const std::string other = NewKey(R"("Tags":[{"TagKey":"team","TagValue":"red"}])");
  RequestContext role = Role({Doc(Allow(
      R"("kms:Encrypt")", R"("*")",
      R"({"StringEquals":{"kms:EncryptionContext:app":"billing","aws:ResourceTag/team":"blue"}})"))});
  EXPECT_TRUE(Encrypt(role, key, R"({"app":"billing"})").ok());
  EXPECT_EQ(Encrypt(role, key, R"({"app":"other"})").status.reason(), "AccessDeniedException");
  EXPECT_EQ(Encrypt(role, key).status.reason(), "AccessDeniedException");
  EXPECT_EQ(Encrypt(role, other, R"({"app":"billing"})").status.reason(), "AccessDeniedException");
  RequestContext keys_only =
      Role({Doc(Allow(R"("kms:Encrypt")", R"("*")",
                      R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["app"]}})"))});
  EXPECT_TRUE(Encrypt(keys_only, key, R"({"app":"x"})").ok());
  EXPECT_EQ(Encrypt(keys_only, key, R"({"app":"x","env":"y"})").status.reason(),
            "AccessDeniedException");
  RequestContext tagger = Role({Doc(Allow(R"("kms:TagResource")", R"("*")",
                                          R"({"StringEquals":{"aws:RequestTag/env":"dev"}})"))});
  EXPECT_TRUE(Call("TagResource",
                   R"({"KeyId":")" + key + R"(","Tags":[{"TagKey":"env","TagValue":"dev"}]})",
                   &tagger)
                  .ok());
  EXPECT_EQ(
      Call("TagResource",
           R"({"KeyId":")" + key + R"(","Tags":[{"TagKey":"env","TagValue":"prod"}]})", &tagger)
          .status.reason(),
      "AccessDeniedException");
}

// Every operation asks: a caller without identity policies (the key policy
// delegates to them) is refused each one, naming the action it needed.
TEST_F(KmsAuthzTest, EveryOperationIsAuthorized) {
  const std::string k = NewKey();
  Ok("CreateAlias", R"({"AliasName":"alias/old","TargetKeyId":")" + k + "\"}");
  const std::string blob = EncryptB64(k, "hello");
  const std::string id = R"({"KeyId":")" + k + "\"";
  const std::string policy = Quoted(Doc(R"({"Effect":"Allow","Principal":{"AWS":"*"},)"
                                        R"("Action":"kms:*","Resource":"*"})"));
  const std::tuple<const char*, std::string, const char*> requests[] = {
      {"CancelKeyDeletion", id + "}", "CancelKeyDeletion"},
      {"CreateAlias", R"({"AliasName":"alias/new","TargetKeyId":")" + k + "\"}", "CreateAlias"},
      {"CreateKey", "{}", "CreateKey"},
      {"Decrypt", R"({"CiphertextBlob":")" + blob + "\"}", "Decrypt"},
      {"DeleteAlias", R"({"AliasName":"alias/old"})", "DeleteAlias"},
      {"DescribeKey", id + "}", "DescribeKey"},
      {"DisableKey", id + "}", "DisableKey"},
      {"DisableKeyRotation", id + "}", "DisableKeyRotation"},
      {"EnableKey", id + "}", "EnableKey"},
      {"EnableKeyRotation", id + "}", "EnableKeyRotation"},
      {"Encrypt", id + R"(,"Plaintext":"aGk="})", "Encrypt"},
      {"GenerateDataKey", id + R"(,"KeySpec":"AES_256"})", "GenerateDataKey"},
      {"GenerateDataKeyWithoutPlaintext", id + R"(,"KeySpec":"AES_256"})",
       "GenerateDataKeyWithoutPlaintext"},
      {"GenerateRandom", R"({"NumberOfBytes":8})", "GenerateRandom"},
      {"GetKeyPolicy", id + R"(,"PolicyName":"default"})", "GetKeyPolicy"},
      {"GetKeyRotationStatus", id + "}", "GetKeyRotationStatus"},
      {"ListAliases", "{}", "ListAliases"},
      {"ListKeyPolicies", id + "}", "ListKeyPolicies"},
      {"ListKeyRotations", id + "}", "ListKeyRotations"},
      {"ListKeys", "{}", "ListKeys"},
      {"ListResourceTags", id + "}", "ListResourceTags"},
      {"PutKeyPolicy", id + R"(,"PolicyName":"default","Policy":)" + policy + "}", "PutKeyPolicy"},
      {"ReEncrypt", R"({"CiphertextBlob":")" + blob + R"(","DestinationKeyId":")" + k + "\"}",
       "ReEncryptFrom"},
      {"RotateKeyOnDemand", id + "}", "RotateKeyOnDemand"},
      {"ScheduleKeyDeletion", id + R"(,"PendingWindowInDays":7})", "ScheduleKeyDeletion"},
      {"TagResource", id + R"(,"Tags":[{"TagKey":"a","TagValue":"b"}]})", "TagResource"},
      {"UntagResource", id + R"(,"TagKeys":["a"]})", "UntagResource"},
      {"UpdateAlias", R"({"AliasName":"alias/old","TargetKeyId":")" + k + "\"}", "UpdateAlias"},
      {"UpdateKeyDescription", id + R"(,"Description":"d"})", "UpdateKeyDescription"},
  };
  EXPECT_EQ(std::size(requests), 29u);
  RequestContext nobody = Role({});
  for (const auto& [op, request, action] : requests) {
    Reply r = Call(op, request, &nobody);
    ASSERT_EQ(r.status.reason(), "AccessDeniedException") << op << " " << r.status.ToString();
    EXPECT_NE(r.status.message().find(std::string("kms:") + action + " "), std::string::npos)
        << r.status.message();
  }
}

TEST_F(KmsAuthzTest, PolicyLockoutSafetyCheck) {
  const std::string key = NewKey();
  RequestContext role = Role({Doc(Allow(R"("kms:*")"))});
  const std::string admin_only =
      Quoted(Doc(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/admin"},)"
                 R"("Action":"kms:*","Resource":"*"})"));
  const std::string put =
      R"({"KeyId":")" + key + R"(","PolicyName":"default","Policy":)" + admin_only;
  Reply r = Call("PutKeyPolicy", put + "}", &role);
  ASSERT_EQ(r.status.reason(), "MalformedPolicyDocumentException");
  EXPECT_EQ(r.status.message(),
            "The new key policy will not allow you to update the key policy in the future.");
  EXPECT_TRUE(Call("PutKeyPolicy", put + R"(,"BypassPolicyLockoutSafetyCheck":true})", &role).ok());
  // The role is now locked out of the key.
  EXPECT_EQ(Call("PutKeyPolicy", put + "}", &role).status.reason(), "AccessDeniedException");

  const size_t before = Ok("ListKeys", "{}")["Keys"].Size();
  r = Call("CreateKey", R"({"Policy":)" + admin_only + "}", &role);
  EXPECT_EQ(r.status.reason(), "MalformedPolicyDocumentException");
  EXPECT_EQ(Ok("ListKeys", "{}")["Keys"].Size(), before);  // nothing was created
  EXPECT_TRUE(Call("CreateKey", "{}", &role).ok());        // the default policy delegates
}

TEST_F(KmsAuthzTest, AwsManagedKeyUsesItsFixedPolicy) {
  auto d = Ok("DescribeKey", R"({"KeyId":"alias/aws/secretsmanager"})");  // created here
  const std::string key = d["KeyMetadata"]["KeyId"].GetString();
  {
    // A policy an older Coffer stored is not the one the key is evaluated with.
    auto txn = parts_.store->Begin(storage::TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    auto row = (*txn)->GetKmsKey(key);
    ASSERT_TRUE(row.ok() && *row);
    storage::KmsKeyRecord record = **row;
    record.policy = Doc(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*",)"
                        R"("Resource":"*"})");
    ASSERT_TRUE((*txn)->PutKmsKey(record).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  d = Ok("GetKeyPolicy", R"({"KeyId":")" + key + R"(","PolicyName":"default"})");
  EXPECT_EQ(d["Policy"].GetString(), crypto::DefaultSecretsKeyPolicy("123456789012", "us-east-1"));
  RequestContext role = Role({Doc(Allow(R"("kms:*")"))});
  Reply r = Encrypt(role, "alias/aws/secretsmanager");
  ASSERT_EQ(r.status.reason(), "AccessDeniedException");  // only through Secrets Manager
  EXPECT_EQ(r.status.message(), Denied("kms:Encrypt", Arn(key), "no resource-based policy allows"));
  EXPECT_TRUE(Call("DescribeKey", R"({"KeyId":")" + key + "\"}", &role).ok());
  // Coffer's own calls are bound by it too (the previous AccessDenied rule).
  ExpectError("DisableKey", R"({"KeyId":")" + key + "\"}", "AccessDeniedException",
              "User: arn:aws:iam::123456789012:root is not authorized to perform: kms:DisableKey "
              "on resource: " +
                  Arn(key) + " because no resource-based policy allows the kms:DisableKey action");
}

}  // namespace
}  // namespace coffer::kms::testing
