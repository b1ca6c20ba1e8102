#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/encoding.h"
#include "common/random.h"
#include "crypto/barrier.h"

namespace coffer::crypto {
namespace {

class RootKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "coffer-rootkey-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& content, mode_t mode) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  std::vector<std::string> DirEntries() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      names.push_back(e.path().filename().string());
    }
    return names;
  }

  std::string dir_;
};

TEST_F(RootKeyTest, ReadsExplicitFileInBase64AndHex) {
  const std::string key = RandomBytes(32);
  for (const std::string& text :
       {Base64Encode(key) + "\n", HexEncode(key), "  " + HexEncode(key) + "\r\n"}) {
    std::string path = WriteFile("k", text, 0600);
    RootKeySource source{dir_, path, std::nullopt};
    Result<LoadedRootKey> loaded = LoadOrCreateRootKey(source);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_TRUE(loaded->key.view() == key);
    EXPECT_FALSE(loaded->created);
    EXPECT_EQ(loaded->origin, "file " + path);
  }
}

TEST_F(RootKeyTest, ReadsEnvironmentHexAndBase64) {
  const std::string key = RandomBytes(32);
  for (const std::string& text :
       {HexEncode(key), Base64Encode(key), " " + Base64Encode(key) + "\n"}) {
    RootKeySource source{dir_, std::nullopt, text};
    Result<LoadedRootKey> loaded = LoadOrCreateRootKey(source);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_TRUE(loaded->key.view() == key);
    EXPECT_EQ(loaded->origin, "environment");
    EXPECT_FALSE(loaded->created);
  }
  std::string upper = HexEncode(key);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Result<LoadedRootKey> loaded = LoadOrCreateRootKey({dir_, std::nullopt, upper});
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->key.view() == key);
  EXPECT_TRUE(DirEntries().empty()) << "nothing may be created when the key comes from env";
}

TEST_F(RootKeyTest, SourcesAreTriedInOrder) {
  const std::string file_key = RandomBytes(32), env_key = RandomBytes(32),
                    dir_key = RandomBytes(32);
  std::string path = WriteFile("explicit.key", Base64Encode(file_key), 0600);
  WriteFile("root.key", Base64Encode(dir_key), 0600);
  Result<LoadedRootKey> a = LoadOrCreateRootKey({dir_, path, HexEncode(env_key)});
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->key.view() == file_key);
  Result<LoadedRootKey> b = LoadOrCreateRootKey({dir_, std::nullopt, HexEncode(env_key)});
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->key.view() == env_key);
  Result<LoadedRootKey> c = LoadOrCreateRootKey({dir_, std::nullopt, std::nullopt});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->key.view() == dir_key);
  EXPECT_EQ(c->origin, "file " + dir_ + "/root.key");
}

TEST_F(RootKeyTest, CreatesKeyFileWithMode0600AndReusesIt) {
  Result<LoadedRootKey> first = LoadOrCreateRootKey({dir_, std::nullopt, std::nullopt});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->key.size(), 32u);
  const std::string path = dir_ + "/root.key";
  EXPECT_EQ(first->origin, "created " + path);
  EXPECT_EQ(first->origin.find(Base64Encode(first->key.view())), std::string::npos);

  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, Base64Encode(first->key.view()) + "\n");
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"root.key"}) << "no temporary file left";

  Result<LoadedRootKey> second = LoadOrCreateRootKey({dir_ + "/", std::nullopt, std::nullopt});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->created);
  EXPECT_TRUE(second->key.view() == first->key.view());
}

TEST_F(RootKeyTest, CreatedKeyIgnoresPermissiveUmask) {
  mode_t old = ::umask(0);
  Result<LoadedRootKey> loaded = LoadOrCreateRootKey({dir_, std::nullopt, std::nullopt});
  ::umask(old);
  ASSERT_TRUE(loaded.ok());
  struct stat st;
  ASSERT_EQ(::stat((dir_ + "/root.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(RootKeyTest, DoesNotCreateWhenDisabled) {
  RootKeySource source{dir_, std::nullopt, std::nullopt};
  source.create_if_missing = false;
  Result<LoadedRootKey> loaded = LoadOrCreateRootKey(source);
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(RootKeyTest, MissingSourcesAreErrorsNotFallbacks) {
  // An explicit file that is missing is not silently replaced by a new key.
  Result<LoadedRootKey> a = LoadOrCreateRootKey({dir_, dir_ + "/missing.key", std::nullopt});
  EXPECT_EQ(a.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(DirEntries().empty());
  // A broken COFFER_ROOT_KEY does not fall through to root.key.
  WriteFile("root.key", Base64Encode(RandomBytes(32)), 0600);
  EXPECT_FALSE(LoadOrCreateRootKey({dir_, std::nullopt, std::string("nope")}).ok());
  // No data directory at all.
  EXPECT_FALSE(LoadOrCreateRootKey({dir_ + "/absent", std::nullopt, std::nullopt}).ok());
  EXPECT_FALSE(LoadOrCreateRootKey({"", std::nullopt, std::nullopt}).ok());
}

TEST_F(RootKeyTest, RejectsWrongLengthsWithoutPrintingTheKey) {
  const std::string key = RandomBytes(33);
  const std::vector<std::string> bad = {
      "",
      "   \n",
      HexEncode(key.substr(0, 31)),                   // 62 hex chars
      HexEncode(key),                                 // 66 hex chars
      HexEncode(key.substr(0, 31)) + "zz",            // 64 chars, not hex
      Base64Encode(key.substr(0, 31)),                // 44 chars, 31 bytes
      Base64Encode(key),                              // 33 bytes
      Base64Encode(key.substr(0, 24)),                // 32 chars of base64 (24 bytes)
      Base64Encode(key.substr(0, 32)).substr(0, 43),  // truncated base64
      key.substr(0, 32),                              // raw bytes are not accepted
  };
  for (const std::string& text : bad) {
    Result<LoadedRootKey> env = LoadOrCreateRootKey({dir_, std::nullopt, text});
    ASSERT_FALSE(env.ok()) << "env input of " << text.size() << " chars accepted";
    EXPECT_EQ(env.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(env.status().message().find("COFFER_ROOT_KEY"), std::string::npos);
    std::string path = WriteFile("bad.key", text, 0600);
    Result<LoadedRootKey> file = LoadOrCreateRootKey({dir_, path, std::nullopt});
    ASSERT_FALSE(file.ok()) << "file of " << text.size() << " chars accepted";
    for (const Status* s : {&env.status(), &file.status()}) {
      if (text.size() >= 8) {
        EXPECT_EQ(s->ToString().find(text.substr(0, 8)), std::string::npos) << s->ToString();
        std::string trimmed = text.substr(0, text.find_last_not_of(" \n") + 1);
        EXPECT_EQ(s->ToString().find(trimmed), std::string::npos);
      }
    }
  }
}

TEST_F(RootKeyTest, RefusesFilesOpenToGroupOrOthers) {
  const std::string key = RandomBytes(32);
  for (mode_t mode : {0644, 0640, 0604, 0660, 0606, 0666, 0610, 0601}) {
    std::string path = WriteFile("k", Base64Encode(key), mode);
    Result<LoadedRootKey> loaded = LoadOrCreateRootKey({dir_, path, std::nullopt});
    ASSERT_FALSE(loaded.ok()) << std::oct << mode;
    EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition) << std::oct << mode;
    EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
  }
  // The same rule applies to DATA_DIR/root.key: it is refused, not replaced.
  std::string path = WriteFile("root.key", Base64Encode(key), 0644);
  EXPECT_EQ(LoadOrCreateRootKey({dir_, std::nullopt, std::nullopt}).status().code(),
            StatusCode::kFailedPrecondition);
  for (mode_t mode : {0600, 0400, 0700}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    Result<LoadedRootKey> loaded = LoadOrCreateRootKey({dir_, std::nullopt, std::nullopt});
    ASSERT_TRUE(loaded.ok()) << std::oct << mode << " " << loaded.status().ToString();
    EXPECT_TRUE(loaded->key.view() == key);
  }
}

TEST_F(RootKeyTest, RefusesNonRegularFiles) {
  std::string sub = dir_ + "/keydir";
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_EQ(LoadOrCreateRootKey({dir_, sub, std::nullopt}).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace coffer::crypto
