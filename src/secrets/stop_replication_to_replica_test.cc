// StopReplicationToReplica through Service::Handle: promotion keeps the
// values, re-sealed for the replica's own ARN.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using StopReplicationToReplicaTest = SecretsTest;

TEST_F(StopReplicationToReplicaTest, PromotesWithItsValues) {
  CreateString("s", "one", 1);
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"two","ClientRequestToken":")" + Token(2) + R"("})");
  Ok("ReplicateSecretToRegions",
     R"({"SecretId":"s","AddReplicaRegions":[{"Region":"eu-west-1"}]})");
  RequestContext eu = ctx_;
  eu.region = "eu-west-1";
  Reply stop = Call("StopReplicationToReplica", R"({"SecretId":"s"})", &eu);
  ASSERT_TRUE(stop.ok()) << stop.status.ToString();
  EXPECT_NE(std::string(stop.doc["ARN"].GetString()).find(":eu-west-1:"), std::string::npos);

  Reply desc = Call("DescribeSecret", R"({"SecretId":"s"})", &eu);
  // Promoted, it is neither a replica nor replicated: no PrimaryRegion.
  ASSERT_TRUE(desc.ok()) << desc.status.ToString();
  EXPECT_FALSE(desc.doc.HasMember("PrimaryRegion"));
  Reply cur = Call("GetSecretValue", R"({"SecretId":"s"})", &eu);
  ASSERT_TRUE(cur.ok()) << cur.status.ToString();
  EXPECT_STREQ(cur.doc["SecretString"].GetString(), "two");
  Reply prev = Call("GetSecretValue", R"({"SecretId":"s","VersionStage":"AWSPREVIOUS"})", &eu);
  ASSERT_TRUE(prev.ok()) << prev.status.ToString();
  EXPECT_STREQ(prev.doc["SecretString"].GetString(), "one");

  // The two secrets are now independent.
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("ReplicationStatus"));
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"three","ClientRequestToken":")" + Token(3) + R"("})");
  EXPECT_STREQ(Call("GetSecretValue", R"({"SecretId":"s"})", &eu).doc["SecretString"].GetString(),
               "two");
  Reply put = Call(
      "PutSecretValue",
      R"({"SecretId":"s","SecretString":"four","ClientRequestToken":")" + Token(4) + R"("})", &eu);
  EXPECT_TRUE(put.ok()) << put.status.ToString();
  Ok("DeleteSecret", R"({"SecretId":"s","ForceDeleteWithoutRecovery":true})");
}

TEST_F(StopReplicationToReplicaTest, OnlyReplicas) {
  CreateString("s", "v", 1);
  ExpectError("StopReplicationToReplica", R"({"SecretId":"s"})", msg::kInvalidRequest,
              msg::kNotAReplica);
  ExpectError("StopReplicationToReplica", R"({"SecretId":"nope"})", msg::kResourceNotFound);
}

}  // namespace
}  // namespace coffer::secrets::testing
