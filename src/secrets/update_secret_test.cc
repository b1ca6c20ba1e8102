// UpdateSecret: metadata, new values and key changes.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;
using L = std::vector<std::string>;

class UpdateSecretTest : public SecretsTest {
 protected:
  std::vector<storage::VersionRecord> StoredVersions(const std::string& name) {
    auto txn = parts_.store->Begin(storage::TxnMode::kRead);
    EXPECT_TRUE(txn.ok());
    auto s = (*txn)->GetSecretByName(ctx_.account_id, ctx_.region, name);
    EXPECT_TRUE(s.ok() && s->has_value());
    auto vs = (*txn)->ListVersions((*s)->id);
    EXPECT_TRUE(vs.ok());
    return *vs;
  }
};

TEST_F(UpdateSecretTest, MetadataOnlyCreatesNoVersion) {
  CreateString("s", "v", 1);
  clock_.Advance(1000);
  auto r = Ok("UpdateSecret", R"({"SecretId":"s","Description":"new","Type":"t",)"
                              R"("ClientRequestToken":")" +
                                  Token(2) + R"("})");
  EXPECT_EQ(r.MemberCount(), 2u);
  EXPECT_FALSE(r.HasMember("VersionId"));
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_STREQ(d["Description"].GetString(), "new");
  EXPECT_STREQ(d["Type"].GetString(), "t");
  EXPECT_NEAR(d["LastChangedDate"].GetDouble(), (kStartMs + 1000) / 1000.0, 0.0005);
  EXPECT_EQ(Labels("s").size(), 1u);
}

TEST_F(UpdateSecretTest, ValueCreatesCurrentVersion) {
  CreateString("s", "v1", 1);
  auto r = Ok("UpdateSecret",
              R"({"SecretId":"s","SecretString":"v2","ClientRequestToken":")" + Token(2) + R"("})");
  EXPECT_EQ(r["VersionId"].GetString(), Token(2));
  EXPECT_EQ(Labels("s"),
            (std::map<std::string, L>{{Token(1), {"AWSPREVIOUS"}}, {Token(2), {"AWSCURRENT"}}}));
  EXPECT_STREQ(Ok("GetSecretValue", R"({"SecretId":"s"})")["SecretString"].GetString(), "v2");
  // Same token, same value: no-op; different value: error.
  Ok("UpdateSecret",
     R"({"SecretId":"s","SecretString":"v2","ClientRequestToken":")" + Token(2) + R"("})");
  ExpectError("UpdateSecret",
              R"({"SecretId":"s","SecretString":"v3","ClientRequestToken":")" + Token(2) + R"("})",
              msg::kResourceExists, msg::kVersionExists);
  ExpectError("UpdateSecret", R"({"SecretId":"s","SecretString":"v3"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  EXPECT_EQ(Labels("s").size(), 2u);
}

TEST_F(UpdateSecretTest, KeyChangeReencryptsLabelledVersions) {
  CreateString("s", "v1", 1);
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"v2","ClientRequestToken":")" + Token(2) + R"("})");
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"v3","ClientRequestToken":")" + Token(3) + R"("})");
  Ok("PutSecretValue", R"({"SecretId":"s","SecretString":"p","VersionStages":["AWSPENDING"],)"
                       R"("ClientRequestToken":")" +
                           Token(4) + R"("})");
  auto before = StoredVersions("s");
  ASSERT_EQ(before.size(), 4u);
  const std::string default_arn = before[0].kms_key_arn;
  storage::KmsKeyRecord key = MakeKey();
  auto r = Ok("UpdateSecret", R"({"SecretId":"s","KmsKeyId":")" + key.arn +
                                  R"(","ClientRequestToken":")" + Token(9) + R"("})");
  EXPECT_FALSE(r.HasMember("VersionId"));
  auto after = StoredVersions("s");
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[0].kms_key_arn, default_arn);  // deprecated v1 keeps its key
  EXPECT_EQ(after[0].sealed_value, before[0].sealed_value);
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(after[i].kms_key_arn, key.arn) << i;
    EXPECT_NE(after[i].sealed_value, before[i].sealed_value) << i;
  }
  EXPECT_STREQ(Ok("GetSecretValue", R"({"SecretId":"s"})")["SecretString"].GetString(), "v3");
  EXPECT_STREQ(
      Ok("GetSecretValue", R"({"SecretId":"s","VersionStage":"AWSPENDING"})")["SecretString"]
          .GetString(),
      "p");
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_EQ(d["KmsKeyId"].GetString(), key.arn);
  // New values go under the new key too.
  Ok("UpdateSecret",
     R"({"SecretId":"s","SecretString":"v5","ClientRequestToken":")" + Token(5) + R"("})");
  EXPECT_EQ(StoredVersions("s").back().kms_key_arn, key.arn);
}

TEST_F(UpdateSecretTest, KeyChangeToMissingKeyFailsAndChangesNothing) {
  CreateString("s", "v1", 1);
  ExpectError(
      "UpdateSecret",
      R"({"SecretId":"s","KmsKeyId":"alias/none","ClientRequestToken":")" + Token(2) + R"("})",
      msg::kEncryptionFailure, "Alias arn:aws:kms:us-east-1:123456789012:alias/none is not found.");
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("KmsKeyId"));
}

}  // namespace
}  // namespace coffer::secrets::testing
