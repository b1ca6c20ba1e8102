// AWS fidelity of issue 18: PrimaryRegion only where replication is involved,
// an empty Description not shown, and a missing ClientRequestToken answered
// before the secret is looked up.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;

using FidelityTest = SecretsTest;

// The member names of a JSON object, in order.
std::vector<std::string> Members(const rapidjson::Value& v) {
  std::vector<std::string> out;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) out.emplace_back(it->name.GetString());
  return out;
}

// The list entry of `name` in an unfiltered ListSecrets, or null.
const rapidjson::Value* FindEntry(const rapidjson::Document& list, const std::string& name) {
  for (const auto& e : list["SecretList"].GetArray())
    if (name == e["Name"].GetString()) return &e;
  return nullptr;
}

TEST_F(FidelityTest, PrimaryRegionOnlyWhereReplicationIsInvolved) {
  CreateString("plain", "v", 1);
  CreateString("rep", "v", 2);
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"plain"})").HasMember("PrimaryRegion"));
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"rep"})").HasMember("PrimaryRegion"));

  Ok("ReplicateSecretToRegions",
     R"({"SecretId":"rep","AddReplicaRegions":[{"Region":"eu-west-1"}]})");
  auto primary = Ok("DescribeSecret", R"({"SecretId":"rep"})");
  ASSERT_TRUE(primary.HasMember("PrimaryRegion"));
  EXPECT_STREQ(primary["PrimaryRegion"].GetString(), "us-east-1");
  // The model's order: ... CreatedDate, PrimaryRegion, ReplicationStatus.
  std::vector<std::string> names = Members(primary);
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(names.end() - 3, names.end()),
            (std::vector<std::string>{"CreatedDate", "PrimaryRegion", "ReplicationStatus"}));

  RequestContext eu = ctx_;
  eu.region = "eu-west-1";
  Reply replica = Call("DescribeSecret", R"({"SecretId":"rep"})", &eu);
  ASSERT_TRUE(replica.ok()) << replica.status.ToString();
  EXPECT_STREQ(replica.doc["PrimaryRegion"].GetString(), "us-east-1");
  names = Members(replica.doc);
  EXPECT_EQ(names.back(), "PrimaryRegion");
  EXPECT_EQ(names[names.size() - 2], "CreatedDate");

  // ListSecrets: the same rule, PrimaryRegion last (after CreatedDate).
  auto list = Ok("ListSecrets", "{}");
  const rapidjson::Value* plain_entry = FindEntry(list, "plain");
  const rapidjson::Value* rep_entry = FindEntry(list, "rep");
  ASSERT_NE(plain_entry, nullptr);
  ASSERT_NE(rep_entry, nullptr);
  EXPECT_FALSE(plain_entry->HasMember("PrimaryRegion"));
  names = Members(*rep_entry);
  EXPECT_EQ(std::vector<std::string>(names.end() - 2, names.end()),
            (std::vector<std::string>{"CreatedDate", "PrimaryRegion"}));
  Reply eu_list = Call("ListSecrets", "{}", &eu);
  ASSERT_TRUE(eu_list.ok());
  const rapidjson::Value* eu_entry = FindEntry(eu_list.doc, "rep");
  ASSERT_NE(eu_entry, nullptr);
  EXPECT_STREQ((*eu_entry)["PrimaryRegion"].GetString(), "us-east-1");

  // No replicas left: no longer involved in replication.
  Ok("RemoveRegionsFromReplication", R"({"SecretId":"rep","RemoveReplicaRegions":["eu-west-1"]})");
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"rep"})").HasMember("PrimaryRegion"));
}

TEST_F(FidelityTest, EmptyDescriptionIsNotReturned) {
  Ok("CreateSecret", R"({"Name":"e","Description":"","SecretString":"v","ClientRequestToken":")" +
                         Token(1) + R"("})");
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"e"})").HasMember("Description"));
  auto list = Ok("ListSecrets", "{}");
  ASSERT_NE(FindEntry(list, "e"), nullptr);
  EXPECT_FALSE(FindEntry(list, "e")->HasMember("Description"));

  Ok("UpdateSecret",
     R"({"SecretId":"e","Description":"d","ClientRequestToken":")" + Token(2) + R"("})");
  EXPECT_STREQ(Ok("DescribeSecret", R"({"SecretId":"e"})")["Description"].GetString(), "d");
  Ok("UpdateSecret",
     R"({"SecretId":"e","Description":"","ClientRequestToken":")" + Token(3) + R"("})");
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"e"})").HasMember("Description"));
  list = Ok("ListSecrets", "{}");
  EXPECT_FALSE(FindEntry(list, "e")->HasMember("Description"));

  // Stored as given (empty), only the member is left out.
  auto txn = parts_.store->Begin(storage::TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  auto s = (*txn)->GetSecretByName(ctx_.account_id, ctx_.region, "e");
  ASSERT_TRUE(s.ok() && s->has_value());
  ASSERT_TRUE((*s)->description.has_value());
  EXPECT_EQ(*(*s)->description, "");
}

TEST_F(FidelityTest, MissingTokenComesBeforeTheLookup) {
  // A secret that does not exist, and no token: the token error, not
  // ResourceNotFoundException.
  ExpectError("PutSecretValue", R"({"SecretId":"nope","SecretString":"x"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  ExpectError("UpdateSecret", R"({"SecretId":"nope","SecretString":"x"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  ExpectError("UpdateSecret", R"({"SecretId":"nope","Description":"x"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  ExpectError("RotateSecret", R"({"SecretId":"nope"})", msg::kInvalidParameter,
              msg::kMissingClientRequestToken);
  // CreateSecret: before the name check and the existing-name check.
  ExpectError("CreateSecret", R"({"Name":"bad name","SecretString":"x"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  CreateString("s", "v", 1);
  ExpectError("CreateSecret", R"({"Name":"s","SecretString":"x"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
}

TEST_F(FidelityTest, TokenRequiredWithoutAValueToo) {
  // CreateSecret without SecretString/SecretBinary and UpdateSecret with only
  // metadata still need the token (docs/compatibility.md).
  ExpectError("CreateSecret", R"({"Name":"novalue"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  ExpectError("DescribeSecret", R"({"SecretId":"novalue"})", msg::kResourceNotFound);
  CreateString("s", "v", 1);
  ExpectError("UpdateSecret", R"({"SecretId":"s","Description":"new"})", msg::kInvalidRequest,
              msg::kMissingClientRequestToken);
  EXPECT_FALSE(Ok("DescribeSecret", R"({"SecretId":"s"})").HasMember("Description"));
  // With the token, a metadata-only update creates no version.
  auto r = Ok("UpdateSecret",
              R"({"SecretId":"s","Description":"new","ClientRequestToken":")" + Token(2) + R"("})");
  EXPECT_FALSE(r.HasMember("VersionId"));
  EXPECT_EQ(Labels("s").size(), 1u);
  // A value-less create with a token makes a secret without versions.
  auto c = Ok("CreateSecret", R"({"Name":"novalue","ClientRequestToken":")" + Token(3) + R"("})");
  EXPECT_FALSE(c.HasMember("VersionId"));
}

}  // namespace
}  // namespace coffer::secrets::testing
