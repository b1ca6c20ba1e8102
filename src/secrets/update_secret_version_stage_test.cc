// UpdateSecretVersionStage through Service::Handle.

#include "secrets/secrets_test_fixture.h"

namespace coffer::secrets::testing {
namespace {

namespace msg = messages;
using L = std::vector<std::string>;

using UpdateSecretVersionStageTest = SecretsTest;

TEST_F(UpdateSecretVersionStageTest, MoveRemoveAndErrors) {
  CreateString("s", "one", 1);
  Ok("PutSecretValue", R"({"SecretId":"s","SecretString":"two","VersionStages":["blue"],)"
                       R"("ClientRequestToken":")" +
                           Token(2) + R"("})");
  // AWSCURRENT is on v1: moving it needs RemoveFromVersionId = v1.
  ExpectError(
      "UpdateSecretVersionStage",
      R"({"SecretId":"s","VersionStage":"AWSCURRENT","MoveToVersionId":")" + Token(2) + R"("})",
      msg::kInvalidParameter,
      "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is "
      "currently attached to version " +
          Token(1) + ", so you must explicitly reference that version in RemoveFromVersionId.");
  ExpectError(
      "UpdateSecretVersionStage",
      R"({"SecretId":"s","VersionStage":"AWSCURRENT","MoveToVersionId":")" + Token(9) + R"("})",
      msg::kResourceNotFound, std::string(msg::kValueNotFoundForVersion) + Token(9));
  auto r = Ok("UpdateSecretVersionStage",
              R"({"SecretId":"s","VersionStage":"blue","RemoveFromVersionId":")" + Token(2) +
                  R"(","MoveToVersionId":")" + Token(1) + R"("})");
  EXPECT_EQ(r.MemberCount(), 2u);
  EXPECT_EQ(Labels("s"),
            (std::map<std::string, L>{{Token(1), {"AWSCURRENT", "blue"}}, {Token(2), {}}}));
  // Adding a label that sits nowhere needs no RemoveFromVersionId.
  Ok("UpdateSecretVersionStage",
     R"({"SecretId":"s","VersionStage":"green","MoveToVersionId":")" + Token(2) + R"("})");
  // Removing only.
  Ok("UpdateSecretVersionStage",
     R"({"SecretId":"s","VersionStage":"blue","RemoveFromVersionId":")" + Token(1) + R"("})");
  EXPECT_EQ(Labels("s"),
            (std::map<std::string, L>{{Token(1), {"AWSCURRENT"}}, {Token(2), {"green"}}}));
  ExpectError(
      "UpdateSecretVersionStage",
      R"({"SecretId":"s","VersionStage":"AWSCURRENT","RemoveFromVersionId":")" + Token(1) + R"("})",
      msg::kInvalidParameter, msg::kCannotRemoveCurrent);
}

TEST_F(UpdateSecretVersionStageTest, MovingCurrentMovesPreviousOnly) {
  CreateString("s", "one", 1);
  Ok("PutSecretValue", R"({"SecretId":"s","SecretString":"two","VersionStages":["x"],)"
                       R"("ClientRequestToken":")" +
                           Token(2) + R"("})");
  Ok("UpdateSecretVersionStage",
     R"({"SecretId":"s","VersionStage":"custom","MoveToVersionId":")" + Token(1) + R"("})");
  Ok("UpdateSecretVersionStage",
     R"({"SecretId":"s","VersionStage":"AWSCURRENT","RemoveFromVersionId":")" + Token(1) +
         R"(","MoveToVersionId":")" + Token(2) + R"("})");
  EXPECT_EQ(Labels("s"), (std::map<std::string, L>{{Token(1), {"AWSPREVIOUS", "custom"}},
                                                   {Token(2), {"AWSCURRENT", "x"}}}));
  EXPECT_STREQ(Ok("GetSecretValue", R"({"SecretId":"s"})")["SecretString"].GetString(), "two");
}

}  // namespace
}  // namespace coffer::secrets::testing
