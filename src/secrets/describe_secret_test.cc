// DescribeSecret: member presence and order (aws-compat §1.4).

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using DescribeSecretTest = SecretsTest;

TEST_F(DescribeSecretTest, MinimalSecretShape) {
  std::string arn = CreateString("plain", "v", 1);
  Reply r = Call("DescribeSecret", R"({"SecretId":"plain"})");
  ASSERT_TRUE(r.ok()) << r.status.ToString();
  // No Description, KmsKeyId, rotation members, Tags, LastAccessedDate,
  // DeletedDate, OwningService, Type, PrimaryRegion or ReplicationStatus.
  EXPECT_EQ(r.text, R"({"ARN":")" + arn +
                        R"(","Name":"plain","LastChangedDate":1709287200.250,)"
                        R"("VersionIdsToStages":{")" +
                        Token(1) +
                        R"(":["AWSCURRENT"]},)"
                        R"("CreatedDate":1709287200.250})");
}

TEST_F(DescribeSecretTest, PendingDeletionShowsDeletedDate) {
  CreateString("s", "v", 1);
  clock_.Advance(1000);
  Ok("DeleteSecret", R"({"SecretId":"s"})");
  auto d = Ok("DescribeSecret", R"({"SecretId":"s"})");
  ASSERT_TRUE(d.HasMember("DeletedDate"));
  EXPECT_DOUBLE_EQ(d["DeletedDate"].GetDouble(), (kStartMs + 1000) / 1000.0);
  Ok("RestoreSecret", R"({"SecretId":"s"})");
  auto r = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_FALSE(r.HasMember("DeletedDate"));
}

TEST_F(DescribeSecretTest, NotFound) {
  ExpectError("DescribeSecret", R"({"SecretId":"nope"})", msg::kResourceNotFound,
              msg::kSecretNotFound);
}

}  // namespace
}  // namespace coffer::secrets::testing
