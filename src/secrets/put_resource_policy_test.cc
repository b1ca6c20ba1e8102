// PutResourcePolicy through Service::Handle: verbatim storage, malformed
// documents, BlockPublicPolicy.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using PutResourcePolicyTest = SecretsTest;

// A policy as a JSON string literal (for embedding in a request).
std::string Quoted(const std::string& policy) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(policy.c_str(), static_cast<rapidjson::SizeType>(policy.size()));
  return buf.GetString();
}

const std::string kAccountPolicy =
    "{\n  \"Version\":\"2012-10-17\",\n  "
    "\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
    "\"arn:aws:iam::111122223333:root\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":"
    "\"*\"}\n}";
const std::string kPublicPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Resource":"*"}]})";

TEST_F(PutResourcePolicyTest, StoresVerbatim) {
  std::string arn = CreateString("s", "v", 1);
  auto d = Ok("PutResourcePolicy",
              R"({"SecretId":"s","ResourcePolicy":)" + Quoted(kAccountPolicy) + "}");
  EXPECT_EQ(std::string(d["ARN"].GetString()), arn);
  EXPECT_STREQ(d["Name"].GetString(), "s");
  auto g = Ok("GetResourcePolicy", R"({"SecretId":"s"})");
  EXPECT_EQ(std::string(g["ResourcePolicy"].GetString()), kAccountPolicy);
}

TEST_F(PutResourcePolicyTest, MalformedDocuments) {
  CreateString("s", "v", 1);
  ExpectError("PutResourcePolicy", R"({"SecretId":"s","ResourcePolicy":"{not json"})",
              msg::kMalformedPolicy, msg::kPolicySyntaxError);
  std::string bad_effect =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"AllowSomething","Principal":"*","Action":"secretsmanager:*","Resource":"*"}]})";
  ExpectError("PutResourcePolicy",
              R"({"SecretId":"s","ResourcePolicy":)" + Quoted(bad_effect) + "}",
              msg::kMalformedPolicy, msg::kPolicySyntaxError);
  std::string bad_service =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"invalidservice"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";
  ExpectError("PutResourcePolicy",
              R"({"SecretId":"s","ResourcePolicy":)" + Quoted(bad_service) + "}",
              msg::kMalformedPolicy, msg::kPolicyInvalidServicePrincipal);
  auto g = Ok("GetResourcePolicy", R"({"SecretId":"s"})");
  EXPECT_FALSE(g.HasMember("ResourcePolicy"));
}

TEST_F(PutResourcePolicyTest, BlockPublicPolicy) {
  CreateString("s", "v", 1);
  ExpectError(
      "PutResourcePolicy",
      R"({"SecretId":"s","BlockPublicPolicy":true,"ResourcePolicy":)" + Quoted(kPublicPolicy) + "}",
      msg::kPublicPolicy, msg::kPublicPolicyBlocked);
  EXPECT_FALSE(Ok("GetResourcePolicy", R"({"SecretId":"s"})").HasMember("ResourcePolicy"));
  // Not blocking is the default.
  Ok("PutResourcePolicy", R"({"SecretId":"s","ResourcePolicy":)" + Quoted(kPublicPolicy) + "}");
  Ok("PutResourcePolicy", R"({"SecretId":"s","BlockPublicPolicy":true,"ResourcePolicy":)" +
                              Quoted(kAccountPolicy) + "}");
}

TEST_F(PutResourcePolicyTest, MissingOrDeletedSecret) {
  ExpectError("PutResourcePolicy",
              R"({"SecretId":"nope","ResourcePolicy":)" + Quoted(kAccountPolicy) + "}",
              msg::kResourceNotFound, msg::kSecretNotFound);
  CreateString("s", "v", 1);
  Ok("DeleteSecret", R"({"SecretId":"s"})");
  ExpectError("PutResourcePolicy",
              R"({"SecretId":"s","ResourcePolicy":)" + Quoted(kAccountPolicy) + "}",
              msg::kInvalidRequest, msg::kMarkedForDeletion);
}

}  // namespace
}  // namespace coffer::secrets::testing
