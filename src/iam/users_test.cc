#include "iam/iam_test_fixture.h"

namespace coffer::iam::testing {
namespace {

class UsersTest : public IamTest {};

TEST_F(UsersTest, CreateGetListUser) {
  auto created = Ok("CreateUser", R"({"UserName":"bob","Path":"/dev/",
      "Tags":[{"Key":"team","Value":"red"}]})");
  const auto& u = created["User"];
  EXPECT_STREQ(u["UserName"].GetString(), "bob");
  EXPECT_STREQ(u["Path"].GetString(), "/dev/");
  EXPECT_EQ(u["Arn"].GetString(), Arn("user/dev/bob"));
  const std::string id = u["UserId"].GetString();
  EXPECT_EQ(id.size(), 21u);
  EXPECT_EQ(id.substr(0, 4), "AIDA");
  EXPECT_NEAR(u["CreateDate"].GetDouble(), kStartMs / 1000.0, 0.01);
  EXPECT_STREQ(u["Tags"][0]["Key"].GetString(), "team");

  auto got = Ok("GetUser", R"({"UserName":"BOB"})");  // names are case-insensitive
  EXPECT_EQ(std::string(got["User"]["UserId"].GetString()), id);

  Ok("CreateUser", R"({"UserName":"alice"})");
  auto all = Ok("ListUsers", "{}");
  ASSERT_EQ(all["Users"].Size(), 2u);
  EXPECT_STREQ(all["Users"][0]["UserName"].GetString(), "alice");
  EXPECT_FALSE(all["IsTruncated"].GetBool());
  auto dev = Ok("ListUsers", R"({"PathPrefix":"/dev"})");
  ASSERT_EQ(dev["Users"].Size(), 1u);

  auto page1 = Ok("ListUsers", R"({"MaxItems":1})");
  ASSERT_EQ(page1["Users"].Size(), 1u);
  ASSERT_TRUE(page1["IsTruncated"].GetBool());
  auto page2 = Ok("ListUsers",
                  std::string(R"({"MaxItems":1,"Marker":")") + page1["Marker"].GetString() + "\"}");
  ASSERT_EQ(page2["Users"].Size(), 1u);
  EXPECT_STREQ(page2["Users"][0]["UserName"].GetString(), "bob");
  EXPECT_FALSE(page2["IsTruncated"].GetBool());
}

TEST_F(UsersTest, ErrorsHaveAwsTexts) {
  Ok("CreateUser", R"({"UserName":"bob"})");
  ExpectError("CreateUser", R"({"UserName":"Bob"})", "EntityAlreadyExists",
              "User with name Bob already exists.");
  ExpectError("GetUser", R"({"UserName":"carol"})", "NoSuchEntity",
              "The user with name carol cannot be found.");
  ExpectError("NoSuchOperation", "{}", "InvalidAction");
}

TEST_F(UsersTest, GetUserWithoutNameIsTheCaller) {
  Ok("CreateUser", R"({"UserName":"admin"})");
  auto me = Ok("GetUser", "{}");
  EXPECT_STREQ(me["User"]["UserName"].GetString(), "admin");
  RequestContext root = ctx_;
  root.principal_arn = Arn("root");
  ExpectError("GetUser", "{}", "ValidationError", "", &root);
}

TEST_F(UsersTest, UpdateUserRenamesAndMovesKeysAndGroups) {
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("CreateGroup", R"({"GroupName":"devs"})");
  Ok("AddUserToGroup", R"({"GroupName":"devs","UserName":"bob"})");
  auto key = Ok("CreateAccessKey", R"({"UserName":"bob"})");
  Ok("UpdateUser", R"({"UserName":"bob","NewUserName":"robert","NewPath":"/ops/"})");
  ExpectError("GetUser", R"({"UserName":"bob"})", "NoSuchEntity");
  auto got = Ok("GetUser", R"({"UserName":"robert"})");
  EXPECT_EQ(got["User"]["Arn"].GetString(), Arn("user/ops/robert"));
  auto keys = Ok("ListAccessKeys", R"({"UserName":"robert"})");
  ASSERT_EQ(keys["AccessKeyMetadata"].Size(), 1u);
  EXPECT_EQ(rebound_, 1);
  auto group = Ok("GetGroup", R"({"GroupName":"devs"})");
  ASSERT_EQ(group["Users"].Size(), 1u);
  EXPECT_STREQ(group["Users"][0]["UserName"].GetString(), "robert");

  Ok("CreateUser", R"({"UserName":"alice"})");
  ExpectError("UpdateUser", R"({"UserName":"alice","NewUserName":"Robert"})",
              "EntityAlreadyExists");
}

TEST_F(UsersTest, TagsAddReplaceRemove) {
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("TagUser", R"({"UserName":"bob","Tags":[{"Key":"a","Value":"1"},{"Key":"b","Value":"2"}]})");
  Ok("TagUser", R"({"UserName":"bob","Tags":[{"Key":"A","Value":"3"}]})");
  auto tags = Ok("ListUserTags", R"({"UserName":"bob"})");
  ASSERT_EQ(tags["Tags"].Size(), 2u);
  EXPECT_STREQ(tags["Tags"][0]["Value"].GetString(), "3");
  Ok("UntagUser", R"({"UserName":"bob","TagKeys":["b"]})");
  tags = Ok("ListUserTags", R"({"UserName":"bob"})");
  ASSERT_EQ(tags["Tags"].Size(), 1u);
  ExpectError("TagUser",
              R"({"UserName":"bob","Tags":[{"Key":"x","Value":"1"},{"Key":"X","Value":"2"}]})",
              "InvalidInput");
}

TEST_F(UsersTest, AccessKeysAtMostTwo) {
  Ok("CreateUser", R"({"UserName":"bob"})");
  auto k1 = Ok("CreateAccessKey", R"({"UserName":"bob"})");
  EXPECT_STREQ(k1["AccessKey"]["UserName"].GetString(), "bob");
  EXPECT_STREQ(k1["AccessKey"]["Status"].GetString(), "Active");
  EXPECT_EQ(std::string(k1["AccessKey"]["SecretAccessKey"].GetString()).size(), 40u);
  Ok("CreateAccessKey", R"({"UserName":"bob"})");
  ExpectError("CreateAccessKey", R"({"UserName":"bob"})", "LimitExceeded",
              "Cannot exceed quota for AccessKeysPerUser: 2");
  EXPECT_EQ(minted_, 2);

  auto list = Ok("ListAccessKeys", R"({"UserName":"bob"})");
  ASSERT_EQ(list["AccessKeyMetadata"].Size(), 2u);
  const std::string id = k1["AccessKey"]["AccessKeyId"].GetString();
  Ok("UpdateAccessKey", R"({"UserName":"bob","AccessKeyId":")" + id + R"(","Status":"Inactive"})");
  ASSERT_EQ(invalidated_.size(), 1u);
  EXPECT_EQ(invalidated_[0], id);
  {
    auto txn = Txn();
    auto rec = txn->GetAccessKey(id);
    ASSERT_TRUE(rec.ok() && rec->has_value());
    EXPECT_FALSE((*rec)->active);
    EXPECT_EQ((*rec)->sealed_secret, "resealed");
  }
  auto last = Ok("GetAccessKeyLastUsed", R"({"AccessKeyId":")" + id + R"("})");
  EXPECT_STREQ(last["UserName"].GetString(), "bob");
  EXPECT_STREQ(last["AccessKeyLastUsed"]["ServiceName"].GetString(), "N/A");

  Ok("CreateUser", R"({"UserName":"eve"})");
  ExpectError("DeleteAccessKey", R"({"UserName":"eve","AccessKeyId":")" + id + R"("})",
              "NoSuchEntity", "The Access Key with id " + id + " cannot be found.");
  Ok("DeleteAccessKey", R"({"UserName":"bob","AccessKeyId":")" + id + R"("})");
  EXPECT_EQ(invalidated_.size(), 2u);
  list = Ok("ListAccessKeys", R"({"UserName":"bob"})");
  EXPECT_EQ(list["AccessKeyMetadata"].Size(), 1u);
}

TEST_F(UsersTest, CreateAccessKeyWithoutNameIsForTheCaller) {
  Ok("CreateUser", R"({"UserName":"admin"})");
  auto k = Ok("CreateAccessKey", "{}");
  EXPECT_STREQ(k["AccessKey"]["UserName"].GetString(), "admin");
  auto list = Ok("ListAccessKeys", "{}");
  EXPECT_EQ(list["AccessKeyMetadata"].Size(), 1u);
}

TEST_F(UsersTest, DeleteUserConflicts) {
  Ok("CreateUser", R"({"UserName":"bob"})");
  auto k = Ok("CreateAccessKey", R"({"UserName":"bob"})");
  ExpectError("DeleteUser", R"({"UserName":"bob"})", "DeleteConflict",
              "Cannot delete entity, must delete access keys first.");
  Ok("DeleteAccessKey", std::string(R"({"UserName":"bob","AccessKeyId":")") +
                            k["AccessKey"]["AccessKeyId"].GetString() + "\"}");
  Ok("PutUserPolicy",
     R"({"UserName":"bob","PolicyName":"p","PolicyDocument":)" + Quote(AllowPolicy("s3:*")) + "}");
  ExpectError("DeleteUser", R"({"UserName":"bob"})", "DeleteConflict",
              "Cannot delete entity, must delete policies first.");
  Ok("DeleteUserPolicy", R"({"UserName":"bob","PolicyName":"p"})");
  Ok("AttachUserPolicy",
     R"({"UserName":"bob","PolicyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"})");
  ExpectError("DeleteUser", R"({"UserName":"bob"})", "DeleteConflict",
              "Cannot delete entity, must detach all policies first.");
  Ok("DetachUserPolicy",
     R"({"UserName":"bob","PolicyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"})");
  Ok("CreateGroup", R"({"GroupName":"devs"})");
  Ok("AddUserToGroup", R"({"GroupName":"devs","UserName":"bob"})");
  ExpectError("DeleteUser", R"({"UserName":"bob"})", "DeleteConflict",
              "Cannot delete entity, must remove users from group first.");
  Ok("RemoveUserFromGroup", R"({"GroupName":"devs","UserName":"bob"})");
  Ok("DeleteUser", R"({"UserName":"bob"})");
  ExpectError("GetUser", R"({"UserName":"bob"})", "NoSuchEntity");
}

TEST_F(UsersTest, CallerDeniedCreateUserGetsAccessDenied) {
  auto caller = std::make_shared<auth::policy::Caller>();
  caller->principal.type = auth::policy::PrincipalType::kUser;
  caller->principal.arn = Arn("user/limited");
  caller->principal.account = kAccount;
  auto policies = std::make_shared<auth::policy::PrincipalPolicies>();
  auto doc = auth::policy::ParsePolicyDocument(AllowPolicy("iam:Get*"),
                                               auth::policy::PolicyGrammar::kIdentity);
  ASSERT_TRUE(doc.ok());
  auto compiled = auth::policy::CompiledPolicy::Compile(*doc);
  ASSERT_TRUE(compiled.ok());
  policies->identity.push_back(std::make_shared<const auth::policy::CompiledPolicy>(*compiled));
  policies->Seal();
  caller->policies = policies;
  RequestContext limited = ctx_;
  limited.principal_arn = caller->principal.arn;
  limited.caller = caller;

  ExpectError("CreateUser", R"({"UserName":"bob"})", "AccessDenied",
              "User: " + Arn("user/limited") +
                  " is not authorized to perform: iam:CreateUser on resource: " + Arn("user/bob") +
                  " because no identity-based policy allows the iam:CreateUser action",
              &limited);
  ExpectError("ListUsers", "{}", "AccessDenied", "", &limited);
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("GetUser", R"({"UserName":"bob"})", &limited);
}

}  // namespace
}  // namespace coffer::iam::testing
