// CreateSecret through Service::Handle.

#include <regex>

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using CreateSecretTest = SecretsTest;

TEST_F(CreateSecretTest, ReturnsArnNameAndVersion) {
  auto r = Ok("CreateSecret", R"({"Name":"db/password","SecretString":"hunter2",)"
                              R"("ClientRequestToken":")" +
                                  Token(1) + R"("})");
  std::string arn = r["ARN"].GetString();
  EXPECT_TRUE(std::regex_match(
      arn, std::regex("arn:aws:secretsmanager:us-east-1:123456789012:secret:db/password-"
                      "[A-Za-z0-9]{6}")))
      << arn;
  EXPECT_STREQ(r["Name"].GetString(), "db/password");
  EXPECT_EQ(r["VersionId"].GetString(), Token(1));
  EXPECT_FALSE(r.HasMember("ReplicationStatus"));
  EXPECT_EQ(r.MemberCount(), 3u);
}

TEST_F(CreateSecretTest, WithoutValueReturnsOnlyArnAndName) {
  auto r = Ok("CreateSecret", R"({"Name":"empty","ClientRequestToken":")" + Token(1) + R"("})");
  EXPECT_EQ(r.MemberCount(), 2u);
  EXPECT_TRUE(r.HasMember("ARN"));
  EXPECT_FALSE(r.HasMember("VersionId"));
  auto d = Ok("DescribeSecret", R"({"SecretId":"empty"})");
  EXPECT_FALSE(d.HasMember("VersionIdsToStages"));
}

TEST_F(CreateSecretTest, FreshSuffixOnEveryCreate) {
  std::string a = CreateString("x", "1", 1);
  Ok("DeleteSecret", R"({"SecretId":"x","ForceDeleteWithoutRecovery":true})");
  std::string b = CreateString("x", "1", 2);
  ASSERT_FALSE(a.empty());
  EXPECT_NE(a, b);
  // The old ARN no longer names anything.
  ExpectError("DescribeSecret", R"({"SecretId":")" + a + R"("})", msg::kResourceNotFound,
              msg::kSecretNotFound);
}

TEST_F(CreateSecretTest, MissingClientRequestToken) {
  ExpectError("CreateSecret", R"({"Name":"x","SecretString":"v"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
}

TEST_F(CreateSecretTest, InvalidName) {
  ExpectError(
      "CreateSecret",
      R"({"Name":"Inv Name","SecretString":"v","ClientRequestToken":")" + Token(1) + R"("})",
      msg::kValidation, msg::kInvalidName);
}

TEST_F(CreateSecretTest, BothValueTypes) {
  ExpectError("CreateSecret",
              R"({"Name":"x","SecretString":"v","SecretBinary":"dg==","ClientRequestToken":")" +
                  Token(1) + R"("})",
              msg::kInvalidParameter, msg::kBothValueTypes);
}

TEST_F(CreateSecretTest, BinaryValueOverLimit) {
  std::string bytes(65537, 'z');
  ExpectError("CreateSecret",
              R"({"Name":"x","SecretBinary":")" + Base64Encode(bytes) +
                  R"(","ClientRequestToken":")" + Token(1) + R"("})",
              msg::kInvalidParameter, msg::kValueTooLarge);
}

TEST_F(CreateSecretTest, NameExists) {
  CreateString("dup", "v", 1);
  ExpectError("CreateSecret",
              R"({"Name":"dup","SecretString":"v","ClientRequestToken":")" + Token(2) + R"("})",
              msg::kResourceExists, "The operation failed because the secret dup already exists.");
  // Same token but a different value is not a retry.
  ExpectError("CreateSecret",
              R"({"Name":"dup","SecretString":"other","ClientRequestToken":")" + Token(1) + R"("})",
              msg::kResourceExists, "The operation failed because the secret dup already exists.");
}

TEST_F(CreateSecretTest, IdempotentRetry) {
  const std::string req =
      R"({"Name":"idem","SecretString":"v","ClientRequestToken":")" + Token(1) + R"("})";
  auto first = Ok("CreateSecret", req);
  auto again = Ok("CreateSecret", req);
  EXPECT_STREQ(again["ARN"].GetString(), first["ARN"].GetString());
  EXPECT_STREQ(again["VersionId"].GetString(), first["VersionId"].GetString());
  EXPECT_EQ(Labels("idem").size(), 1u);
}

TEST_F(CreateSecretTest, NameScheduledForDeletion) {
  CreateString("gone", "v", 1);
  Ok("DeleteSecret", R"({"SecretId":"gone"})");
  ExpectError("CreateSecret",
              R"({"Name":"gone","SecretString":"v","ClientRequestToken":")" + Token(2) + R"("})",
              msg::kInvalidRequest, msg::kNameScheduledForDeletion);
}

TEST_F(CreateSecretTest, TagsRules) {
  ExpectError("CreateSecret",
              R"({"Name":"t","ClientRequestToken":")" + Token(1) +
                  R"(","Tags":[{"Key":"a","Value":"1"},{"Key":"a","Value":"2"}]})",
              msg::kInvalidParameter, msg::kDuplicateTagKeys);
  ExpectError(
      "CreateSecret",
      R"({"Name":"t","ClientRequestToken":")" + Token(1) +
          R"(","Tags":[{"Key":"aws:x","Value":"1"}]})",
      msg::kInvalidParameter,
      std::string(msg::kReservedTagPrefix) + "aws:x" + std::string(msg::kReservedTagSuffix));
  Ok("CreateSecret",
     R"({"Name":"t","ClientRequestToken":")" + Token(1) +
         R"(","Description":"d","Type":"custom","Tags":[{"Key":"k","Value":"v"}]})");
  auto d = Ok("DescribeSecret", R"({"SecretId":"t"})");
  EXPECT_STREQ(d["Description"].GetString(), "d");
  EXPECT_STREQ(d["Type"].GetString(), "custom");
  ASSERT_EQ(d["Tags"].Size(), 1u);
  EXPECT_STREQ(d["Tags"][0]["Key"].GetString(), "k");
  EXPECT_STREQ(d["Tags"][0]["Value"].GetString(), "v");
}

TEST_F(CreateSecretTest, CustomerKeyIsStoredAsGiven) {
  storage::KmsKeyRecord key = MakeKey();
  ASSERT_FALSE(key.key_id.empty());
  Ok("CreateSecret", R"({"Name":"cmk","SecretString":"v","KmsKeyId":")" + key.key_id +
                         R"(","ClientRequestToken":")" + Token(1) + R"("})");
  auto d = Ok("DescribeSecret", R"({"SecretId":"cmk"})");
  EXPECT_EQ(d["KmsKeyId"].GetString(), key.key_id);
  auto list = Ok("ListSecretVersionIds", R"({"SecretId":"cmk"})");
  EXPECT_EQ(list["Versions"][0]["KmsKeyIds"][0].GetString(), key.arn);
  // The default key: KmsKeyId omitted, DefaultEncryptionKey in the version list.
  CreateString("dflt", "v", 2);
  auto d2 = Ok("DescribeSecret", R"({"SecretId":"dflt"})");
  EXPECT_FALSE(d2.HasMember("KmsKeyId"));
  auto l2 = Ok("ListSecretVersionIds", R"({"SecretId":"dflt"})");
  EXPECT_STREQ(l2["Versions"][0]["KmsKeyIds"][0].GetString(), "DefaultEncryptionKey");
}

TEST_F(CreateSecretTest, UnknownKmsKeyIsEncryptionFailure) {
  ExpectError("CreateSecret",
              R"({"Name":"x","SecretString":"v","KmsKeyId":"alias/nope","ClientRequestToken":")" +
                  Token(1) + R"("})",
              msg::kEncryptionFailure,
              "Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found.");
  // Nothing was created.
  ExpectError("DescribeSecret", R"({"SecretId":"x"})", msg::kResourceNotFound);
}

TEST_F(CreateSecretTest, ReplicaRegions) {
  auto r = Ok("CreateSecret", R"({"Name":"rep","SecretString":"v","ClientRequestToken":")" +
                                  Token(1) + R"(","AddReplicaRegions":[{"Region":"eu-west-1"}]})");
  ASSERT_TRUE(r.HasMember("ReplicationStatus"));
  ASSERT_EQ(r["ReplicationStatus"].Size(), 1u);
  EXPECT_STREQ(r["ReplicationStatus"][0]["Region"].GetString(), "eu-west-1");
  EXPECT_STREQ(r["ReplicationStatus"][0]["Status"].GetString(), "InSync");
  std::string arn = r["ARN"].GetString();
  std::string suffix = arn.substr(arn.size() - 6);

  RequestContext eu = ctx_;
  eu.region = "eu-west-1";
  Reply g = Call("GetSecretValue", R"({"SecretId":"rep"})", &eu);
  ASSERT_TRUE(g.ok()) << g.status.ToString();
  EXPECT_STREQ(g.doc["SecretString"].GetString(), "v");
  EXPECT_EQ(std::string(g.doc["ARN"].GetString()),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rep-" + suffix);
  Reply d = Call("DescribeSecret", R"({"SecretId":"rep"})", &eu);
  ASSERT_TRUE(d.ok());
  EXPECT_STREQ(d.doc["PrimaryRegion"].GetString(), "us-east-1");
  EXPECT_FALSE(d.doc.HasMember("ReplicationStatus"));

  auto primary = Ok("DescribeSecret", R"({"SecretId":"rep"})");
  EXPECT_STREQ(primary["PrimaryRegion"].GetString(), "us-east-1");
  ASSERT_TRUE(primary.HasMember("ReplicationStatus"));
  // A primary with replicas cannot be deleted, nor can the replica itself
  // (AWS texts, messages.h); RemoveRegionsFromReplication deletes the replica.
  ExpectError("DeleteSecret", R"({"SecretId":"rep"})", msg::kInvalidParameter,
              std::string(msg::kPrimaryHasReplicasPrefix) + arn +
                  std::string(msg::kPrimaryHasReplicasMiddle) + "eu-west-1].");
  Reply del = Call("DeleteSecret", R"({"SecretId":"rep"})", &eu);
  EXPECT_EQ(del.status.reason(), msg::kInvalidParameter);
  EXPECT_EQ(del.status.message(), msg::kReplicaReadOnly);
  EXPECT_TRUE(Call("DescribeSecret", R"({"SecretId":"rep"})", &eu).ok());
  Ok("RemoveRegionsFromReplication", R"({"SecretId":"rep","RemoveReplicaRegions":["eu-west-1"]})");
  Reply gone = Call("DescribeSecret", R"({"SecretId":"rep"})", &eu);
  EXPECT_EQ(gone.status.reason(), msg::kResourceNotFound);
  auto after = Ok("DescribeSecret", R"({"SecretId":"rep"})");
  EXPECT_FALSE(after.HasMember("ReplicationStatus"));
  Ok("DeleteSecret", R"({"SecretId":"rep"})");
}

}  // namespace
}  // namespace coffer::secrets::testing
