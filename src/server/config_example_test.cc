// docs/coffer.example.toml (issue 25 item 4) stays true: it loads as shipped
// (everything commented out), every commented "key = value" in it is a real
// key with a valid example value (the file with them all uncommented loads
// and validates), and every key config.cc reads is in it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "server/config.h"

namespace coffer::server {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kExample = std::string(COFFER_SOURCE_DIR) + "/docs/coffer.example.toml";

TEST(ConfigExampleTest, LoadsAsShipped) {
  Config c;
  Status loaded = LoadConfigFile(kExample, c);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  EXPECT_TRUE(Validate(c).ok());
}

TEST(ConfigExampleTest, EveryDocumentedKeyIsRealAndItsExampleValid) {
  // "# key = value  # comment" and "# [table]" lines, uncommented.
  const std::regex commented(R"(^# ((\[[a-z._-]+\])|([a-z_]+ = .*?))(\s+#.*)?$)");
  std::istringstream lines(Read(kExample));
  std::string line, out;
  int keys = 0;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, commented)) {
      out += m[1].str() + "\n";
      if (m[3].matched) ++keys;
    }
  }
  EXPECT_GT(keys, 30);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("coffer-example-" + std::to_string(::getpid()) + ".toml"))
          .string();
  std::ofstream(path) << out;
  Config c;
  Status loaded = LoadConfigFile(path, c);
  std::filesystem::remove(path);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString() << "\n" << out;
  EXPECT_TRUE(Validate(c).ok()) << Validate(c).ToString();
  EXPECT_EQ(c.store_url.rfind("postgresql://", 0), 0u);
  EXPECT_EQ(c.functions.count("postgres-rotator"), 1u);
}

TEST(ConfigExampleTest, EveryKeyTheLoaderReadsIsDocumented) {
  const std::string loader = Read(std::string(COFFER_SOURCE_DIR) + "/src/server/config.cc");
  const std::string example = Read(kExample);
  const std::regex key(R"re(k == "(?:rotation\.)?([a-z_]+)")re");
  std::set<std::string> keys;
  for (std::sregex_iterator it(loader.begin(), loader.end(), key), end; it != end; ++it) {
    keys.insert((*it)[1]);
  }
  EXPECT_GT(keys.size(), 25u);
  for (const std::string& k : keys) {
    const bool documented = example.find("# " + k + " = ") != std::string::npos ||
                            example.find("# [" + k) != std::string::npos;
    EXPECT_TRUE(documented) << k << " is read by config.cc but not in coffer.example.toml";
  }
}

}  // namespace
}  // namespace coffer::server
