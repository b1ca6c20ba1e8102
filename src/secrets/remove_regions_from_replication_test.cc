// RemoveRegionsFromReplication through Service::Handle.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using RemoveRegionsFromReplicationTest = SecretsTest;

TEST_F(RemoveRegionsFromReplicationTest, DeletesTheReplica) {
  std::string arn = CreateString("s", "v", 1);
  Ok("ReplicateSecretToRegions",
     R"({"SecretId":"s","AddReplicaRegions":[{"Region":"eu-west-1"},{"Region":"ap-south-1"}]})");
  auto d = Ok("RemoveRegionsFromReplication",
              R"({"SecretId":"s","RemoveReplicaRegions":["eu-west-1"]})");
  EXPECT_EQ(std::string(d["ARN"].GetString()), arn);
  ASSERT_EQ(d["ReplicationStatus"].Size(), 1u);
  EXPECT_STREQ(d["ReplicationStatus"][0]["Region"].GetString(), "ap-south-1");
  RequestContext eu = ctx_;
  eu.region = "eu-west-1";
  EXPECT_EQ(Call("DescribeSecret", R"({"SecretId":"s"})", &eu).status.reason(),
            msg::kResourceNotFound);
  RequestContext ap = ctx_;
  ap.region = "ap-south-1";
  EXPECT_TRUE(Call("DescribeSecret", R"({"SecretId":"s"})", &ap).ok());
  // Removing on the replica's side is refused; the primary can remove the rest.
  EXPECT_EQ(Call("RemoveRegionsFromReplication",
                 R"({"SecretId":"s","RemoveReplicaRegions":["ap-south-1"]})", &ap)
                .status.reason(),
            msg::kInvalidParameter);
  d = Ok("RemoveRegionsFromReplication",
         R"({"SecretId":"s","RemoveReplicaRegions":["ap-south-1"]})");
  EXPECT_EQ(d["ReplicationStatus"].Size(), 0u);
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("ReplicationStatus"));
  Ok("DeleteSecret", R"({"SecretId":"s"})");  // no replicas left: deletion is allowed
}

}  // namespace
}  // namespace coffer::secrets::testing
