// Data-directory safety of issue 18 item 4: a data directory writable by
// group or others is refused, `coffer serve`'s lock is exclusive, and
// WriteFileAtomic follows no symlink planted beside its target.
#include "server/bootstrap.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace coffer::server {
namespace {

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "coffer-datadir-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  size_t Entries(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      (void)e;
      ++n;
    }
    return n;
  }

  std::string root_;
};

TEST_F(DataDirTest, CreatesAMissingDirectory0700) {
  const std::string dir = root_ + "/data";
  ::umask(0);
  Status s = PrepareDataDir(dir);
  ::umask(022);
  ASSERT_TRUE(s.ok()) << s.ToString();
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST_F(DataDirTest, RefusesADirectoryWritableByGroupOrOthers) {
  const std::string dir = root_ + "/data";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  for (mode_t mode : {0777, 0770, 0702, 0720, 0775}) {
    ASSERT_EQ(::chmod(dir.c_str(), mode), 0);
    Status s = PrepareDataDir(dir);
    EXPECT_FALSE(s.ok()) << std::oct << mode;
    EXPECT_EQ(s.reason(), "DataDirMode");
    EXPECT_NE(s.message().find(dir), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("chmod 700"), std::string::npos) << s.message();
    EXPECT_FALSE(LockDataDir(dir).ok());
  }
  EXPECT_EQ(Entries(dir), 0u) << "nothing may be written into a refused directory";
  for (mode_t mode : {0700, 0750, 0755}) {
    ASSERT_EQ(::chmod(dir.c_str(), mode), 0);
    EXPECT_TRUE(PrepareDataDir(dir).ok()) << std::oct << mode;
  }
}

TEST_F(DataDirTest, RefusesAFile) {
  const std::string file = root_ + "/file";
  std::ofstream(file) << "x";
  EXPECT_FALSE(PrepareDataDir(file).ok());
}

TEST_F(DataDirTest, TheLockIsExclusiveAndReleasedWithItsHandle) {
  const std::string dir = root_ + "/data";
  auto first = LockDataDir(dir);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = LockDataDir(dir);  // flock: another open file description conflicts
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().reason(), "DataDirInUse");
  EXPECT_NE(second.status().message().find(dir), std::string::npos);
  EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.status().message();
  { DataDirLock released = std::move(first).value(); }
  EXPECT_TRUE(LockDataDir(dir).ok()) << "not released";
}

TEST_F(DataDirTest, TheLockFileIsNotFollowed) {
  const std::string dir = root_ + "/data";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  const std::string target = root_ + "/target";
  std::ofstream(target) << "unchanged";
  ASSERT_EQ(::symlink(target.c_str(), (dir + "/.lock").c_str()), 0);
  EXPECT_FALSE(LockDataDir(dir).ok());
  EXPECT_EQ(Read(target), "unchanged");
}

TEST_F(DataDirTest, WriteFileAtomicFollowsNoPlantedSymlink) {
  const std::string target = root_ + "/target";
  std::ofstream(target) << "unchanged";
  const std::string path = root_ + "/credentials";
  // The old fixed temporary name, and the final name itself.
  ASSERT_EQ(::symlink(target.c_str(), (path + ".tmp").c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(path, "secret-one\n", 0600).ok());
  EXPECT_EQ(Read(target), "unchanged");
  EXPECT_EQ(Read(path), "secret-one\n");

  ASSERT_EQ(::unlink(path.c_str()), 0);
  ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0);
  ASSERT_TRUE(WriteFileAtomic(path, "secret-two\n", 0600).ok());
  EXPECT_EQ(Read(target), "unchanged");
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode)) << "the symlink was replaced by the file";
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(Read(path), "secret-two\n");
  // No temporary is left behind (only target, credentials.tmp, credentials).
  EXPECT_EQ(Entries(root_), 3u);
}

}  // namespace
}  // namespace coffer::server
