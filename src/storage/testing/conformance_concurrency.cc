// Conformance: transactions on many threads. Readers see consistent
// snapshots while a writer commits and do not wait for an open write Txn;
// write Txns are serialised (a read-modify-write never loses an update);
// under many concurrent writers every committed Txn lands and is visible to a
// read begun after its Commit, and no rolled-back one does.
// (Moved from the SQLite engine's tests; a SIGKILL mid-commit, which needs a
// database file, stays there.)
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kConcurrencyTestsAnchor = 1;
}  // namespace internal

namespace {

// Sets the description of `ids` to `value` in one committed transaction.
bool SetDescriptions(Store& store, const std::vector<int64_t>& ids, const std::string& value) {
  auto txn = store.Begin(TxnMode::kWrite);
  if (!txn.ok()) return false;
  for (int64_t id : ids) {
    auto r = (*txn)->GetSecretById(id);
    if (!r.ok() || !r->has_value()) return false;
    SecretRecord s = **r;
    s.description = value;
    if (!(*txn)->UpdateSecret(s).ok()) return false;
  }
  return (*txn)->Commit().ok();
}

}  // namespace

TEST_P(StoreConformance, ReadersSeeConsistentSnapshotsWhileWriterCommits) {
  std::vector<int64_t> ids = {Insert(MinimalSecret("left")), Insert(MinimalSecret("right"))};
  ASSERT_NE(ids[0], 0);
  ASSERT_NE(ids[1], 0);
  ASSERT_TRUE(SetDescriptions(*store_, ids, "0"));
  constexpr int kWrites = 150;
  constexpr int kReaders = 4;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto txn = store_->Begin(TxnMode::kRead);
        ASSERT_TRUE(txn.ok()) << txn.status().ToString();
        auto left = (*txn)->GetSecretById(ids[0]);
        std::this_thread::yield();  // let the writer commit in between
        auto right = (*txn)->GetSecretById(ids[1]);
        ASSERT_TRUE(left.ok() && right.ok());
        ASSERT_TRUE(left->has_value() && right->has_value());
        // Both rows come from the same committed state.
        EXPECT_EQ((*left)->description, (*right)->description);
        reads.fetch_add(1);
      }
    });
  }
  for (int i = 1; i <= kWrites; ++i) ASSERT_TRUE(SetDescriptions(*store_, ids, std::to_string(i)));
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  auto txn = store_->Begin(TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  auto final_row = (*txn)->GetSecretById(ids[0]);
  ASSERT_TRUE(final_row.ok() && final_row->has_value());
  EXPECT_EQ((*final_row)->description, std::optional<std::string>(std::to_string(kWrites)));
}

TEST_P(StoreConformance, ReadsRunWhileAWriteTxnIsOpen) {
  int64_t id = Insert(MinimalSecret("busy"));
  ASSERT_NE(id, 0);
  auto writer = store_->Begin(TxnMode::kWrite);
  ASSERT_TRUE(writer.ok());
  SecretRecord changed = MinimalSecret("busy");
  changed.id = id;
  changed.description = "uncommitted";
  ASSERT_TRUE((*writer)->UpdateSecret(changed).ok());
  // Readers on other threads finish without waiting for the writer.
  std::vector<std::future<std::optional<std::string>>> reads;
  for (int t = 0; t < 3; ++t) {
    reads.push_back(std::async(std::launch::async, [&]() -> std::optional<std::string> {
      auto txn = store_->Begin(TxnMode::kRead);
      if (!txn.ok()) return "begin failed";
      auto r = (*txn)->GetSecretById(id);
      if (!r.ok() || !r->has_value()) return "read failed";
      return (*r)->description;
    }));
  }
  for (auto& f : reads) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(f.get(), std::nullopt);  // the old value
  }
  ASSERT_TRUE((*writer)->Commit().ok());
}

TEST_P(StoreConformance, WriteTransactionsAreSerialised) {
  {
    auto txn = store_->Begin(TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->PutAccount({kAccount, 0}).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  constexpr int kThreads = 4;
  constexpr int kIncrements = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {  // read-modify-write of one counter
        auto txn = store_->Begin(TxnMode::kWrite);
        ASSERT_TRUE(txn.ok()) << txn.status().ToString();
        auto account = (*txn)->GetAccount(kAccount);
        ASSERT_TRUE(account.ok() && account->has_value());
        ASSERT_TRUE((*txn)->PutAccount({kAccount, (*account)->created_ms + 1}).ok());
        ASSERT_TRUE((*txn)->Commit().ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto txn = store_->Begin(TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  auto account = (*txn)->GetAccount(kAccount);
  ASSERT_TRUE(account.ok() && account->has_value());
  EXPECT_EQ((*account)->created_ms, kThreads * kIncrements);
}

// 32 threads, each committing and rolling back in turn; every committed
// secret is there (and visible to a read right after Commit), no rolled-back
// one is.
TEST_P(StoreConformance, CommitsLandAndRollbacksVanishUnderConcurrency) {
  constexpr int kThreads = 32, kEach = 10;
  std::atomic<int> visible{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string name = "s-" + std::to_string(t) + "-" + std::to_string(i);
        auto txn = store_->Begin(TxnMode::kWrite);
        ASSERT_TRUE(txn.ok()) << txn.status().ToString();
        ASSERT_TRUE((*txn)->InsertSecret(MinimalSecret(name)).ok());
        if (i % 2 == 1) continue;  // dropped: rolled back
        Status committed = (*txn)->Commit();
        ASSERT_TRUE(committed.ok()) << committed.ToString();
        auto r = store_->Begin(TxnMode::kRead);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        auto got = (*r)->GetSecretByName(kAccount, kRegion, name);
        if (got.ok() && got->has_value()) ++visible;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(visible.load(), kThreads * kEach / 2);
  auto r = store_->Begin(TxnMode::kRead);
  ASSERT_TRUE(r.ok());
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      auto got = (*r)->GetSecretByName(kAccount, kRegion,
                                       "s-" + std::to_string(t) + "-" + std::to_string(i));
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(got->has_value(), i % 2 == 0) << t << "/" << i;
    }
  }
}

}  // namespace coffer::storage::testing
