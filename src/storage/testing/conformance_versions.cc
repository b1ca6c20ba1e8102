// Conformance: versions and staging labels.
#include <algorithm>

#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kVersionTestsAnchor = 1;
}  // namespace internal

namespace {

std::vector<std::string> Ids(const std::vector<VersionRecord>& versions) {
  std::vector<std::string> out;
  for (const auto& v : versions) out.push_back(v.version_id);
  return out;
}

}  // namespace

TEST_P(StoreConformance, VersionRoundTripEveryField) {
  int64_t id = Insert(MinimalSecret("versions"));
  ASSERT_NE(id, 0);
  VersionRecord full = MakeVersion(id, "11111111-aaaa", {"AWSPREVIOUS", "custom", "AWSCURRENT"});
  full.last_accessed_ms = 1'699'920'000'000;
  full.is_binary = true;
  full.sealed_value = std::string("\0\xff\x10payload\0", 11);
  Put(full);
  VersionRecord placeholder = MakeVersion(id, "22222222-bbbb", {"AWSPENDING"}, 2000);
  placeholder.has_value = false;
  placeholder.sealed_value.clear();
  placeholder.kms_key_arn.clear();
  Put(placeholder);

  full.stages = {"AWSCURRENT", "AWSPREVIOUS", "custom"};  // read back sorted
  EXPECT_EQ(Version(id, "11111111-aaaa"), full);
  EXPECT_EQ(Version(id, "22222222-bbbb"), placeholder);
  EXPECT_EQ(Version(id, "33333333-cccc"), std::nullopt);
  EXPECT_EQ(Version(id + 1000, "11111111-aaaa"), std::nullopt);
}

TEST_P(StoreConformance, VersionIdUniquePerSecret) {
  int64_t a = Insert(MinimalSecret("a"));
  int64_t b = Insert(MinimalSecret("b"));
  ASSERT_NE(a, 0);
  ASSERT_NE(b, 0);
  Put(MakeVersion(a, "v1", {"AWSCURRENT"}, 1));
  Put(MakeVersion(b, "v1", {"AWSCURRENT"}, 1));  // same id on another secret: independent
  VersionRecord again = MakeVersion(a, "v1", {"AWSCURRENT", "extra"}, 1);
  again.sealed_value = "replaced";
  Put(again);  // same (secret, version id): replaces
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto list_a, txn->ListVersions(a));
  EXPECT_EQ(list_a, (std::vector<VersionRecord>{again}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto list_b, txn->ListVersions(b));
  EXPECT_EQ(list_b, (std::vector<VersionRecord>{MakeVersion(b, "v1", {"AWSCURRENT"}, 1)}));
}

TEST_P(StoreConformance, StagingLabelOnAtMostOneVersion) {
  int64_t id = Insert(MinimalSecret("labels"));
  int64_t other = Insert(MinimalSecret("other"));
  ASSERT_NE(id, 0);
  ASSERT_NE(other, 0);
  Put(MakeVersion(id, "v1", {"AWSCURRENT", "blue"}, 1));
  Put(MakeVersion(other, "v9", {"AWSCURRENT"}, 1));  // labels are per secret
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    Status s = txn->PutVersion(MakeVersion(id, "v2", {"AWSCURRENT"}, 2));
    EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.ToString();
    EXPECT_EQ(s.reason(), "Conflict");
    // The failed put left no trace: v2 does not exist.
    COFFER_ASSERT_OK_AND_ASSIGN(auto v2, txn->GetVersion(id, "v2"));
    EXPECT_FALSE(v2.has_value());
    // Moving the label: take it off v1, then put it on v2.
    COFFER_ASSERT_OK(txn->PutVersion(MakeVersion(id, "v1", {"AWSPREVIOUS", "blue"}, 1)));
    COFFER_ASSERT_OK(txn->PutVersion(MakeVersion(id, "v2", {"AWSCURRENT"}, 2)));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto current, txn->GetVersionByStage(id, "AWSCURRENT"));
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->version_id, "v2");
  COFFER_ASSERT_OK_AND_ASSIGN(auto previous, txn->GetVersionByStage(id, "AWSPREVIOUS"));
  ASSERT_TRUE(previous.has_value());
  EXPECT_EQ(previous->stages, (std::vector<std::string>{"AWSPREVIOUS", "blue"}));
}

TEST_P(StoreConformance, FailedPutVersionChangesNothing) {
  int64_t id = Insert(MinimalSecret("atomic"));
  ASSERT_NE(id, 0);
  VersionRecord v1 = MakeVersion(id, "v1", {"AWSCURRENT"}, 1);
  VersionRecord v2 = MakeVersion(id, "v2", {"AWSPREVIOUS"}, 2);
  Put(v1);
  Put(v2);
  std::unique_ptr<Txn> txn = Write();
  ASSERT_NE(txn, nullptr);
  // New value, labels dropped, and a label held by v1: must fail as a whole.
  VersionRecord bad = v2;
  bad.sealed_value = "new value";
  bad.stages = {"AWSCURRENT", "zzz"};
  EXPECT_EQ(txn->PutVersion(bad).code(), StatusCode::kAlreadyExists);
  // A label repeated in one record is a conflict with itself.
  VersionRecord twice = MakeVersion(id, "v3", {"x", "x"}, 3);
  EXPECT_EQ(txn->PutVersion(twice).code(), StatusCode::kAlreadyExists);
  COFFER_ASSERT_OK(txn->Commit());
  EXPECT_EQ(Version(id, "v2"), v2);
  EXPECT_EQ(Version(id, "v3"), std::nullopt);
}

TEST_P(StoreConformance, GetVersionByStage) {
  int64_t id = Insert(MinimalSecret("stages"));
  ASSERT_NE(id, 0);
  VersionRecord v1 = MakeVersion(id, "v1", {"AWSPREVIOUS"}, 1);
  VersionRecord v2 = MakeVersion(id, "v2", {"AWSCURRENT", "AWSPENDING"}, 2);
  Put(v1);
  Put(v2);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto current, txn->GetVersionByStage(id, "AWSCURRENT"));
  EXPECT_EQ(current, v2);
  COFFER_ASSERT_OK_AND_ASSIGN(auto pending, txn->GetVersionByStage(id, "AWSPENDING"));
  EXPECT_EQ(pending, v2);
  COFFER_ASSERT_OK_AND_ASSIGN(auto previous, txn->GetVersionByStage(id, "AWSPREVIOUS"));
  EXPECT_EQ(previous, v1);
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->GetVersionByStage(id, "awscurrent"));
  EXPECT_FALSE(none.has_value());
  COFFER_ASSERT_OK_AND_ASSIGN(auto other, txn->GetVersionByStage(id + 1000, "AWSCURRENT"));
  EXPECT_FALSE(other.has_value());
}

TEST_P(StoreConformance, ListVersionsOldestFirstThenInsertionOrder) {
  int64_t id = Insert(MinimalSecret("history"));
  ASSERT_NE(id, 0);
  Put(MakeVersion(id, "c-late", {}, 300));
  Put(MakeVersion(id, "z-tie-first", {}, 200));
  Put(MakeVersion(id, "a-tie-second", {}, 200));
  Put(MakeVersion(id, "m-early", {"AWSCURRENT"}, 100));
  Put(MakeVersion(id, "z-tie-first", {"AWSPREVIOUS"}, 200));  // replace keeps its place
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto list, txn->ListVersions(id));
  EXPECT_EQ(Ids(list),
            (std::vector<std::string>{"m-early", "z-tie-first", "a-tie-second", "c-late"}));
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[1].stages, (std::vector<std::string>{"AWSPREVIOUS"}));
}

TEST_P(StoreConformance, DeleteVersionRemovesItsLabels) {
  int64_t id = Insert(MinimalSecret("prune"));
  ASSERT_NE(id, 0);
  Put(MakeVersion(id, "v1", {"old"}, 1));
  Put(MakeVersion(id, "v2", {"AWSCURRENT"}, 2));
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->DeleteVersion(id, "v1"));
    COFFER_ASSERT_OK(txn->DeleteVersion(id, "v1"));  // absent: OK
    // The label is free for another version now.
    COFFER_ASSERT_OK(txn->PutVersion(MakeVersion(id, "v3", {"old"}, 3)));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto list, txn->ListVersions(id));
  EXPECT_EQ(Ids(list), (std::vector<std::string>{"v2", "v3"}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto old, txn->GetVersionByStage(id, "old"));
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->version_id, "v3");
}

TEST_P(StoreConformance, ListStagedVersionsOfSeveralSecrets) {
  int64_t a = Insert(MinimalSecret("staged-a"));
  int64_t b = Insert(MinimalSecret("staged-b"));
  int64_t bare = Insert(MinimalSecret("staged-none"));
  ASSERT_NE(a, 0);
  ASSERT_NE(b, 0);
  ASSERT_NE(bare, 0);
  Put(MakeVersion(a, "a-new", {"AWSCURRENT"}, 300));
  Put(MakeVersion(a, "a-deprecated", {}, 100));
  Put(MakeVersion(a, "a-old", {"custom", "AWSPREVIOUS"}, 200));
  Put(MakeVersion(b, "b-only", {"AWSCURRENT"}, 50));
  Put(MakeVersion(bare, "bare-deprecated", {}, 10));
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  // Ids in any order, repeated, unknown or without labelled versions.
  COFFER_ASSERT_OK_AND_ASSIGN(auto staged, txn->ListStagedVersions({b, bare, a, b, a + 1000}));
  auto expect = [](int64_t secret, const char* version, int64_t created,
                   std::vector<std::string> stages) {
    VersionRecord v;
    v.secret_id = secret;
    v.version_id = version;
    v.created_ms = created;
    v.stages = std::move(stages);
    return v;
  };
  std::vector<VersionRecord> want = {expect(a, "a-old", 200, {"AWSPREVIOUS", "custom"}),
                                     expect(a, "a-new", 300, {"AWSCURRENT"}),
                                     expect(b, "b-only", 50, {"AWSCURRENT"})};
  if (a > b) std::rotate(want.begin(), want.begin() + 2, want.end());
  EXPECT_EQ(staged, want);
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->ListStagedVersions({}));
  EXPECT_TRUE(none.empty());
  COFFER_ASSERT_OK_AND_ASSIGN(auto only_bare, txn->ListStagedVersions({bare}));
  EXPECT_TRUE(only_bare.empty());
  // Ids close together (an engine may read the range between them): the
  // labels of `b`, which lies between, stay out.
  COFFER_ASSERT_OK_AND_ASSIGN(auto ends, txn->ListStagedVersions({bare, a}));
  std::vector<VersionRecord> want_ends = {expect(a, "a-old", 200, {"AWSPREVIOUS", "custom"}),
                                          expect(a, "a-new", 300, {"AWSCURRENT"})};
  EXPECT_EQ(ends, want_ends);
}

// The labels of a page follow the version order of ListVersions also after a
// version was rewritten with a later created_ms (the AWSPENDING placeholder
// that PutSecretValue fills) and after a label moved.
TEST_P(StoreConformance, ListStagedVersionsFollowsRewrittenAndMovedVersions) {
  int64_t id = Insert(MinimalSecret("staged-rewritten"));
  ASSERT_NE(id, 0);
  Put(MakeVersion(id, "pending", {"AWSPENDING"}, 100));
  Put(MakeVersion(id, "current", {"AWSCURRENT"}, 200));
  Put(MakeVersion(id, "pending", {"AWSPENDING", "A-moved"}, 300));
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    COFFER_ASSERT_OK(txn->MoveStage(id, "current", "A-moved"));
    COFFER_ASSERT_OK(txn->Commit());
  }
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto staged, txn->ListStagedVersions({id}));
  ASSERT_EQ(staged.size(), 2u);
  EXPECT_EQ(staged[0].version_id, "current");
  EXPECT_EQ(staged[0].created_ms, 200);
  EXPECT_EQ(staged[0].stages, (std::vector<std::string>{"A-moved", "AWSCURRENT"}));
  EXPECT_EQ(staged[1].version_id, "pending");
  EXPECT_EQ(staged[1].created_ms, 300);
  EXPECT_EQ(staged[1].stages, (std::vector<std::string>{"AWSPENDING"}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto all, txn->ListVersions(id));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].version_id, "current");
}

TEST_P(StoreConformance, RemoveStageAndMoveStageMoveOneLabel) {
  int64_t id = Insert(MinimalSecret("label-ops"));
  int64_t other = Insert(MinimalSecret("label-ops-other"));
  ASSERT_NE(id, 0);
  ASSERT_NE(other, 0);
  Put(MakeVersion(id, "v1", {"AWSCURRENT", "blue"}, 1));
  Put(MakeVersion(id, "v2", {}, 2));
  Put(MakeVersion(other, "v1", {"AWSCURRENT"}, 1));
  {
    std::unique_ptr<Txn> txn = Write();
    ASSERT_NE(txn, nullptr);
    // A version that does not exist takes no label, and nothing moves.
    EXPECT_EQ(txn->MoveStage(id, "v404", "AWSCURRENT").code(), StatusCode::kNotFound);
    EXPECT_EQ(txn->MoveStage(id, "v404", "green").code(), StatusCode::kNotFound);
    // Held by v1: moves to v2 (one holder only); already there: no change.
    COFFER_ASSERT_OK(txn->MoveStage(id, "v2", "AWSCURRENT"));
    COFFER_ASSERT_OK(txn->MoveStage(id, "v1", "blue"));
    COFFER_ASSERT_OK(txn->RemoveStage(id, "absent"));
    // Held by no version: added.
    COFFER_ASSERT_OK(txn->MoveStage(id, "v1", "AWSPREVIOUS"));
    COFFER_ASSERT_OK(txn->MoveStage(id, "v2", "green"));
    COFFER_ASSERT_OK(txn->RemoveStage(id, "green"));
    COFFER_ASSERT_OK(txn->Commit());
  }
  EXPECT_EQ(Version(id, "v1"), MakeVersion(id, "v1", {"AWSPREVIOUS", "blue"}, 1));
  EXPECT_EQ(Version(id, "v2"), MakeVersion(id, "v2", {"AWSCURRENT"}, 2));
  // The other secret's labels are its own.
  EXPECT_EQ(Version(other, "v1"), MakeVersion(other, "v1", {"AWSCURRENT"}, 1));
  // Through a read transaction: refused.
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  EXPECT_FALSE(txn->RemoveStage(id, "blue").ok());
  EXPECT_FALSE(txn->MoveStage(id, "v2", "green").ok());
}

TEST_P(StoreConformance, ListLabeledVersionsAndCountVersions) {
  int64_t id = Insert(MinimalSecret("labelled"));
  int64_t other = Insert(MinimalSecret("labelled-other"));
  ASSERT_NE(id, 0);
  ASSERT_NE(other, 0);
  Put(MakeVersion(id, "old-deprecated", {}, 10));
  Put(MakeVersion(id, "previous", {"AWSPREVIOUS", "blue"}, 20));
  Put(MakeVersion(id, "token-deprecated", {}, 30));
  Put(MakeVersion(id, "current", {"AWSCURRENT"}, 40));
  Put(MakeVersion(other, "elsewhere", {"AWSCURRENT"}, 5));
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto labelled, txn->ListLabeledVersions(id, "absent"));
  EXPECT_EQ(labelled,
            (std::vector<VersionRecord>{MakeVersion(id, "previous", {"AWSPREVIOUS", "blue"}, 20),
                                        MakeVersion(id, "current", {"AWSCURRENT"}, 40)}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto with_token, txn->ListLabeledVersions(id, "token-deprecated"));
  EXPECT_EQ(Ids(with_token), (std::vector<std::string>{"previous", "token-deprecated", "current"}));
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->ListLabeledVersions(id + 1000, ""));
  EXPECT_TRUE(none.empty());
  COFFER_ASSERT_OK_AND_ASSIGN(int64_t count, txn->CountVersions(id));
  EXPECT_EQ(count, 4);
  COFFER_ASSERT_OK_AND_ASSIGN(int64_t unknown, txn->CountVersions(id + 1000));
  EXPECT_EQ(unknown, 0);
}

}  // namespace coffer::storage::testing
