// Store conformance suite: the behaviour every storage engine must show,
// written only against storage::Store / storage::Txn (store.h), in the manner
// of OpenBao's physical.ExerciseBackend.
//
// An engine runs it from its own test file:
//
//   #include "storage/testing/store_conformance.h"
//   using coffer::storage::testing::StoreConformance;
//   using coffer::storage::testing::StoreEngine;
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//       ::testing::Values(StoreEngine{"sqlite", [] { return OpenFreshStore(); }}),
//       coffer::storage::testing::StoreEngineName);
//
// The factory is called once per test and must return an empty, open store
// (or nullptr, which fails the test).
//
// Beyond store.h, the suite pins down these engine-visible choices, so every
// engine behaves the same:
//   * ListAccessKeys orders by access_key_id, ListKmsKeys by key_id,
//     ListKmsAliases by alias_name, ListReplicas and SecretsDueForPurge by
//     (deletion_date_ms, id) / id; ListVersions by (created_ms, first insert).
//   * ScanSecrets descending is the exact reverse of ascending, ties included
//     (sort key, then id); a position is used when has_position is set and
//     after_key is non-empty; after_key for dates is decimal epoch ms.
//   * UpdateSecret of a missing id is kNotFound; deletes of missing rows are OK.
//   * A Txn method that fails leaves the transaction as before the call.
//   * Writes through a read Txn, and any call after Commit, fail.
//   * Transactions on many threads (conformance_concurrency.cc): read Txns
//     see one committed state and never wait for an open write Txn; write
//     Txns are serialised; a read begun after a Commit returned sees it.
//   * kReadCached (conformance_read_cached.cc) sees every acknowledged write
//     and nothing rolled back, whatever the engine caches.
//   * A Conflict's message names no record value.
//
// This suite is where engine behaviour is defined: a test of what any
// engine must do belongs here, not in one engine's tests.
//
// Thread-safety: gtest fixtures; single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "storage/records.h"
#include "storage/store.h"

namespace coffer::storage::testing {

using StoreFactory = std::function<std::unique_ptr<Store>()>;

// One engine under test: a name for test ids and a factory of fresh stores.
struct StoreEngine {
  std::string name;
  StoreFactory factory;
};

void PrintTo(const StoreEngine& engine, std::ostream* os);
std::string StoreEngineName(const ::testing::TestParamInfo<StoreEngine>& info);

class StoreConformance : public ::testing::TestWithParam<StoreEngine> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Begin a transaction; a failure is reported and nullptr returned.
  std::unique_ptr<Txn> Write();
  std::unique_ptr<Txn> Read();

  // Inserts `r` in its own committed transaction; returns the id (0 on failure).
  int64_t Insert(const SecretRecord& r);
  // Inserts each of `rows` (setting its id); false when one failed.
  bool InsertAll(std::vector<SecretRecord>& rows);
  // Puts `v` in its own committed transaction.
  void Put(const VersionRecord& v);
  // Reads a secret / version in a fresh read transaction.
  std::optional<SecretRecord> Secret(int64_t id);
  std::optional<VersionRecord> Version(int64_t secret_id, const std::string& version_id);

  std::unique_ptr<Store> store_;
};

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kOtherAccount = "444455556666";
inline constexpr const char* kRegion = "us-east-1";
inline constexpr const char* kOtherRegion = "eu-west-1";

// A secret with only the required fields set.
SecretRecord MinimalSecret(const std::string& name, const std::string& account = kAccount,
                           const std::string& region = kRegion);
// A secret with every field, optional or not, set to a distinct value.
SecretRecord FullSecret(const std::string& name);
// MinimalSecret(prefix + field) once per field it leaves unset, empty or
// false, with only that field set; the optional strings also once set to "".
// An engine that stores some fields apart, or reads some only when set, must
// return each of these exactly.
std::vector<SecretRecord> OneFieldEach(const std::string& prefix);
// A version with a non-empty binary-safe sealed value.
VersionRecord MakeVersion(int64_t secret_id, const std::string& version_id,
                          std::vector<std::string> stages, int64_t created_ms = 1000);

// The status of a Status or Result, for failure messages.
inline std::string StatusText(const Status& s) { return s.ToString(); }
template <typename T>
std::string StatusText(const Result<T>& r) {
  return r.ok() ? "OK" : r.status().ToString();
}

// Binds this translation unit to the suite's objects in the static library
// (otherwise the linker would drop their TEST_P registrations).
int LinkStoreConformance();
namespace internal {
[[maybe_unused]] inline const int kStoreConformanceLinked = LinkStoreConformance();
}  // namespace internal

}  // namespace coffer::storage::testing

// Test helpers: fail the test when a Status / Result is not OK.
#define COFFER_ASSERT_OK(expr)                                                          \
  do {                                                                                  \
    const auto& coffer_ok_ = (expr);                                                    \
    ASSERT_TRUE(coffer_ok_.ok()) << #expr << ": "                                       \
                                 << ::coffer::storage::testing::StatusText(coffer_ok_); \
  } while (0)
#define COFFER_EXPECT_OK(expr)                                                          \
  do {                                                                                  \
    const auto& coffer_ok_ = (expr);                                                    \
    EXPECT_TRUE(coffer_ok_.ok()) << #expr << ": "                                       \
                                 << ::coffer::storage::testing::StatusText(coffer_ok_); \
  } while (0)

// Unwraps a Result<T> into `lhs` or fails the test (returns from it).
#define COFFER_ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  COFFER_ASSERT_OK_AND_ASSIGN_IMPL_(COFFER_CONCAT_(coffer_assert_, __LINE__), lhs, rexpr)
#define COFFER_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, rexpr)            \
  auto tmp = (rexpr);                                                 \
  ASSERT_TRUE(tmp.ok()) << #rexpr << ": " << tmp.status().ToString(); \
  lhs = std::move(tmp).value()
