// Key policies (validation, storage) and tags.
#include "kms/key_policy_document.h"
#include "kms/kms_test_fixture.h"

namespace coffer::kms::testing {
namespace {

TEST(KeyPolicyValidation, AcceptsAndRejects) {
  EXPECT_TRUE(ValidateKeyPolicy(DefaultKeyPolicy("123456789012")).ok());
  EXPECT_TRUE(ValidateKeyPolicy(crypto::DefaultSecretsKeyPolicy("123456789012", "us-east-1")).ok());
  EXPECT_TRUE(
      ValidateKeyPolicy(
          R"({"Statement":{"Effect":"Deny","Principal":{"AWS":["arn:aws:iam::1:root"]},"NotAction":"kms:Decrypt"}})")
          .ok());
  for (
      const char* bad : {
          "not json",
          "[]",
          R"({"Version":"2012-10-17"})",
          R"({"Statement":[]})",
          R"({"Statement":["x"]})",
          R"({"Version":"2020-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*"}})",
          R"({"Statement":{"Effect":"Maybe","Principal":"*","Action":"kms:*"}})",
          R"({"Statement":{"Effect":"Allow","Action":"kms:*"}})",
          R"({"Statement":{"Effect":"Allow","Principal":"someone","Action":"kms:*"}})",
          R"({"Statement":{"Effect":"Allow","Principal":{"Nobody":"x"},"Action":"kms:*"}})",
          R"({"Statement":{"Effect":"Allow","Principal":"*"}})",
      }) {
    Status s = ValidateKeyPolicy(bad);
    EXPECT_EQ(s.reason(), "MalformedPolicyDocumentException") << bad;
  }
}

TEST_F(KmsTest, KeyPolicyStoredAndReturned) {
  const std::string id = NewKey();
  auto p = Ok("GetKeyPolicy", R"({"KeyId":")" + id + R"(","PolicyName":"default"})");
  EXPECT_EQ(p["Policy"].GetString(), DefaultKeyPolicy("123456789012"));
  EXPECT_EQ(std::string(p["PolicyName"].GetString()), "default");
  const std::string policy =
      R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",)"
      R"(\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]})";
  Ok("PutKeyPolicy", R"({"KeyId":")" + id + R"(","Policy":")" + policy + R"("})");
  auto got = Ok("GetKeyPolicy", R"({"KeyId":")" + Arn(id) + R"("})");
  EXPECT_EQ(std::string(got["Policy"].GetString()).find("\"Version\":\"2012-10-17\""), 1u);
  ExpectError("PutKeyPolicy", R"({"KeyId":")" + id + R"(","Policy":"{}"})",
              "MalformedPolicyDocumentException");
  ExpectError("GetKeyPolicy", R"({"KeyId":")" + id + R"(","PolicyName":"other"})",
              "NotFoundException", "No such policy exists");
  auto names = Ok("ListKeyPolicies", R"({"KeyId":")" + id + R"("})");
  ASSERT_EQ(names["PolicyNames"].Size(), 1u);
  EXPECT_EQ(std::string(names["PolicyNames"][0].GetString()), "default");
  EXPECT_FALSE(names["Truncated"].GetBool());
  // CreateKey with a policy keeps it verbatim.
  auto d = Ok("CreateKey", R"({"Policy":")" + policy + R"("})");
  const std::string id2 = d["KeyMetadata"]["KeyId"].GetString();
  auto got2 = Ok("GetKeyPolicy", R"({"KeyId":")" + id2 + R"("})");
  EXPECT_EQ(std::string(got2["Policy"].GetString()).find("arn:aws:iam::123456789012:root") !=
                std::string::npos,
            true);
}

TEST_F(KmsTest, TagsAddReplaceRemoveAndList) {
  const std::string id = NewKey(R"("Tags":[{"TagKey":"b","TagValue":"1"}])");
  Ok("TagResource",
     R"({"KeyId":")" + id +
         R"(","Tags":[{"TagKey":"a","TagValue":"2"},{"TagKey":"b","TagValue":"3"}]})");
  auto t = Ok("ListResourceTags", R"({"KeyId":")" + id + R"("})");
  ASSERT_EQ(t["Tags"].Size(), 2u);
  EXPECT_EQ(std::string(t["Tags"][0]["TagKey"].GetString()), "a");
  EXPECT_EQ(std::string(t["Tags"][1]["TagValue"].GetString()), "3");
  auto p1 = Ok("ListResourceTags", R"({"KeyId":")" + id + R"(","Limit":1})");
  ASSERT_EQ(p1["Tags"].Size(), 1u);
  EXPECT_TRUE(p1["Truncated"].GetBool());
  auto p2 = Ok("ListResourceTags", R"({"KeyId":")" + id + R"(","Limit":1,"Marker":")" +
                                       std::string(p1["NextMarker"].GetString()) + R"("})");
  ASSERT_EQ(p2["Tags"].Size(), 1u);
  EXPECT_EQ(std::string(p2["Tags"][0]["TagKey"].GetString()), "b");
  Ok("UntagResource", R"({"KeyId":")" + id + R"(","TagKeys":["a","zz"]})");
  auto t2 = Ok("ListResourceTags", R"({"KeyId":")" + id + R"("})");
  ASSERT_EQ(t2["Tags"].Size(), 1u);
  ExpectError("TagResource",
              R"({"KeyId":")" + id +
                  R"(","Tags":[{"TagKey":"x","TagValue":"1"},{"TagKey":"x","TagValue":"2"}]})",
              "TagException", "Duplicate tag keys");
  ExpectError("TagResource",
              R"({"KeyId":")" + id + R"(","Tags":[{"TagKey":"aws:x","TagValue":"1"}]})",
              "TagException", "Tags beginning with aws: are reserved");
  std::string many = "[";
  for (int i = 0; i < 50; ++i)
    many +=
        std::string(i ? "," : "") + R"({"TagKey":"k)" + std::to_string(i) + R"(","TagValue":"v"})";
  many += "]";
  ExpectError("TagResource", R"({"KeyId":")" + id + R"(","Tags":)" + many + "}", "TagException",
              "Too many tags");
}

}  // namespace
}  // namespace coffer::kms::testing
