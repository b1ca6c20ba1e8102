// Test fixture for authorization in the secrets operations: SecretsTest plus
// callers built from policy JSON (a role session with identity policies, as
// the server builds them after SigV4) and helpers for policies and keys.
// Test-only; included by authorization_test.cc.
//
// Thread-safety: gtest fixture; single-threaded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth/policy/access.h"
#include "auth/policy/policy_document.h"
#include "secrets/secrets_test_fixture.h"
#include "testing/callers.h"

namespace coffer::secrets::testing {

namespace policy = auth::policy;

inline constexpr char kOwner[] = "123456789012";  // ctx_'s account, which owns the secrets
inline constexpr char kOther[] = "111122223333";

// {"Effect":"Allow","Action":ACTIONS,"Resource":RESOURCE} in an identity
// policy; `actions` and `resource` are JSON values.
inline std::string IdentityPolicy(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}
inline std::string Allow(const std::string& actions, const std::string& resource = R"("*")",
                         const std::string& condition = "") {
  std::string s = R"({"Effect":"Allow","Action":)" + actions + R"(,"Resource":)" + resource;
  if (!condition.empty()) s += R"(,"Condition":)" + condition;
  return s + "}";
}
// A resource policy statement: {"Effect":EFFECT,"Principal":{"AWS":PRINCIPAL},…}.
inline std::string Grant(const std::string& effect, const std::string& principal,
                         const std::string& actions) {
  return R"({"Effect":")" + effect + R"(","Principal":{"AWS":)" + principal + R"(},"Action":)" +
         actions + R"(,"Resource":"*"})";
}
// Key policy: the account's root may do kms:* (IAM policies then decide).
inline std::string RootDelegation(const std::string& account) {
  return IdentityPolicy(Grant("Allow", "\"arn:aws:iam::" + account + ":root\"", R"("kms:*")"));
}

class SecretsAuthzTest : public SecretsTest {
 protected:
  // A role session arn:aws:sts::ACCOUNT:assumed-role/runner/s1 with the
  // given identity policies (JSON texts).
  RequestContext Role(const std::string& account, const std::vector<std::string>& identity) {
    auto caller = coffer::testing::RoleSessionCaller(account, identity);
    RequestContext ctx = ctx_;
    ctx.account_id = account;
    ctx.principal_arn = caller->principal.arn;
    ctx.caller = std::move(caller);
    return ctx;
  }
  RequestContext Role(const std::vector<std::string>& identity) { return Role(kOwner, identity); }

  // A customer managed key in ctx_'s account with `key_policy`; its ARN.
  std::string KeyWithPolicy(const std::string& key_policy) {
    storage::KmsKeyRecord key = MakeKey();
    key.policy = key_policy;
    auto txn = parts_.store->Begin(storage::TxnMode::kWrite);
    EXPECT_TRUE(txn.ok());
    EXPECT_TRUE((*txn)->PutKmsKey(key).ok());
    EXPECT_TRUE((*txn)->Commit().ok());
    return key.arn;
  }

  // Creates (as Coffer itself) a secret `name` = "v" under `key` ("" = the
  // default key) with `tags_json` (a Tags array, "" = none); its ARN.
  std::string Secret(const std::string& name, const std::string& key = "",
                     const std::string& tags_json = "") {
    std::string req = R"({"Name":")" + name + R"(","SecretString":"v","ClientRequestToken":")" +
                      Token(++tokens_) + "\"";
    if (!key.empty()) req += R"(,"KmsKeyId":")" + key + "\"";
    if (!tags_json.empty()) req += R"(,"Tags":)" + tags_json;
    auto d = Ok("CreateSecret", req + "}");
    return d.IsObject() && d.HasMember("ARN") ? d["ARN"].GetString() : "";
  }

  void PutPolicy(const std::string& secret, const std::string& statements) {
    std::string text = IdentityPolicy(statements);
    rapidjson::StringBuffer quoted;
    rapidjson::Writer<rapidjson::StringBuffer> w(quoted);
    w.String(text.c_str());
    Ok("PutResourcePolicy",
       R"({"SecretId":")" + secret + R"(","ResourcePolicy":)" + quoted.GetString() + "}");
  }

  Reply Get(const RequestContext& ctx, const std::string& secret, const std::string& extra = "") {
    return Call("GetSecretValue", R"({"SecretId":")" + secret + "\"" + extra + "}", &ctx);
  }

  static std::string Denied(const std::string& who, const std::string& action,
                            const std::string& resource, const std::string& why) {
    std::string m = "User: " + who + " is not authorized to perform: " + action;
    if (!resource.empty()) m += " on resource: " + resource;
    return m + " " + why;
  }

  int tokens_ = 100;
};

}  // namespace coffer::secrets::testing
