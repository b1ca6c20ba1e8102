// CreateKey, DescribeKey, ListKeys, Enable/Disable, deletion scheduling and
// the AWS managed key's refusals.
#include <set>

#include "kms/kms_test_fixture.h"

namespace coffer::kms::testing {
namespace {

TEST_F(KmsTest, CreateKeyReturnsSymmetricCustomerManagedMetadata) {
  auto d = Ok("CreateKey", R"({"Description":"orders","Tags":[{"TagKey":"team","TagValue":"a"}]})");
  ASSERT_TRUE(d.IsObject());
  const auto& m = d["KeyMetadata"];
  const std::string id = m["KeyId"].GetString();
  EXPECT_EQ(m["Arn"].GetString(), Arn(id));
  EXPECT_EQ(std::string(m["AWSAccountId"].GetString()), "123456789012");
  EXPECT_EQ(std::string(m["KeyManager"].GetString()), "CUSTOMER");
  EXPECT_EQ(std::string(m["KeyState"].GetString()), "Enabled");
  EXPECT_TRUE(m["Enabled"].GetBool());
  EXPECT_EQ(std::string(m["KeySpec"].GetString()), "SYMMETRIC_DEFAULT");
  EXPECT_EQ(std::string(m["KeyUsage"].GetString()), "ENCRYPT_DECRYPT");
  EXPECT_EQ(std::string(m["Description"].GetString()), "orders");
  EXPECT_EQ(std::string(m["CurrentKeyMaterialId"].GetString()).size(), 64u);
  EXPECT_FALSE(m.HasMember("DeletionDate"));
}

TEST_F(KmsTest, CreateKeyRejectsWhatCofferDoesNotServe) {
  ExpectError("CreateKey", R"({"KeySpec":"RSA_2048"})", "UnsupportedOperationException",
              "Coffer does not support KeySpec RSA_2048.");
  ExpectError("CreateKey", R"({"KeyUsage":"SIGN_VERIFY"})", "UnsupportedOperationException");
  ExpectError("CreateKey", R"({"Origin":"EXTERNAL"})", "UnsupportedOperationException");
  ExpectError("CreateKey", R"({"MultiRegion":true})", "UnsupportedOperationException");
  ExpectError("CreateKey", R"({"Policy":"{\"Statement\":[]}"})",
              "MalformedPolicyDocumentException");
  ExpectError("CreateKey", R"({"Tags":[{"TagKey":"aws:x","TagValue":"1"}]})", "TagException",
              "Tags beginning with aws: are reserved");
  auto keys = Ok("ListKeys", "{}");
  EXPECT_EQ(keys["Keys"].Size(), 0u);  // nothing half-created
}

TEST_F(KmsTest, DescribeKeyByIdArnAliasAndAliasArn) {
  const std::string id = NewKey();
  Ok("CreateAlias", R"({"AliasName":"alias/orders","TargetKeyId":")" + id + R"("})");
  for (const std::string& spec : {id, Arn(id), std::string("alias/orders"),
                                  std::string("arn:aws:kms:us-east-1:123456789012:alias/orders")}) {
    auto d = Ok("DescribeKey", R"({"KeyId":")" + spec + R"("})");
    ASSERT_TRUE(d.IsObject()) << spec;
    EXPECT_EQ(d["KeyMetadata"]["KeyId"].GetString(), id) << spec;
  }
  ExpectError("DescribeKey", R"({"KeyId":"alias/nope"})", "NotFoundException",
              "Alias arn:aws:kms:us-east-1:123456789012:alias/nope is not found.");
  ExpectError("DescribeKey", R"({"KeyId":"00000000-0000-4000-8000-000000000000"})",
              "NotFoundException",
              "Key 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000' "
              "does not exist");
  ExpectError("DescribeKey", R"({"KeyId":"not-a-key"})", "NotFoundException",
              "Invalid keyId 'not-a-key'");
  // Another account or region sees nothing.
  RequestContext other = ctx_;
  other.account_id = "210987654321";
  EXPECT_EQ(Call("DescribeKey", R"({"KeyId":")" + id + R"("})", &other).status.reason(),
            "NotFoundException");
  other = ctx_;
  other.region = "eu-west-1";
  EXPECT_EQ(Call("DescribeKey", R"({"KeyId":")" + id + R"("})", &other).status.reason(),
            "NotFoundException");
}

TEST_F(KmsTest, DisableEnableAndStates) {
  const std::string id = NewKey();
  Ok("DisableKey", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(State(id), "Disabled");
  ExpectError("Encrypt", R"({"KeyId":")" + id + R"(","Plaintext":"aGk="})", "DisabledException",
              Arn(id) + " is disabled.");
  Ok("DisableKey", R"({"KeyId":")" + id + R"("})");  // idempotent
  Ok("EnableKey", R"({"KeyId":")" + Arn(id) + R"("})");
  EXPECT_EQ(State(id), "Enabled");
  EXPECT_FALSE(EncryptB64(id, "hi").empty());
  ExpectError("DisableKey", R"({"KeyId":"alias/x"})", "NotFoundException",
              "Invalid keyId 'alias/x'");
}

TEST_F(KmsTest, ScheduleAndCancelKeyDeletion) {
  const std::string id = NewKey();
  ExpectError("ScheduleKeyDeletion", R"({"KeyId":")" + id + R"(","PendingWindowInDays":6})",
              "ValidationException");
  ExpectError("ScheduleKeyDeletion", R"({"KeyId":")" + id + R"(","PendingWindowInDays":31})",
              "ValidationException");
  auto d = Ok("ScheduleKeyDeletion", R"({"KeyId":")" + id + R"(","PendingWindowInDays":7})");
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["KeyId"].GetString(), Arn(id));
  EXPECT_EQ(std::string(d["KeyState"].GetString()), "PendingDeletion");
  EXPECT_EQ(d["PendingWindowInDays"].GetInt(), 7);
  EXPECT_DOUBLE_EQ(d["DeletionDate"].GetDouble(), (kStartMs + 7 * kDayMs) / 1000.0);
  auto m = Ok("DescribeKey", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(m["KeyMetadata"]["PendingDeletionWindowInDays"].GetInt(), 7);
  EXPECT_TRUE(m["KeyMetadata"].HasMember("DeletionDate"));
  ExpectError("Encrypt", R"({"KeyId":")" + id + R"(","Plaintext":"aGk="})",
              "KMSInvalidStateException", Arn(id) + " is pending deletion.");
  ExpectError("EnableKey", R"({"KeyId":")" + id + R"("})", "KMSInvalidStateException");
  ExpectError("ScheduleKeyDeletion", R"({"KeyId":")" + id + R"("})", "KMSInvalidStateException");
  auto c = Ok("CancelKeyDeletion", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(c["KeyId"].GetString(), Arn(id));
  EXPECT_EQ(State(id), "Disabled");  // as AWS: cancelled keys come back disabled
  ExpectError("CancelKeyDeletion", R"({"KeyId":")" + id + R"("})", "KMSInvalidStateException",
              Arn(id) + " is not pending deletion.");
  Ok("ScheduleKeyDeletion", R"({"KeyId":")" + id + R"("})");  // default 30 days
  auto m2 = Ok("DescribeKey", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(m2["KeyMetadata"]["PendingDeletionWindowInDays"].GetInt(), 30);
}

TEST_F(KmsTest, ListKeysPaginatesWithMarker) {
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) created.insert(NewKey());
  std::set<std::string> seen;
  std::string marker;
  int pages = 0;
  do {
    std::string req =
        marker.empty() ? R"({"Limit":2})" : R"({"Limit":2,"Marker":")" + marker + R"("})";
    auto d = Ok("ListKeys", req);
    ASSERT_TRUE(d.IsObject());
    EXPECT_LE(d["Keys"].Size(), 2u);
    for (const auto& k : d["Keys"].GetArray()) {
      EXPECT_TRUE(seen.insert(k["KeyId"].GetString()).second);
      EXPECT_EQ(k["KeyArn"].GetString(), Arn(k["KeyId"].GetString()));
    }
    marker = d["Truncated"].GetBool() ? d["NextMarker"].GetString() : "";
    ++pages;
  } while (!marker.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
  ExpectError("ListKeys", R"({"Marker":"!!not-a-marker"})", "InvalidMarkerException");
}

TEST_F(KmsTest, DefaultSecretsManagerKeyIsAwsManagedAndRefusesChanges) {
  auto d = Ok("DescribeKey", R"({"KeyId":"alias/aws/secretsmanager"})");  // created on first use
  ASSERT_TRUE(d.IsObject());
  const std::string id = d["KeyMetadata"]["KeyId"].GetString();
  EXPECT_EQ(std::string(d["KeyMetadata"]["KeyManager"].GetString()), "AWS");
  EXPECT_EQ(std::string(d["KeyMetadata"]["Description"].GetString()),
            crypto::kDefaultSecretsKeyDescription);
  auto p = Ok("GetKeyPolicy", R"({"KeyId":")" + id + R"("})");
  EXPECT_EQ(p["Policy"].GetString(), crypto::DefaultSecretsKeyPolicy("123456789012", "us-east-1"));
  const std::string denied_prefix =
      "User: arn:aws:iam::123456789012:root is not authorized to "
      "perform: kms:";
  for (const char* op : {"DisableKey", "EnableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
                         "EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand"}) {
    Reply r = Call(op, R"({"KeyId":")" + id + R"("})");
    ASSERT_FALSE(r.ok()) << op;
    EXPECT_EQ(r.status.reason(), "AccessDeniedException") << op;
    EXPECT_EQ(r.status.message(), denied_prefix + op + " on resource: " + Arn(id) +
                                      " because no resource-based policy allows the kms:" + op +
                                      " action");
  }
  ExpectError(
      "PutKeyPolicy",
      R"({"KeyId":")" + id + R"(","Policy":")" +
          R"({\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\"}})"
          R"("})",
      "AccessDeniedException");
  ExpectError("TagResource", R"({"KeyId":")" + id + R"(","Tags":[{"TagKey":"a","TagValue":"b"}]})",
              "AccessDeniedException");
  ExpectError("Encrypt", R"({"KeyId":"alias/aws/secretsmanager","Plaintext":"aGk="})",
              "AccessDeniedException");
  ExpectError("CreateAlias", R"({"AliasName":"alias/mine","TargetKeyId":")" + id + R"("})",
              "AccessDeniedException");
  ExpectError("DeleteAlias", R"({"AliasName":"alias/aws/secretsmanager"})",
              "NotAuthorizedException");
  ExpectError("UpdateAlias",
              R"({"AliasName":"alias/aws/secretsmanager","TargetKeyId":")" + NewKey() + R"("})",
              "NotAuthorizedException");
  EXPECT_EQ(State(id), "Enabled");
  auto status = Ok("GetKeyRotationStatus", R"({"KeyId":")" + id + R"("})");
  EXPECT_TRUE(status["KeyRotationEnabled"].GetBool());
}

TEST_F(KmsTest, UnservedOperationIsUnsupported) {
  ExpectError("CreateGrant", "{}", "UnsupportedOperationException",
              "Coffer does not support the KMS operation CreateGrant.");
}

}  // namespace
}  // namespace coffer::kms::testing
