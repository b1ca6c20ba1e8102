#include "migrate/plan.h"

#include <gtest/gtest.h>

#include "migrate/kms_map.h"

namespace coffer::migrate {
namespace {

SecretState Source() {
  SecretState s;
  s.name = "app/db";
  s.description = "db";
  s.tags = {{"team", "a"}, {"env", "prod"}};
  s.policy = R"({"Version":"2012-10-17"})";
  s.rotation_enabled = true;
  s.versions = {
      {"v3", {"custom"}, 3000}, {"v1", {"AWSPREVIOUS"}, 1000}, {"v2", {"AWSCURRENT"}, 2000}};
  return s;
}

TEST(PlanSecret, NewSecretCreatesEverythingOldestFirst) {
  SecretPlan p = PlanSecret(Source(), std::nullopt, "alias/app");
  EXPECT_TRUE(p.create);
  EXPECT_EQ(p.kms_key_id, "alias/app");
  ASSERT_EQ(p.put_versions.size(), 3u);
  EXPECT_EQ(p.put_versions[0].id, "v1");
  EXPECT_EQ(p.put_versions[1].id, "v2");
  EXPECT_EQ(p.put_versions[2].id, "v3");
  EXPECT_EQ(p.add_tags.size(), 2u);
  EXPECT_TRUE(p.put_policy);
  EXPECT_TRUE(p.set_rotation);
  // Oldest first, the puts alone leave the labels where the source has them.
  EXPECT_TRUE(p.label_moves.empty());
  EXPECT_EQ(DescribePlan(p), "create (key alias/app), 3 versions, 2 tags, policy, rotation");
}

TEST(PlanSecret, IdenticalTargetIsAlreadyThere) {
  SecretState target = Source();
  SecretPlan p = PlanSecret(Source(), target, "");
  EXPECT_FALSE(p.HasWrites());
  EXPECT_EQ(p.compare_versions.size(), 3u);
  EXPECT_EQ(DescribePlan(p), "already there");
}

TEST(PlanSecret, AddsOnlyWhatIsMissingAndKeepsTheTargets) {
  SecretState target = Source();
  target.description = "";
  target.tags = {{"team", "b"}};
  target.policy = R"({"Version":"other"})";
  target.versions = {{"v1", {"AWSCURRENT"}, 1000}};  // a crash after the first put
  SecretPlan p = PlanSecret(Source(), target, "");
  EXPECT_FALSE(p.create);
  ASSERT_TRUE(p.set_description);
  ASSERT_EQ(p.add_tags.size(), 1u);
  EXPECT_EQ(p.add_tags[0].first, "env");
  EXPECT_FALSE(p.put_policy);
  ASSERT_EQ(p.put_versions.size(), 2u);
  EXPECT_EQ(p.put_versions[0].id, "v2");
  EXPECT_EQ(p.compare_versions, std::vector<std::string>{"v1"});
  EXPECT_EQ(p.notes.size(), 2u);  // the tag's value and the policy
}

TEST(PlanSecret, ScheduledForDeletionOnTargetFails) {
  SecretState target = Source();
  target.scheduled_for_deletion = true;
  EXPECT_FALSE(PlanSecret(Source(), target, "").failure.empty());
}

TEST(ApplyPuts, MovingCurrentLeavesPreviousBehind) {
  std::vector<VersionInfo> after = ApplyPuts({{"a", {"AWSCURRENT"}, 1}}, {{"b", {}, 2}});
  auto holders = LabelHolders(after);
  EXPECT_EQ(holders["AWSCURRENT"], "b");
  EXPECT_EQ(holders["AWSPREVIOUS"], "a");
}

TEST(PlanLabelMoves, CurrentFirstAndTargetOnlyVersionsKept) {
  std::vector<VersionInfo> source = {{"v1", {"AWSPREVIOUS"}, 1}, {"v2", {"AWSCURRENT", "x"}, 2}};
  std::vector<VersionInfo> target = {{"v1", {"AWSCURRENT"}, 1}, {"v2", {}, 2}, {"t", {"x"}, 3}};
  std::vector<std::string> notes;
  std::vector<LabelMove> moves = PlanLabelMoves(source, target, &notes);
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0], (LabelMove{"AWSCURRENT", "v2", "v1"}));
  EXPECT_EQ(moves[1], (LabelMove{"AWSPREVIOUS", "v1", ""}));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("only the target has"), std::string::npos);
}

TEST(MapKmsKey, ByAliasThenMapThenDefault) {
  std::vector<AliasEntry> src = {{"alias/aws/secretsmanager", "k0"},
                                 {"alias/app", "k1"},
                                 {"alias/other", "k2"},
                                 {"alias/gone", "k3"}};
  std::vector<AliasEntry> dst = {{"alias/app", "d1"}, {"alias/new", "d2"}};
  std::map<std::string, std::string> map = {{"alias/other", "alias/new"},
                                            {"alias/gone", "alias/missing"}};
  EXPECT_EQ(MapKmsKey("", src, dst, map).key_id, "");
  EXPECT_EQ(MapKmsKey("arn:aws:kms:us-east-1:1:key/k0", src, dst, map).key_id, "");
  EXPECT_EQ(MapKmsKey("arn:aws:kms:us-east-1:1:key/k1", src, dst, map).key_id, "alias/app");
  EXPECT_EQ(MapKmsKey("alias/app", src, dst, map).key_id, "alias/app");
  EXPECT_EQ(MapKmsKey("k2", src, dst, map).key_id, "alias/new");
  EXPECT_FALSE(MapKmsKey("k3", src, dst, map).failure.empty());
  KmsChoice none = MapKmsKey("k9", src, dst, map);
  EXPECT_EQ(none.key_id, "");
  EXPECT_FALSE(none.note.empty());
}

TEST(PlanSecret, TargetOnlyVersionKeepsItsLabel) {
  SecretState target = Source();
  target.versions.push_back({"mine", {"AWSCURRENT"}, 4000});
  for (VersionInfo& v : target.versions) {
    if (v.id == "v2") v.stages = {"AWSPREVIOUS"};
    if (v.id == "v1") v.stages = {};
  }
  SecretPlan p = PlanSecret(Source(), target, "");
  EXPECT_TRUE(p.put_versions.empty());
  // AWSCURRENT stays on the target's own version; AWSPREVIOUS goes back to v1.
  ASSERT_EQ(p.label_moves.size(), 1u);
  EXPECT_EQ(p.label_moves[0], (LabelMove{"AWSPREVIOUS", "v1", "v2"}));
  EXPECT_EQ(p.notes.size(), 1u);
  EXPECT_EQ(DescribePlan(p), "1 label move");
}

TEST(ApplyPuts, AnExistingVersionIdChangesNothing) {
  std::vector<VersionInfo> before = {{"a", {"AWSCURRENT"}, 1}};
  std::vector<VersionInfo> after = ApplyPuts(before, {{"a", {"x"}, 1}});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].stages, std::vector<std::string>{"AWSCURRENT"});
}

TEST(MapKmsKey, SameAliasOnTheTargetWinsOverTheMap) {
  std::vector<AliasEntry> src = {{"alias/app", "k1"}};
  std::vector<AliasEntry> dst = {{"alias/app", "d1"}, {"alias/new", "d2"}};
  EXPECT_EQ(MapKmsKey("k1", src, dst, {{"alias/app", "alias/new"}}).key_id, "alias/app");
  // An unknown key id (no alias on the source) can be mapped by its id.
  EXPECT_EQ(MapKmsKey("arn:aws:kms:r:1:key/k7", src, dst, {{"k7", "alias/new"}}).key_id,
            "alias/new");
}

TEST(ParseKeyMap, RejectsMalformedEntries) {
  EXPECT_TRUE(ParseKeyMap({"alias/a=alias/b"}).ok());
  EXPECT_FALSE(ParseKeyMap({"alias/a"}).ok());
  EXPECT_FALSE(ParseKeyMap({"=alias/b"}).ok());
  EXPECT_EQ(ShortKeyId("arn:aws:kms:r:1:alias/x"), "alias/x");
}

}  // namespace
}  // namespace coffer::migrate
