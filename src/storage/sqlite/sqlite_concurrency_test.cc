// SQLite engine under a crash: a child process killed with SIGKILL while it
// commits. (Parallel readers with a writer and serialised writers are engine
// behaviour: storage/testing/conformance_concurrency.cc.)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/sqlite_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::sqlite {
namespace {

using testing::kAccount;
using testing::kRegion;
using testing::MinimalSecret;

class SqliteConcurrencyTest : public SqliteStoreTest {};

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
