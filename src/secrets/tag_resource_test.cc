// TagResource / UntagResource.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using TagResourceTest = SecretsTest;

TEST_F(TagResourceTest, TagsAppearThenEmptyArrayAfterRemoval) {
  CreateString("s", "v", 1);
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("Tags"));
  auto t =
      Ok("TagResource",
         R"({"SecretId":"s","Tags":[{"Key":"env","Value":"prod"},{"Key":"team","Value":"a"}]})");
  EXPECT_EQ(t.MemberCount(), 0u);  // empty output: {}
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  ASSERT_EQ(d["Tags"].Size(), 2u);
  // An existing key takes the new value.
  Ok("TagResource", R"({"SecretId":"s","Tags":[{"Key":"env","Value":"dev"}]})");
  d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  ASSERT_EQ(d["Tags"].Size(), 2u);
  EXPECT_STREQ(d["Tags"][0]["Value"].GetString(), "dev");
  Ok("UntagResource", R"({"SecretId":"s","TagKeys":["env","team"]})");
  d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  ASSERT_TRUE(d.HasMember("Tags"));
  EXPECT_TRUE(d["Tags"].IsArray());
  EXPECT_EQ(d["Tags"].Size(), 0u);
}

TEST_F(TagResourceTest, Rules) {
  CreateString("s", "v", 1);
  ExpectError(
      "TagResource", R"({"SecretId":"s","Tags":[{"Key":"aws:owner","Value":"x"}]})",
      msg::kInvalidParameter,
      std::string(msg::kReservedTagPrefix) + "aws:owner" + std::string(msg::kReservedTagSuffix));
  ExpectError("TagResource",
              R"({"SecretId":"s","Tags":[{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}]})",
              msg::kInvalidParameter, msg::kDuplicateTagKeys);
  std::string tags;
  for (int i = 0; i < 50; ++i)
    tags += std::string(i ? "," : "") + R"({"Key":"k)" + std::to_string(i) + R"(","Value":"v"})";
  Ok("TagResource", R"({"SecretId":"s","Tags":[)" + tags + "]}");
  ExpectError("TagResource", R"({"SecretId":"s","Tags":[{"Key":"one-more","Value":"v"}]})",
              msg::kLimitExceeded, msg::kTooManyTags);
  EXPECT_EQ(Ok("DescribeSecret", R"({"SecretId":"s"})")["Tags"].Size(), 50u);
}

TEST_F(TagResourceTest, PendingDeletionRejected) {
  CreateString("s", "v", 1);
  Ok("DeleteSecret", R"({"SecretId":"s"})");
  ExpectError("TagResource", R"({"SecretId":"s","Tags":[{"Key":"k","Value":"v"}]})",
              msg::kInvalidRequest, msg::kMarkedForDeletion);
  ExpectError("UntagResource", R"({"SecretId":"s","TagKeys":["k"]})", msg::kInvalidRequest,
              msg::kMarkedForDeletion);
  ExpectError("TagResource", R"({"SecretId":"nope","Tags":[{"Key":"k","Value":"v"}]})",
              msg::kResourceNotFound, msg::kSecretNotFound);
}

TEST_F(TagResourceTest, TaggingChangesLastChangedDate) {
  CreateString("s", "v", 1);
  clock_.Advance(60000);
  Ok("TagResource", R"({"SecretId":"s","Tags":[{"Key":"k","Value":"v"}]})");
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_NEAR(d["LastChangedDate"].GetDouble(), (kStartMs + 60000) / 1000.0, 0.0005);
}

}  // namespace
}  // namespace coffer::secrets::testing
