// Conformance: TxnMode::kReadCached as seen through the Store. Whether and
// how an engine caches is its own affair (the SQLite engine's tests check
// its ReadCache); what every engine must show is that a kReadCached read
// begun after a write was acknowledged sees that write, a rolled-back write
// is never seen, a missing row found later is found, and such a Txn refuses
// writes.
#include <string>

#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kReadCachedTestsAnchor = 1;
}  // namespace internal

namespace {

// The description of secret `name` read in a fresh `mode` Txn ("<none>" when
// absent).
std::string Description(Store& store, TxnMode mode, const std::string& name) {
  auto txn = store.Begin(mode);
  EXPECT_TRUE(txn.ok()) << StatusText(txn);
  if (!txn.ok()) return "<error>";
  auto r = (*txn)->GetSecretByName(kAccount, kRegion, name);
  EXPECT_TRUE(r.ok()) << StatusText(r);
  if (!r.ok() || !r->has_value()) return "<none>";
  EXPECT_TRUE((*txn)->Commit().ok());
  return (*r)->description.value_or("");
}

// Sets secret `name`'s description in a write Txn; commits when `commit`.
void SetDescription(Store& store, const std::string& name, const std::string& value, bool commit) {
  auto txn = store.Begin(TxnMode::kWrite);
  ASSERT_TRUE(txn.ok()) << StatusText(txn);
  auto r = (*txn)->GetSecretByName(kAccount, kRegion, name);
  ASSERT_TRUE(r.ok() && r->has_value());
  SecretRecord s = **r;
  s.description = value;
  COFFER_ASSERT_OK((*txn)->UpdateSecret(s));
  if (commit) COFFER_ASSERT_OK((*txn)->Commit());
}

}  // namespace

TEST_P(StoreConformance, ReadCachedSeesEveryAcknowledgedWrite) {
  SecretRecord s = MinimalSecret("cached");
  s.description = "one";
  ASSERT_NE(Insert(s), 0);
  EXPECT_EQ(Description(*store_, TxnMode::kReadCached, "cached"), "one");
  EXPECT_EQ(Description(*store_, TxnMode::kReadCached, "cached"), "one");
  SetDescription(*store_, "cached", "two", /*commit=*/true);
  EXPECT_EQ(Description(*store_, TxnMode::kReadCached, "cached"), "two");
}

TEST_P(StoreConformance, ARolledBackWriteKeepsNothingStale) {
  SecretRecord s = MinimalSecret("cached");
  s.description = "one";
  ASSERT_NE(Insert(s), 0);
  EXPECT_EQ(Description(*store_, TxnMode::kReadCached, "cached"), "one");
  SetDescription(*store_, "cached", "never", /*commit=*/false);  // dropped: rolled back
  EXPECT_EQ(Description(*store_, TxnMode::kReadCached, "cached"), "one");
  EXPECT_EQ(Description(*store_, TxnMode::kRead, "cached"), "one");
}

TEST_P(StoreConformance, AbsentRowsAreNotCached) {
  EXPECT_EQ(Description(*store_, TxnMode::kReadCached, "later"), "<none>");
  ASSERT_NE(Insert(MinimalSecret("later")), 0);
  EXPECT_NE(Description(*store_, TxnMode::kReadCached, "later"), "<none>");
}

TEST_P(StoreConformance, ACachedTxnWithoutLookupsCommitsAndWritesAreRefused) {
  auto idle = store_->Begin(TxnMode::kReadCached);
  ASSERT_TRUE(idle.ok());
  EXPECT_TRUE((*idle)->Commit().ok());
  auto txn = store_->Begin(TxnMode::kReadCached);
  ASSERT_TRUE(txn.ok());
  EXPECT_FALSE((*txn)->InsertSecret(MinimalSecret("nope")).ok());
}

}  // namespace coffer::storage::testing
