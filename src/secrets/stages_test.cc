// Unit tests of VersionSet (stages.h): label movement rules without storage.

#include "secrets/stages.h"

#include <gtest/gtest.h>

#include "secrets/messages.h"

namespace coffer::secrets {
namespace {

using Stages = std::vector<std::string>;

storage::VersionRecord V(std::string id, Stages stages, int64_t created_ms = 0) {
  storage::VersionRecord v;
  v.secret_id = 1;
  v.version_id = std::move(id);
  v.stages = std::move(stages);
  v.created_ms = created_ms;
  return v;
}

Stages Of(const VersionSet& set, std::string_view id) {
  const auto* v = set.Find(id);
  return v ? v->stages : Stages{"<missing>"};
}

TEST(VersionSet, DefaultPutMovesCurrentAndPrevious) {
  VersionSet set({V("v1", {"AWSPREVIOUS"}), V("v2", {"AWSCURRENT"})});
  ASSERT_TRUE(set.AddVersion(V("v3", {}), {}).ok());
  EXPECT_EQ(Of(set, "v1"), Stages{});
  EXPECT_EQ(Of(set, "v2"), Stages{"AWSPREVIOUS"});
  EXPECT_EQ(Of(set, "v3"), Stages{"AWSCURRENT"});
}

TEST(VersionSet, CustomLabelsDoNotMoveCurrent) {
  VersionSet set({V("v1", {"AWSCURRENT"})});
  ASSERT_TRUE(set.AddVersion(V("v2", {}), {"one", "two", "three"}).ok());
  EXPECT_EQ(Of(set, "v1"), Stages{"AWSCURRENT"});
  EXPECT_EQ(Of(set, "v2"), (Stages{"one", "three", "two"}));
}

TEST(VersionSet, MoveWithoutRemoveFromFailsWhenLabelIsElsewhere) {
  VersionSet set({V("v1", {"AWSCURRENT"}), V("v2", {})});
  Status s = set.MoveLabel("AWSCURRENT", std::nullopt, std::string_view("v2"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), messages::kInvalidParameter);
  EXPECT_EQ(s.message(),
            "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is "
            "currently attached to version v1, so you must explicitly reference that version in "
            "RemoveFromVersionId.");
  EXPECT_EQ(Of(set, "v1"), Stages{"AWSCURRENT"});
}

TEST(VersionSet, RemoveFromMustHoldTheLabel) {
  VersionSet set({V("v1", {"AWSCURRENT"}), V("v2", {"x"})});
  Status s = set.MoveLabel("x", std::string_view("v1"), std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), messages::kInvalidParameter);
}

TEST(VersionSet, RemovingCurrentWithoutMovingItFails) {
  VersionSet set({V("v1", {"AWSCURRENT"})});
  EXPECT_FALSE(set.MoveLabel("AWSCURRENT", std::string_view("v1"), std::nullopt).ok());
  EXPECT_TRUE(set.MoveLabel("custom", std::nullopt, std::string_view("v1")).ok());
  EXPECT_TRUE(set.MoveLabel("custom", std::string_view("v1"), std::nullopt).ok());
  EXPECT_EQ(Of(set, "v1"), Stages{"AWSCURRENT"});
}

TEST(VersionSet, TwentyLabelsPerVersion) {
  Stages many;
  for (int i = 0; i < 20; ++i) many.push_back("L" + std::to_string(100 + i));
  VersionSet set({V("v1", {"AWSCURRENT"}), V("v2", many)});
  Status s = set.MoveLabel("extra", std::nullopt, std::string_view("v2"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), messages::kLimitExceeded);
  EXPECT_EQ(set.Find("v2")->stages.size(), 20u);
}

TEST(VersionSet, PruneRemovesOldestDeprecatedBeyondHundred) {
  const int64_t day = 24LL * 60 * 60 * 1000;
  std::vector<storage::VersionRecord> vs;
  for (int i = 0; i < 100; ++i) vs.push_back(V("old" + std::to_string(i), {}, i));
  vs.back().stages = {"AWSCURRENT"};
  VersionSet set(std::move(vs));
  ASSERT_TRUE(set.AddVersion(V("new", {}, 2 * day), {}).ok());
  ASSERT_TRUE(set.Prune(2 * day).ok());
  EXPECT_EQ(set.versions().size(), 100u);
  EXPECT_EQ(set.Find("old0"), nullptr);  // the oldest deprecated one went
  EXPECT_NE(set.Find("old1"), nullptr);
  EXPECT_EQ(Of(set, "old99"), Stages{"AWSPREVIOUS"});
}

TEST(VersionSet, PruneNeverRemovesVersionsYoungerThanADay) {
  std::vector<storage::VersionRecord> vs;
  for (int i = 0; i < 100; ++i) vs.push_back(V("v" + std::to_string(i), {}, 1000 + i));
  vs.back().stages = {"AWSCURRENT"};
  VersionSet set(std::move(vs));
  ASSERT_TRUE(set.AddVersion(V("new", {}, 5000), {}).ok());
  Status s = set.Prune(6000);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), messages::kLimitExceeded);
}

}  // namespace
}  // namespace coffer::secrets
