// ReplicateSecretToRegions through Service::Handle (regions are namespaces of
// one deployment).

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

class ReplicateSecretToRegionsTest : public SecretsTest {
 protected:
  RequestContext In(const std::string& region) {
    RequestContext c = ctx_;
    c.region = region;
    return c;
  }
};

TEST_F(ReplicateSecretToRegionsTest, ReplicaFollowsThePrimary) {
  std::string arn = CreateString("s", "one", 1);
  auto d = Ok("ReplicateSecretToRegions",
              R"({"SecretId":"s","AddReplicaRegions":[{"Region":"eu-west-1"}]})");
  EXPECT_EQ(std::string(d["ARN"].GetString()), arn);
  ASSERT_EQ(d["ReplicationStatus"].Size(), 1u);
  EXPECT_STREQ(d["ReplicationStatus"][0]["Region"].GetString(), "eu-west-1");
  EXPECT_STREQ(d["ReplicationStatus"][0]["Status"].GetString(), "InSync");

  RequestContext eu = In("eu-west-1");
  Reply desc = Call("DescribeSecret", R"({"SecretId":"s"})", &eu);
  ASSERT_TRUE(desc.ok()) << desc.status.ToString();
  std::string replica_arn = desc.doc["ARN"].GetString();
  EXPECT_EQ(replica_arn.substr(replica_arn.size() - 7), arn.substr(arn.size() - 7));  // same suffix
  EXPECT_NE(replica_arn.find(":eu-west-1:"), std::string::npos);
  EXPECT_STREQ(desc.doc["PrimaryRegion"].GetString(), "us-east-1");

  Reply get = Call("GetSecretValue", R"({"SecretId":"s"})", &eu);
  ASSERT_TRUE(get.ok()) << get.status.ToString();
  EXPECT_STREQ(get.doc["SecretString"].GetString(), "one");
  EXPECT_EQ(std::string(get.doc["ARN"].GetString()), replica_arn);
  Ok("PutSecretValue",
     R"({"SecretId":"s","SecretString":"two","ClientRequestToken":")" + Token(2) + R"("})");
  get = Call("GetSecretValue", R"({"SecretId":"s"})", &eu);
  EXPECT_STREQ(get.doc["SecretString"].GetString(), "two");

  Reply list = Call("ListSecrets", "{}", &eu);
  ASSERT_EQ(list.doc["SecretList"].Size(), 1u);
  EXPECT_TRUE(list.doc["SecretList"][0].HasMember("SecretVersionsToStages"));
  Reply batch = Call("BatchGetSecretValue", R"({"SecretIdList":["s"]})", &eu);
  EXPECT_STREQ(batch.doc["SecretValues"][0]["SecretString"].GetString(), "two");

  auto primary = Ok("DescribeSecret", R"({"SecretId":"s"})");
  ASSERT_TRUE(primary.HasMember("ReplicationStatus"));
  EXPECT_STREQ(primary["ReplicationStatus"][0]["Region"].GetString(), "eu-west-1");
  // A replica is read-only: it cannot itself be replicated or rotated.
  Reply again = Call("ReplicateSecretToRegions",
                     R"({"SecretId":"s","AddReplicaRegions":[{"Region":"ap-south-1"}]})", &eu);
  EXPECT_EQ(again.status.reason(), msg::kInvalidParameter);
  EXPECT_EQ(again.status.message(), msg::kReplicaReadOnly);
}

TEST_F(ReplicateSecretToRegionsTest, NameClashFailsUnlessForced) {
  CreateString("s", "primary", 1);
  RequestContext ap = In("ap-south-1");
  Reply local = Call(
      "CreateSecret",
      R"({"Name":"s","SecretString":"local","ClientRequestToken":")" + Token(2) + R"("})", &ap);
  ASSERT_TRUE(local.ok()) << local.status.ToString();
  auto d = Ok("ReplicateSecretToRegions",
              R"({"SecretId":"s","AddReplicaRegions":[{"Region":"ap-south-1"}]})");
  EXPECT_STREQ(d["ReplicationStatus"][0]["Status"].GetString(), "Failed");
  EXPECT_STREQ(d["ReplicationStatus"][0]["StatusMessage"].GetString(),
               "Replication failed: Secret name already exists in Region ap-south-1.");
  EXPECT_STREQ(Call("GetSecretValue", R"({"SecretId":"s"})", &ap).doc["SecretString"].GetString(),
               "local");
  d = Ok(
      "ReplicateSecretToRegions",
      R"({"SecretId":"s","AddReplicaRegions":[{"Region":"ap-south-1"}],"ForceOverwriteReplicaSecret":true})");
  EXPECT_STREQ(d["ReplicationStatus"][0]["Status"].GetString(), "InSync");
  EXPECT_STREQ(Call("GetSecretValue", R"({"SecretId":"s"})", &ap).doc["SecretString"].GetString(),
               "primary");
  auto primary = Ok("DescribeSecret", R"({"SecretId":"s"})");
  EXPECT_EQ(primary["ReplicationStatus"].Size(), 1u);  // the Failed record was replaced
}

TEST_F(ReplicateSecretToRegionsTest, Errors) {
  CreateString("s", "v", 1);
  ExpectError("ReplicateSecretToRegions",
              R"({"SecretId":"s","AddReplicaRegions":[{"Region":"us-east-1"}]})",
              msg::kInvalidParameter, msg::kInvalidReplicaRegion);
  ExpectError(
      "ReplicateSecretToRegions",
      R"({"SecretId":"s","AddReplicaRegions":[{"Region":"eu-west-1"},{"Region":"eu-west-1"}]})",
      msg::kInvalidParameter, msg::kInvalidReplicaRegion);
  ExpectError("ReplicateSecretToRegions",
              R"({"SecretId":"nope","AddReplicaRegions":[{"Region":"eu-west-1"}]})",
              msg::kResourceNotFound, msg::kSecretNotFound);
  auto d = Ok(
      "ReplicateSecretToRegions",
      R"({"SecretId":"s","AddReplicaRegions":[{"Region":"eu-west-1","KmsKeyId":"alias/missing"}]})");
  EXPECT_STREQ(d["ReplicationStatus"][0]["Status"].GetString(), "Failed");
}

}  // namespace
}  // namespace coffer::secrets::testing
