#include "iam/iam_test_fixture.h"

namespace coffer::iam::testing {
namespace {

class GroupsTest : public IamTest {};

TEST_F(GroupsTest, MembershipBothWays) {
  auto g = Ok("CreateGroup", R"({"GroupName":"devs","Path":"/eng/"})");
  EXPECT_EQ(g["Group"]["Arn"].GetString(), Arn("group/eng/devs"));
  EXPECT_EQ(std::string(g["Group"]["GroupId"].GetString()).substr(0, 4), "AGPA");
  ExpectError("CreateGroup", R"({"GroupName":"DEVS"})", "EntityAlreadyExists",
              "Group with name DEVS already exists.");
  Ok("CreateGroup", R"({"GroupName":"ops"})");
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("CreateUser", R"({"UserName":"alice"})");
  Ok("AddUserToGroup", R"({"GroupName":"devs","UserName":"bob"})");
  Ok("AddUserToGroup", R"({"GroupName":"devs","UserName":"alice"})");
  Ok("AddUserToGroup", R"({"GroupName":"ops","UserName":"bob"})");
  Ok("AddUserToGroup", R"({"GroupName":"ops","UserName":"bob"})");  // already: OK

  auto got = Ok("GetGroup", R"({"GroupName":"devs"})");
  ASSERT_EQ(got["Users"].Size(), 2u);
  EXPECT_STREQ(got["Users"][0]["UserName"].GetString(), "alice");
  auto mine = Ok("ListGroupsForUser", R"({"UserName":"bob"})");
  ASSERT_EQ(mine["Groups"].Size(), 2u);
  EXPECT_STREQ(mine["Groups"][0]["GroupName"].GetString(), "devs");
  EXPECT_EQ(Ok("ListGroups", "{}")["Groups"].Size(), 2u);
  EXPECT_EQ(Ok("ListGroups", R"({"PathPrefix":"/eng/"})")["Groups"].Size(), 1u);

  ExpectError("DeleteGroup", R"({"GroupName":"ops"})", "DeleteConflict",
              "Cannot delete entity, must remove users from group first.");
  Ok("RemoveUserFromGroup", R"({"GroupName":"ops","UserName":"bob"})");
  ExpectError("RemoveUserFromGroup", R"({"GroupName":"ops","UserName":"bob"})", "NoSuchEntity");
  Ok("PutGroupPolicy", R"({"GroupName":"ops","PolicyName":"p","PolicyDocument":)" +
                           Quote(AllowPolicy("kms:*")) + "}");
  ExpectError("DeleteGroup", R"({"GroupName":"ops"})", "DeleteConflict",
              "Cannot delete entity, must delete policies first.");
  EXPECT_EQ(Ok("ListGroupPolicies", R"({"GroupName":"ops"})")["PolicyNames"].Size(), 1u);
  Ok("DeleteGroupPolicy", R"({"GroupName":"ops","PolicyName":"p"})");
  Ok("DeleteGroup", R"({"GroupName":"ops"})");
  ExpectError("GetGroup", R"({"GroupName":"ops"})", "NoSuchEntity",
              "The group with name ops cannot be found.");
  EXPECT_EQ(Ok("ListGroupsForUser", R"({"UserName":"bob"})")["Groups"].Size(), 1u);
}

TEST_F(GroupsTest, UpdateGroupRenamesMembership) {
  Ok("CreateGroup", R"({"GroupName":"devs"})");
  Ok("CreateUser", R"({"UserName":"bob"})");
  Ok("AddUserToGroup", R"({"GroupName":"devs","UserName":"bob"})");
  Ok("UpdateGroup", R"({"GroupName":"devs","NewGroupName":"engineers","NewPath":"/x/"})");
  ExpectError("GetGroup", R"({"GroupName":"devs"})", "NoSuchEntity");
  auto g = Ok("GetGroup", R"({"GroupName":"engineers"})");
  EXPECT_EQ(g["Group"]["Arn"].GetString(), Arn("group/x/engineers"));
  EXPECT_EQ(g["Users"].Size(), 1u);
  auto mine = Ok("ListGroupsForUser", R"({"UserName":"bob"})");
  ASSERT_EQ(mine["Groups"].Size(), 1u);
  EXPECT_STREQ(mine["Groups"][0]["GroupName"].GetString(), "engineers");
}

}  // namespace
}  // namespace coffer::iam::testing
