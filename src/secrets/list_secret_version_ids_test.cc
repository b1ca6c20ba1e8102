// ListSecretVersionIds: order, shape and pagination.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using ListSecretVersionIdsTest = SecretsTest;

TEST_F(ListSecretVersionIdsTest, ShapeAndOrder) {
  std::string arn = CreateString("s", "one", 1);
  clock_.Advance(1000);
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"two","VersionStages":["b","a","AWSPENDING"],)"
     R"("ClientRequestToken":")" +
         Token(2) + R"("})");
  Reply r = Call("ListSecretVersionIds", R"({"SecretId":"s"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.text, R"({"Versions":[{"VersionId":")" + Token(1) +
                        R"(","VersionStages":["AWSCURRENT"],"CreatedDate":1709287200.250,)"
                        R"("KmsKeyIds":["DefaultEncryptionKey"]},{"VersionId":")" +
                        Token(2) +
                        R"(","VersionStages":["AWSPENDING","a","b"],"CreatedDate":1709287201.250,)"
                        R"("KmsKeyIds":["DefaultEncryptionKey"]}],"ARN":")" +
                        arn + R"(","Name":"s"})");
}

TEST_F(ListSecretVersionIdsTest, Pagination) {
  CreateString("s", "v", 1);
  for (int i = 2; i <= 5; ++i)
    Ok("PutSecretValue", R"({"SecretId":"s","SecretString":"v","VersionStages":["L)" +
                             std::to_string(i) + R"("],"ClientRequestToken":")" + Token(i) +
                             R"("})");
  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    std::string req = R"({"SecretId":"s","MaxResults":2)";
    if (!next.empty()) req += R"(,"NextToken":")" + next + R"(")";
    auto page = Ok("ListSecretVersionIds", req + "}");
    ASSERT_TRUE(page.IsObject());
    for (const auto& v : page["Versions"].GetArray()) seen.emplace_back(v["VersionId"].GetString());
    next = page.HasMember("NextToken") ? page["NextToken"].GetString() : "";
    ++pages;
  } while (!next.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{Token(1), Token(2), Token(3), Token(4), Token(5)}));

  ExpectError("ListSecretVersionIds", R"({"SecretId":"s","NextToken":"garbage"})",
              msg::kInvalidNextToken, msg::kInvalidNextTokenText);
  // A token of one secret is not accepted for another.
  auto first = Ok("ListSecretVersionIds", R"({"SecretId":"s","MaxResults":1})");
  CreateString("t", "v", 7);
  ExpectError(
      "ListSecretVersionIds",
      R"({"SecretId":"t","NextToken":")" + std::string(first["NextToken"].GetString()) + R"("})",
      msg::kInvalidNextToken);
}

TEST_F(ListSecretVersionIdsTest, NotFound) {
  ExpectError("ListSecretVersionIds", R"({"SecretId":"nope"})", msg::kResourceNotFound,
              msg::kSecretNotFound);
}

}  // namespace
}  // namespace coffer::secrets::testing
