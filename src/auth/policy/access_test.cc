// Access (access.h) and the condition keys' storage (context.h): which
// decisions read keys (UsesKeys, so a service may leave them unset), a
// ContextKeys reused after Clear, and the compiled-policy cache.

#include "auth/policy/access.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::auth::policy {
namespace {

std::shared_ptr<const CompiledPolicy> Compile(std::string_view text, PolicyGrammar grammar) {
  auto doc = ParsePolicyDocument(text, grammar);
  EXPECT_TRUE(doc.ok()) << text;
  auto compiled = CompiledPolicy::Compile(*doc);
  EXPECT_TRUE(compiled.ok()) << text;
  return std::make_shared<const CompiledPolicy>(std::move(compiled).value());
}

std::shared_ptr<const CompiledPolicy> Identity(std::string_view statement) {
  return Compile(R"({"Version":"2012-10-17","Statement":[)" + std::string(statement) + "]}",
                 PolicyGrammar::kIdentity);
}

constexpr char kPlain[] =
    R"({"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"})";
constexpr char kConditioned[] =
    R"({"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*",)"
    R"("Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"a"}}})";
constexpr char kVariable[] = R"({"Effect":"Allow","Action":"secretsmanager:GetSecretValue",)"
                             R"("Resource":"arn:aws:secretsmanager:*:*:secret:${aws:username}-*"})";

Caller UserWith(std::vector<std::shared_ptr<const CompiledPolicy>> identity) {
  Caller c;
  c.principal = {PrincipalType::kUser, "arn:aws:iam::111111111111:user/alice", "111111111111", "",
                 ""};
  auto policies = std::make_shared<PrincipalPolicies>();
  policies->identity = std::move(identity);
  policies->Seal();
  c.policies = std::move(policies);
  c.keys.Set("aws:username", "alice");
  return c;
}

TEST(AccessTest, UsesKeysWhenAPolicyHasAConditionOrAVariable) {
  EXPECT_FALSE(Identity(kPlain)->uses_keys());
  EXPECT_TRUE(Identity(kConditioned)->uses_keys());
  EXPECT_TRUE(Identity(kVariable)->uses_keys());

  const Caller plain = UserWith({Identity(kPlain)});
  EXPECT_FALSE(UsesKeys(plain, nullptr));
  EXPECT_TRUE(UsesKeys(plain, Identity(kConditioned).get()));  // the resource's policy
  EXPECT_TRUE(UsesKeys(UserWith({Identity(kPlain), Identity(kVariable)}), nullptr));

  Caller boundary = UserWith({Identity(kPlain)});
  auto with_boundary = std::make_shared<PrincipalPolicies>(*boundary.policies);
  with_boundary->boundary = {Identity(kConditioned)};
  with_boundary->Seal();
  boundary.policies = with_boundary;
  EXPECT_TRUE(UsesKeys(boundary, nullptr));

  Caller session = UserWith({Identity(kPlain)});
  session.session = {Identity(kConditioned)};
  session.session_view = {session.session[0].get()};
  EXPECT_TRUE(UsesKeys(session, nullptr));

  Caller admin;  // its allow-all reads no key; an administrator's other policies do not apply
  admin.administrator = true;
  admin.policies = UserWith({Identity(kConditioned)}).policies;
  EXPECT_FALSE(UsesKeys(admin, nullptr));
}

// When UsesKeys says no, leaving the keys out changes no decision; when it
// says yes, they decide.
TEST(AccessTest, DecisionsWithAndWithoutKeys) {
  const Caller plain = UserWith({Identity(kPlain)});
  AccessRequest request;
  request.action = "secretsmanager:GetSecretValue";
  request.resource = "arn:aws:secretsmanager:us-east-1:111111111111:secret:alice-db-AbCdEf";
  EXPECT_TRUE(Decide(plain, request).allowed);

  const Caller conditioned = UserWith({Identity(kConditioned)});
  ContextKeys keys;
  request.keys = &keys;
  EXPECT_FALSE(Decide(conditioned, request).allowed);
  keys.Set("secretsmanager:ResourceTag/team", "a");
  EXPECT_TRUE(Decide(conditioned, request).allowed);

  const Caller variable = UserWith({Identity(kVariable)});  // ${aws:username} from the caller
  EXPECT_TRUE(Decide(variable, request).allowed);
  request.resource = "arn:aws:secretsmanager:us-east-1:111111111111:secret:bob-db-AbCdEf";
  EXPECT_FALSE(Decide(variable, request).allowed);
}

TEST(ContextKeysTest, SetFindClearAndReuse) {
  ContextKeys parent;
  parent.Set("aws:SourceIp", "10.0.0.1");
  ContextKeys keys;
  keys.SetParent(&parent);
  keys.Set("kms:ViaService", std::string("secretsmanager.us-east-1.amazonaws.com"));
  keys.Set("KMS:VIASERVICE", "replaced");  // keys are case-insensitive: replaces
  static constexpr std::string_view kNames[] = {"SecretARN", "SecretVersionId"};
  keys.Set("kms:EncryptionContextKeys", kNames);
  keys.Set("aws:TagKeys", std::vector<std::string>{});  // present, empty
  ASSERT_NE(keys.Find("kms:viaservice"), nullptr);
  EXPECT_EQ(*keys.Find("kms:viaservice"), std::vector<std::string>{"replaced"});
  EXPECT_EQ(*keys.Find("kms:encryptioncontextkeys"),
            (std::vector<std::string>{"SecretARN", "SecretVersionId"}));
  ASSERT_NE(keys.Find("aws:tagkeys"), nullptr);
  EXPECT_TRUE(keys.Find("aws:tagkeys")->empty());
  EXPECT_EQ(*keys.Find("aws:sourceip"), std::vector<std::string>{"10.0.0.1"});  // the parent's

  keys.Clear();  // nothing left, the parent neither
  EXPECT_EQ(keys.Find("kms:viaservice"), nullptr);
  EXPECT_EQ(keys.Find("aws:sourceip"), nullptr);
  keys.Set("aws:TagKeys", "one");  // reuses a cleared entry: no stale value comes back
  keys.Set("kms:CallerAccount", "111111111111");
  EXPECT_EQ(*keys.Find("aws:tagkeys"), std::vector<std::string>{"one"});
  EXPECT_EQ(*keys.Find("kms:calleraccount"), std::vector<std::string>{"111111111111"});
  EXPECT_EQ(keys.Find("kms:encryptioncontextkeys"), nullptr);
  EXPECT_EQ(keys.Find("kms:viaservice"), nullptr);
}

// The cache (and each thread's memo of the last text) gives the policy the
// text compiles to, per grammar; a text that does not compile is an error.
TEST(CompiledPolicyCacheTest, SameTextSamePolicyPerGrammar) {
  CompiledPolicyCache cache(2);
  const std::string allow = R"({"Version":"2012-10-17","Statement":[)" + std::string(kPlain) + "]}";
  auto a = cache.Get(allow, PolicyGrammar::kIdentity);
  ASSERT_TRUE(a.ok());
  auto again = cache.Get(allow, PolicyGrammar::kIdentity);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(a->get(), again->get());
  // A resource policy must name a Principal: the same text fails there.
  EXPECT_FALSE(cache.Get(allow, PolicyGrammar::kResource).ok());
  EXPECT_TRUE(cache.Get(allow, PolicyGrammar::kIdentity).ok());
  EXPECT_FALSE(cache.Get("{not json", PolicyGrammar::kIdentity).ok());
  const std::string conditioned =
      R"({"Version":"2012-10-17","Statement":[)" + std::string(kConditioned) + "]}";
  auto c = cache.Get(conditioned, PolicyGrammar::kIdentity);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE((*c)->uses_keys());
  auto back = cache.Get(allow, PolicyGrammar::kIdentity);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE((*back)->uses_keys());
}

}  // namespace
}  // namespace coffer::auth::policy
