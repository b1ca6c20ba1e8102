// SQLite engine under concurrency and crashes: parallel readers with a
// writer, serialised writers, and a child process killed with SIGKILL while
// it commits.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::sqlite {
namespace {

using testing::kAccount;
using testing::kRegion;
using testing::MinimalSecret;

class SqliteConcurrencyTest : public SqliteStoreTest {
 protected:
  // Sets the description of `ids` to `value` in one committed transaction.
  bool SetDescriptions(const std::vector<int64_t>& ids, const std::string& value) {
    auto txn = store_->Begin(TxnMode::kWrite);
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

  int64_t Insert(const std::string& name) {
    auto txn = store_->Begin(TxnMode::kWrite);
    if (!txn.ok()) return 0;
    auto id = (*txn)->InsertSecret(MinimalSecret(name));
    if (!id.ok() || !(*txn)->Commit().ok()) return 0;
    return *id;
  }
};

TEST_F(SqliteConcurrencyTest, ReadersSeeConsistentSnapshotsWhileWriterCommits) {
  std::vector<int64_t> ids = {Insert("left"), Insert("right")};
  ASSERT_NE(ids[0], 0);
  ASSERT_NE(ids[1], 0);
  ASSERT_TRUE(SetDescriptions(ids, "0"));
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
  for (int i = 1; i <= kWrites; ++i) ASSERT_TRUE(SetDescriptions(ids, std::to_string(i)));
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  auto txn = store_->Begin(TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  auto final_row = (*txn)->GetSecretById(ids[0]);
  ASSERT_TRUE(final_row.ok() && final_row->has_value());
  EXPECT_EQ((*final_row)->description, std::optional<std::string>(std::to_string(kWrites)));
}

TEST_F(SqliteConcurrencyTest, ReadsRunWhileAWriteTxnIsOpen) {
  int64_t id = Insert("busy");
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

TEST_F(SqliteConcurrencyTest, WriteTransactionsAreSerialised) {
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

// The child commits secrets (each with a 4 KiB version) as fast as it can and
// reports each committed index through a pipe; the parent SIGKILLs it mid-run,
// reopens the file and finds every reported write.
TEST_F(SqliteConcurrencyTest, CommittedWritesSurviveSigkill) {
  store_->Close();
  store_.reset();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto store = OpenSqliteStore(path_, SqliteOptions());
    if (!store.ok()) ::_exit(2);
    for (int64_t i = 0;; ++i) {
      auto txn = (*store)->Begin(TxnMode::kWrite);
      if (!txn.ok()) ::_exit(3);
      auto id = (*txn)->InsertSecret(MinimalSecret("crash-" + std::to_string(i)));
      if (!id.ok()) ::_exit(4);
      VersionRecord v = testing::MakeVersion(*id, "v-" + std::to_string(i), {"AWSCURRENT"});
      v.sealed_value.append(4096, static_cast<char>('a' + i % 26));
      if (!(*txn)->PutVersion(v).ok() || !(*txn)->Commit().ok()) ::_exit(5);
      if (::write(fds[1], &i, sizeof i) != sizeof i) ::_exit(6);
    }
  }
  ::close(fds[1]);
  constexpr int64_t kKillAfter = 150;
  std::set<int64_t> reported;
  int64_t i = 0;
  bool killed = false;
  while (::read(fds[0], &i, sizeof i) == sizeof i) {
    reported.insert(i);
    if (!killed && static_cast<int64_t>(reported.size()) >= kKillAfter) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
  }
  ::close(fds[0]);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);
  ASSERT_GE(static_cast<int64_t>(reported.size()), kKillAfter);

  EXPECT_EQ(RawQuery(path_, "PRAGMA integrity_check"), "ok");
  auto store = OpenSqliteStore(path_, SqliteOptions());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto txn = (*store)->Begin(TxnMode::kRead);
  ASSERT_TRUE(txn.ok());
  for (int64_t n : reported) {
    auto s = (*txn)->GetSecretByName(kAccount, kRegion, "crash-" + std::to_string(n));
    ASSERT_TRUE(s.ok() && s->has_value()) << "lost committed write " << n;
    auto v = (*txn)->GetVersionByStage((*s)->id, "AWSCURRENT");
    ASSERT_TRUE(v.ok() && v->has_value()) << "lost committed version " << n;
    EXPECT_EQ((*v)->version_id, "v-" + std::to_string(n));
    EXPECT_EQ((*v)->sealed_value.size(), 10 + 2 + std::to_string(n).size() + 4096);
  }
  EXPECT_EQ(RawQuery(path_, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(RawQuery(path_, "PRAGMA foreign_key_check"), "");
}

}  // namespace
}  // namespace coffer::storage::sqlite
