// Conformance: write batches (Store::BeginBatch): Txns that commit into a
// batch are durable and visible to other threads only when the batch
// commits; the batch's own reads see them; an uncommitted batch rolls back;
// other threads' write Txns still get their turn.
#include <thread>

#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kBatchTestsAnchor = 1;
}  // namespace internal

namespace {

// True when another thread's read transaction sees secret `name`.
bool VisibleElsewhere(Store& store, const std::string& name) {
  bool found = false;
  std::thread t([&] {
    auto txn = store.Begin(TxnMode::kRead);
    ASSERT_TRUE(txn.ok()) << StatusText(txn);
    auto got = (*txn)->GetSecretByName(kAccount, kRegion, name);
    ASSERT_TRUE(got.ok()) << StatusText(got);
    found = got->has_value();
  });
  t.join();
  return found;
}

}  // namespace

TEST_P(StoreConformance, BatchTxnsLandTogetherAtBatchCommit) {
  COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Batch> batch, store_->BeginBatch());
  // Insert's write Txn begins on this thread, so it joins the batch.
  for (const char* name : {"b1", "b2", "b3"}) ASSERT_NE(Insert(MinimalSecret(name)), 0);
  // Not yet durable: the batch's own reads see its writes, nobody else does.
  {
    COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Txn> txn, store_->Begin(TxnMode::kReadCached));
    COFFER_ASSERT_OK_AND_ASSIGN(auto own, txn->GetSecretByName(kAccount, kRegion, "b2"));
    EXPECT_TRUE(own.has_value());
  }
  EXPECT_FALSE(VisibleElsewhere(*store_, "b1"));
  COFFER_ASSERT_OK(batch->Commit());
  for (const char* name : {"b1", "b2", "b3"}) EXPECT_TRUE(VisibleElsewhere(*store_, name)) << name;
  // The thread is back to ordinary transactions.
  EXPECT_NE(Insert(MinimalSecret("after")), 0);
  EXPECT_TRUE(VisibleElsewhere(*store_, "after"));
}

TEST_P(StoreConformance, BatchKeepsCommittedTxnsWhenAnotherRollsBack) {
  COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Batch> batch, store_->BeginBatch());
  ASSERT_NE(Insert(MinimalSecret("kept")), 0);
  {
    COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Txn> txn, store_->Begin(TxnMode::kWrite));
    ASSERT_TRUE(txn->InsertSecret(MinimalSecret("dropped")).ok());
    // A name conflict inside the batch is an ordinary Conflict.
    Result<int64_t> dup = txn->InsertSecret(MinimalSecret("kept"));
    EXPECT_EQ(dup.status().reason(), "Conflict");
  }  // destroyed without Commit: rolled back
  COFFER_ASSERT_OK(batch->Commit());
  EXPECT_TRUE(VisibleElsewhere(*store_, "kept"));
  EXPECT_FALSE(VisibleElsewhere(*store_, "dropped"));
}

TEST_P(StoreConformance, BatchDestroyedWithoutCommitRollsBackEverything) {
  {
    COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Batch> batch, store_->BeginBatch());
    ASSERT_NE(Insert(MinimalSecret("gone")), 0);
  }
  EXPECT_FALSE(VisibleElsewhere(*store_, "gone"));
  EXPECT_NE(Insert(MinimalSecret("gone")), 0);  // the store is usable afterwards
}

TEST_P(StoreConformance, BatchRefusesASecondWriteTxnWhileOneIsOpen) {
  COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Batch> batch, store_->BeginBatch());
  COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Txn> first, store_->Begin(TxnMode::kWrite));
  EXPECT_FALSE(store_->Begin(TxnMode::kWrite).ok());
  EXPECT_FALSE(store_->BeginBatch().ok());  // one batch per thread
  // A read while the write is open reads committed state, as outside a batch.
  ASSERT_TRUE(first->InsertSecret(MinimalSecret("open")).ok());
  {
    COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Txn> read, store_->Begin(TxnMode::kRead));
    COFFER_ASSERT_OK_AND_ASSIGN(auto got, read->GetSecretByName(kAccount, kRegion, "open"));
    EXPECT_FALSE(got.has_value());
  }
  COFFER_ASSERT_OK(first->Commit());
  COFFER_ASSERT_OK(batch->Commit());
  EXPECT_TRUE(VisibleElsewhere(*store_, "open"));
}

TEST_P(StoreConformance, OtherThreadsWriteWhileABatchIsOpen) {
  COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Batch> batch, store_->BeginBatch());
  ASSERT_NE(Insert(MinimalSecret("in-batch")), 0);
  // Another thread's write waits for the batch's turn, then lands on its own.
  std::thread other([&] { EXPECT_NE(Insert(MinimalSecret("outside")), 0); });
  COFFER_ASSERT_OK(batch->Commit());
  other.join();
  EXPECT_TRUE(VisibleElsewhere(*store_, "in-batch"));
  EXPECT_TRUE(VisibleElsewhere(*store_, "outside"));
}

TEST_P(StoreConformance, EmptyBatchCommits) {
  COFFER_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Batch> batch, store_->BeginBatch());
  COFFER_ASSERT_OK(batch->Commit());
  EXPECT_FALSE(batch->Commit().ok());  // finished
}

}  // namespace coffer::storage::testing
