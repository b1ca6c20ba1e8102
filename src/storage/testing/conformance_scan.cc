// Conformance: ScanSecrets order and keyset pagination, for every sort key in
// both directions, with ties, page sizes that split ties, and include_deleted.
#include <algorithm>
#include <string>
#include <tuple>

#include "storage/testing/store_conformance.h"

namespace coffer::storage::testing {
namespace internal {
extern const int kScanTestsAnchor = 1;
}  // namespace internal

namespace {

// The position key of `r` under `sort`, as a caller builds it for the next page.
std::string KeyOf(const SecretRecord& r, SecretSort sort) {
  switch (sort) {
    case SecretSort::kCreatedDate: return std::to_string(r.created_ms);
    case SecretSort::kLastAccessedDate: return std::to_string(r.last_accessed_ms.value_or(0));
    case SecretSort::kLastChangedDate: return std::to_string(r.last_changed_ms);
    case SecretSort::kName: return r.name;
  }
  return "";
}

// The order the engine must produce: (key, id) ascending, or its exact reverse.
std::vector<int64_t> Expected(std::vector<SecretRecord> rows, SecretSort sort, bool descending,
                              bool include_deleted) {
  std::erase_if(rows, [&](const SecretRecord& r) { return !include_deleted && r.deleted_ms; });
  auto rank = [sort](const SecretRecord& r) {
    int64_t n = 0;
    if (sort == SecretSort::kCreatedDate) n = r.created_ms;
    if (sort == SecretSort::kLastAccessedDate) n = r.last_accessed_ms.value_or(0);
    if (sort == SecretSort::kLastChangedDate) n = r.last_changed_ms;
    return std::make_tuple(n, sort == SecretSort::kName ? r.name : std::string(), r.id);
  };
  std::sort(rows.begin(), rows.end(),
            [&](const SecretRecord& a, const SecretRecord& b) { return rank(a) < rank(b); });
  if (descending) std::reverse(rows.begin(), rows.end());
  std::vector<int64_t> ids;
  for (const auto& r : rows) ids.push_back(r.id);
  return ids;
}

// Pages through the whole scan `page` rows at a time, resuming after the last
// row of each page. Fails the test on an engine error or a runaway loop.
std::vector<int64_t> ScanAll(Txn& txn, SecretScan scan, size_t page) {
  std::vector<int64_t> ids;
  scan.limit = page;
  for (int guard = 0; guard < 100; ++guard) {
    Result<std::vector<SecretRecord>> rows = txn.ScanSecrets(scan);
    EXPECT_TRUE(rows.ok()) << StatusText(rows);
    if (!rows.ok()) return ids;
    EXPECT_LE(rows->size(), page);
    for (const auto& r : *rows) ids.push_back(r.id);
    if (rows->size() < page) return ids;
    scan.has_position = true;
    scan.after_key = KeyOf(rows->back(), scan.sort);
    scan.after_id = rows->back().id;
  }
  ADD_FAILURE() << "pagination did not end";
  return ids;
}

// Secrets with ties on every date key, an absent last-accessed date (sorts as
// 0, tied with an explicit 0), two pending deletion, and neighbours in another
// region and account that must never show up.
std::vector<SecretRecord> ScanDataset() {
  struct Row {
    const char* name;
    int64_t created, changed;
    std::optional<int64_t> accessed;
    bool deleted;
  };
  const Row rows[] = {
      {"m-secret", 300, 900, 50, false},
      {"a-secret", 100, 700, std::nullopt, false},
      {"z-secret", 200, 900, 50, true},
      {"b-secret", 100, 800, 0, false},
      {"k-secret", 300, 700, std::nullopt, false},
      {"c-secret", 200, 800, 20, false},
      {"y-secret", 100, 900, 50, false},
      {"d-secret", 400, 600, 20, true},
      {"B-secret", 200, 700, 10, false},
  };
  std::vector<SecretRecord> out;
  for (const Row& row : rows) {
    SecretRecord r = MinimalSecret(row.name);
    r.created_ms = row.created;
    r.last_changed_ms = row.changed;
    r.last_accessed_ms = row.accessed;
    if (row.deleted) {
      r.deleted_ms = row.changed;
      r.deletion_date_ms = row.changed + 1000;
    }
    out.push_back(r);
  }
  return out;
}

// A scan of kAccount's secrets in kRegion, from the start.
SecretScan HomeScan() {
  SecretScan scan;
  scan.account_id = kAccount;
  scan.region = kRegion;
  return scan;
}

}  // namespace

// One test per sort key: every direction, with and without deleted rows, for
// page sizes 1, 2, 3 (splitting ties) and one page.
#define COFFER_SCAN_TEST(TestName, SortKey)                                                       \
  TEST_P(StoreConformance, TestName) {                                                            \
    std::vector<SecretRecord> rows = ScanDataset();                                               \
    ASSERT_TRUE(InsertAll(rows));                                                                 \
    ASSERT_NE(Insert(MinimalSecret("a-secret", kAccount, kOtherRegion)), 0);                      \
    ASSERT_NE(Insert(MinimalSecret("a-secret", kOtherAccount, kRegion)), 0);                      \
    std::unique_ptr<Txn> txn = Read();                                                            \
    ASSERT_NE(txn, nullptr);                                                                      \
    for (bool descending : {false, true}) {                                                       \
      for (bool include_deleted : {false, true}) {                                                \
        std::vector<int64_t> want = Expected(rows, SortKey, descending, include_deleted);         \
        for (size_t page : {1u, 2u, 3u, 100u}) {                                                  \
          SCOPED_TRACE(::testing::Message() << "descending=" << descending << " include_deleted=" \
                                            << include_deleted << " page=" << page);              \
          SecretScan scan = HomeScan();                                                           \
          scan.sort = SortKey;                                                                    \
          scan.descending = descending;                                                           \
          scan.include_deleted = include_deleted;                                                 \
          EXPECT_EQ(ScanAll(*txn, scan, page), want);                                             \
        }                                                                                         \
      }                                                                                           \
    }                                                                                             \
  }

COFFER_SCAN_TEST(ScanByCreatedDatePaginatesBothWays, SecretSort::kCreatedDate)
COFFER_SCAN_TEST(ScanByLastAccessedDatePaginatesBothWays, SecretSort::kLastAccessedDate)
COFFER_SCAN_TEST(ScanByLastChangedDatePaginatesBothWays, SecretSort::kLastChangedDate)
COFFER_SCAN_TEST(ScanByNamePaginatesBothWays, SecretSort::kName)
#undef COFFER_SCAN_TEST

TEST_P(StoreConformance, ScanResumesFromAnyPosition) {
  std::vector<SecretRecord> rows = ScanDataset();
  ASSERT_TRUE(InsertAll(rows));
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  SecretScan scan = HomeScan();
  scan.include_deleted = true;
  // A position that matches no row (its secret was deleted since): strictly after (150, 0).
  scan.has_position = true;
  scan.after_key = "150";
  scan.after_id = 0;
  std::vector<int64_t> want;
  for (int64_t id : Expected(rows, SecretSort::kCreatedDate, false, true)) {
    auto it = std::find_if(rows.begin(), rows.end(), [id](auto& r) { return r.id == id; });
    if (it->created_ms > 150) want.push_back(id);
  }
  EXPECT_EQ(ScanAll(*txn, scan, 100), want);
  // An empty key means "from the start", whatever has_position says.
  scan.after_key.clear();
  scan.after_id = 12345;
  EXPECT_EQ(ScanAll(*txn, scan, 100), Expected(rows, SecretSort::kCreatedDate, false, true));
  // Limit 0 returns nothing.
  scan.limit = 0;
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->ScanSecrets(scan));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformance, ScanReturnsFullRecordsOfOneAccountAndRegion) {
  SecretRecord full = FullSecret("full");
  full.deleted_ms.reset();
  full.deletion_date_ms.reset();
  full.id = Insert(full);
  ASSERT_NE(full.id, 0);
  ASSERT_NE(Insert(MinimalSecret("elsewhere", kAccount, kOtherRegion)), 0);
  ASSERT_NE(Insert(MinimalSecret("foreign", kOtherAccount, kRegion)), 0);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  SecretScan scan = HomeScan();
  COFFER_ASSERT_OK_AND_ASSIGN(auto rows, txn->ScanSecrets(scan));
  EXPECT_EQ(rows, (std::vector<SecretRecord>{full}));
  scan.account_id = "999999999999";
  COFFER_ASSERT_OK_AND_ASSIGN(auto none, txn->ScanSecrets(scan));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreConformance, ScanGivesEachRowItsOwnTagsAndReplicas) {
  SecretRecord full = FullSecret("page-full");
  full.deleted_ms.reset();
  full.deletion_date_ms.reset();
  full.created_ms = 1;
  SecretRecord tagged = MinimalSecret("page-tagged");
  tagged.created_ms = 2;
  tagged.tags_set = true;
  tagged.tags = {{"b", "2"}, {"a", "1"}};
  SecretRecord bare = MinimalSecret("page-bare");
  bare.created_ms = 3;
  SecretRecord replicated = MinimalSecret("page-replicated");
  replicated.created_ms = 4;
  replicated.replicas = {{"ap-south-1", "alias/x", "Failed", "no key", 1'700'000'000'000}};
  std::vector<SecretRecord> rows = {full, tagged, bare, replicated};
  ASSERT_TRUE(InsertAll(rows));
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  SecretScan scan = HomeScan();
  COFFER_ASSERT_OK_AND_ASSIGN(auto page, txn->ScanSecrets(scan));
  EXPECT_EQ(page, rows);
  scan.descending = true;
  COFFER_ASSERT_OK_AND_ASSIGN(auto reversed, txn->ScanSecrets(scan));
  std::reverse(rows.begin(), rows.end());
  EXPECT_EQ(reversed, rows);
}

// Each row of a page comes back with every field it has, whichever fields
// its neighbours have: an engine may read some fields only for the rows that
// set them, and must give those to their own rows. By creation date, the
// rows' ids are close together; by name, in another order.
TEST_P(StoreConformance, ScanReturnsEveryFieldOfEachRow) {
  std::vector<SecretRecord> rows;
  int64_t created = 1;
  for (SecretRecord one : OneFieldEach("one-")) {
    SecretRecord bare = MinimalSecret("bare-" + one.name);
    bare.created_ms = created++;
    one.created_ms = created++;
    rows.push_back(std::move(bare));
    rows.push_back(std::move(one));
  }
  SecretRecord full = FullSecret("full");
  full.created_ms = created++;
  rows.push_back(full);
  ASSERT_TRUE(InsertAll(rows));
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  SecretScan scan = HomeScan();
  scan.include_deleted = true;
  COFFER_ASSERT_OK_AND_ASSIGN(auto page, txn->ScanSecrets(scan));
  EXPECT_EQ(page, rows);
  scan.sort = SecretSort::kName;
  COFFER_ASSERT_OK_AND_ASSIGN(auto by_name, txn->ScanSecrets(scan));
  std::sort(rows.begin(), rows.end(),
            [](const SecretRecord& a, const SecretRecord& b) { return a.name < b.name; });
  EXPECT_EQ(by_name, rows);
}

// A page's tags, replicas and other fields are its own whether its ids lie
// close together or far apart (an engine may read children by id range or by
// id list): those of secrets between them, of another region, stay out.
TEST_P(StoreConformance, ScanLeavesOutTheChildrenOfSecretsBetweenItsRows) {
  auto with_children = [](SecretRecord r, const std::string& tag) {
    r.owning_service = tag;  // and a field most secrets leave unset
    r.tags_set = true;
    r.tags = {{"k", tag}};
    r.replicas = {{"ap-south-1", "", "InSync", "", std::nullopt}};
    return r;
  };
  SecretRecord first = with_children(MinimalSecret("near-1"), "first");
  first.created_ms = 1;
  first.id = Insert(first);
  ASSERT_NE(Insert(with_children(MinimalSecret("between", kAccount, kOtherRegion), "x")), 0);
  SecretRecord second = MinimalSecret("near-2");
  second.type = "second";
  second.created_ms = 2;
  second.id = Insert(second);
  ASSERT_NE(first.id, 0);
  ASSERT_NE(second.id, 0);
  std::unique_ptr<Txn> txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto close, txn->ScanSecrets(HomeScan()));
  EXPECT_EQ(close, (std::vector<SecretRecord>{first, second}));
  txn.reset();
  // Many secrets of the other region between: the ids are far apart.
  for (int i = 0; i < 20; ++i) {
    std::string name = "far-" + std::to_string(i);
    ASSERT_NE(Insert(with_children(MinimalSecret(name, kAccount, kOtherRegion), name)), 0);
  }
  SecretRecord third = with_children(MinimalSecret("near-3"), "third");
  third.created_ms = 3;
  third.id = Insert(third);
  ASSERT_NE(third.id, 0);
  txn = Read();
  ASSERT_NE(txn, nullptr);
  COFFER_ASSERT_OK_AND_ASSIGN(auto far, txn->ScanSecrets(HomeScan()));
  EXPECT_EQ(far, (std::vector<SecretRecord>{first, second, third}));
}

}  // namespace coffer::storage::testing
