// CreateAlias, UpdateAlias, DeleteAlias, ListAliases and their rules.
#include "kms/kms_test_fixture.h"

namespace coffer::kms::testing {
namespace {

TEST_F(KmsTest, AliasLifecycle) {
  const std::string a = NewKey();
  const std::string b = NewKey();
  Ok("CreateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + a + R"("})");
  ExpectError("CreateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + b + R"("})",
              "AlreadyExistsException",
              "An alias with the name arn:aws:kms:us-east-1:123456789012:alias/app already exists");
  const std::string blob = EncryptB64("alias/app", "x");
  Ok("UpdateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + Arn(b) + R"("})");
  auto d = Ok("DescribeKey", R"({"KeyId":"alias/app"})");
  EXPECT_EQ(d["KeyMetadata"]["KeyId"].GetString(), b);
  // Ciphertext names the key, not the alias: still decrypts with key a.
  auto plain = Ok("Decrypt", R"({"CiphertextBlob":")" + blob + R"("})");
  EXPECT_EQ(plain["KeyId"].GetString(), Arn(a));
  ExpectError("Decrypt", R"({"CiphertextBlob":")" + blob + R"(","KeyId":"alias/app"})",
              "IncorrectKeyException");
  Ok("DeleteAlias", R"({"AliasName":"alias/app"})");
  ExpectError("DeleteAlias", R"({"AliasName":"alias/app"})", "NotFoundException",
              "Alias arn:aws:kms:us-east-1:123456789012:alias/app is not found.");
  ExpectError("UpdateAlias", R"({"AliasName":"alias/app","TargetKeyId":")" + a + R"("})",
              "NotFoundException");
  EXPECT_EQ(State(a), "Enabled");  // deleting an alias leaves its key alone
}

TEST_F(KmsTest, AliasRules) {
  const std::string a = NewKey();
  ExpectError("CreateAlias", R"({"AliasName":"app","TargetKeyId":")" + a + R"("})",
              "ValidationException",
              "Alias must start with the prefix \"alias/\". Please see "
              "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  ExpectError("CreateAlias", R"({"AliasName":"alias/aws/mine","TargetKeyId":")" + a + R"("})",
              "NotAuthorizedException");
  Ok("CreateAlias", R"({"AliasName":"alias/first","TargetKeyId":")" + a + R"("})");
  ExpectError("CreateAlias", R"({"AliasName":"alias/second","TargetKeyId":"alias/first"})",
              "ValidationException", "Aliases must refer to keys. Not aliases");
  ExpectError(
      "CreateAlias",
      R"({"AliasName":"alias/second","TargetKeyId":"00000000-0000-4000-8000-000000000000"})",
      "NotFoundException");
  Ok("ScheduleKeyDeletion", R"({"KeyId":")" + a + R"("})");
  ExpectError("CreateAlias", R"({"AliasName":"alias/second","TargetKeyId":")" + a + R"("})",
              "KMSInvalidStateException");
}

TEST_F(KmsTest, ListAliasesFiltersAndPaginates) {
  const std::string a = NewKey();
  const std::string b = NewKey();
  for (const char* name : {"alias/a1", "alias/a2", "alias/a3"})
    Ok("CreateAlias",
       std::string(R"({"AliasName":")") + name + R"(","TargetKeyId":")" + a + R"("})");
  Ok("CreateAlias", R"({"AliasName":"alias/b1","TargetKeyId":")" + b + R"("})");

  auto all = Ok("ListAliases", "{}");
  ASSERT_TRUE(all.IsObject());
  // Four of ours plus the AWS managed alias, listed before its key exists.
  ASSERT_EQ(all["Aliases"].Size(), 5u);
  bool saw_managed = false;
  for (const auto& e : all["Aliases"].GetArray()) {
    if (std::string(e["AliasName"].GetString()) == "alias/aws/secretsmanager") {
      saw_managed = true;
      EXPECT_FALSE(e.HasMember("TargetKeyId"));
    } else {
      EXPECT_TRUE(e.HasMember("TargetKeyId"));
      EXPECT_EQ(std::string(e["AliasArn"].GetString()),
                "arn:aws:kms:us-east-1:123456789012:" + std::string(e["AliasName"].GetString()));
    }
  }
  EXPECT_TRUE(saw_managed);

  auto only_a = Ok("ListAliases", R"({"KeyId":")" + a + R"("})");
  EXPECT_EQ(only_a["Aliases"].Size(), 3u);
  auto p1 = Ok("ListAliases", R"({"KeyId":")" + a + R"(","Limit":2})");
  ASSERT_EQ(p1["Aliases"].Size(), 2u);
  EXPECT_TRUE(p1["Truncated"].GetBool());
  auto p2 = Ok("ListAliases", R"({"KeyId":")" + a + R"(","Limit":2,"Marker":")" +
                                  std::string(p1["NextMarker"].GetString()) + R"("})");
  ASSERT_EQ(p2["Aliases"].Size(), 1u);
  EXPECT_EQ(std::string(p2["Aliases"][0]["AliasName"].GetString()), "alias/a3");
  EXPECT_FALSE(p2["Truncated"].GetBool());
}

}  // namespace
}  // namespace coffer::kms::testing
