// GroupCommit in isolation (a fake end_batch stands in for COMMIT). The
// store's write path under many concurrent writers with rollbacks is engine
// behaviour: storage/testing/conformance_concurrency.cc.
#include "storage/sqlite/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace coffer::storage::sqlite {
namespace {

// Runs `threads` writers that each take a turn and join the batch; the fake
// COMMIT sleeps like an fsync, fails when `fail` says so, and counts batches.
struct Harness {
  GroupCommit gc{256};
  std::atomic<int> begins{0}, batches{0}, ok{0}, failed{0};
  std::atomic<bool> fail{false};

  void Writer(bool join) {
    auto must_begin = gc.Acquire();
    ASSERT_TRUE(must_begin.ok());
    if (*must_begin) ++begins;
    Status s = gc.Release(join, /*aborted=*/false, [this](bool commit) {
      if (commit) ++batches;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return fail.load() && commit ? Status::Internal("disk on fire") : Status::Ok();
    });
    (s.ok() ? ok : failed)++;
  }
};

TEST(GroupCommitTest, ConcurrentWritersShareCommits) {
  Harness h;
  std::vector<std::thread> ts;
  for (int i = 0; i < 32; ++i) ts.emplace_back([&] { h.Writer(true); });
  for (auto& t : ts) t.join();
  EXPECT_EQ(h.ok.load(), 32);
  EXPECT_EQ(h.failed.load(), 0);
  EXPECT_LT(h.batches.load(), 32);  // 32 writers arrive within one 5 ms "fsync"
  EXPECT_EQ(h.begins.load(), h.batches.load());
}

TEST(GroupCommitTest, AFailedCommitFailsEveryMemberOfTheBatch) {
  Harness h;
  h.fail = true;
  std::vector<std::thread> ts;
  for (int i = 0; i < 16; ++i) ts.emplace_back([&] { h.Writer(true); });
  for (auto& t : ts) t.join();
  EXPECT_EQ(h.ok.load(), 0);
  EXPECT_EQ(h.failed.load(), 16);
}

TEST(GroupCommitTest, RollbacksAreNotMembersAndDoNotWait) {
  Harness h;
  h.fail = true;  // any COMMIT would fail; a batch of rollbacks never commits
  std::vector<std::thread> ts;
  for (int i = 0; i < 16; ++i) ts.emplace_back([&] { h.Writer(false); });
  for (auto& t : ts) t.join();
  EXPECT_EQ(h.ok.load(), 16);
  EXPECT_EQ(h.batches.load(), 0);
}

TEST(GroupCommitTest, AnAbortedBatchFailsItsMembers) {
  GroupCommit gc(256);
  ASSERT_TRUE(gc.Acquire().ok());
  std::thread second;
  std::atomic<bool> second_waiting{false};
  Status member;
  // The first writer joins while a second waits, so it hands over and waits.
  second = std::thread([&] {
    second_waiting = true;
    ASSERT_TRUE(gc.Acquire().ok());
    // The batch transaction is gone (SQLite rolled it back): aborted.
    Status s = gc.Release(false, /*aborted=*/true, [](bool commit) {
      EXPECT_FALSE(commit);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
  });
  while (!second_waiting) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let it block in Acquire
  member = gc.Release(true, false, [](bool) { return Status::Ok(); });
  second.join();
  EXPECT_FALSE(member.ok());
}

TEST(GroupCommitTest, CloseRefusesLaterWriters) {
  GroupCommit gc(256);
  gc.Close();
  EXPECT_FALSE(gc.Acquire().ok());
}

}  // namespace
}  // namespace coffer::storage::sqlite
