// Replays fuzz inputs without libFuzzer: a plain (g++) build of one fuzz
// target's LLVMFuzzerTestOneInput linked with this main. `make test`
// (tests/run_all.sh) runs it over fuzz/corpus/<target> and
// fuzz/regressions/<target>, so every seed and every past crash input is
// exercised by the normal build, and under ASan/UBSan by `make test-asan`.
// Each input runs in a forked child, so one crash fails one input only.
// Counts as one test per target (the corpus is thousands of inputs; counting
// each would swamp the suite totals): ends with "1 passed, 0 failed" when every
// input ran clean, "0 passed, 1 failed" otherwise, after the per-input lines.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(argv[i], ec)) {
      files.emplace_back(argv[i]);
      continue;
    }
    if (!std::filesystem::is_directory(argv[i], ec)) continue;  // e.g. no regressions yet
    for (const auto& e : std::filesystem::directory_iterator(argv[i], ec))
      if (e.is_regular_file() && e.path().filename().string()[0] != '.') files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int passed = 0, failed = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
      std::exit(0);  // runs static destructors (the fuzz stores remove their temp dirs)
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      ++passed;
    } else {
      ++failed;
      std::printf("FAIL: %s (%s %d)\n", f.c_str(), WIFSIGNALED(status) ? "signal" : "exit",
                  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
  }
  std::printf("%d inputs replayed, %d clean, %d failed\n", passed + failed, passed, failed);
  std::printf("%d passed, %d failed\n", failed == 0 ? 1 : 0, failed == 0 ? 0 : 1);
  return failed == 0 ? 0 : 1;
}
