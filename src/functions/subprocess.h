// RunProcess: runs a child process for a command or Python function and waits
// for it under a deadline. The child gets exactly the given environment, its
// own process group, default signal dispositions, no descriptors but 0-2 and
// the given stdin; its stdout and stderr are read concurrently and handed to
// a callback line by line (lines capped at kMaxLineBytes). On timeout the
// whole process group is killed; it is always reaped, so no zombie stays.
// Writing stdin never raises SIGPIPE in the server, even when the child
// exits without reading it.
//
// Thread-safety: RunProcess may be called from several threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"

namespace coffer::functions {

inline constexpr size_t kMaxLineBytes = 4096;

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in the child's PATH
  std::vector<std::string> env;   // "NAME=value", the child's whole environment
  std::string working_directory = "/";
  std::string stdin_data;  // written to stdin, which is then closed
  std::chrono::milliseconds timeout{30000};
};

struct ProcessOutcome {
  bool timed_out = false;  // killed (with its process group) at the deadline
  bool exited = false;     // exited normally with exit_status
  int exit_status = 0;
  int signal = 0;  // the signal that ended it, when !exited
};

// `stream` is "stdout" or "stderr"; `line` has no trailing newline and is
// cut at kMaxLineBytes (`truncated` then true; the rest of it is dropped).
using OutputLineFn =
    std::function<void(std::string_view stream, std::string_view line, bool truncated)>;

// Errors only when the process cannot be started (Unavailable) or a system
// call fails (Internal); a failing child is an outcome, not an error.
Result<ProcessOutcome> RunProcess(const ProcessSpec& spec, const OutputLineFn& on_line);

}  // namespace coffer::functions
