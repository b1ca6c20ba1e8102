#include "functions/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <limits>

namespace coffer::functions {
namespace {

using Clock = std::chrono::steady_clock;

// How long to keep reading output after the child exited while a descendant
// still holds the pipes open (it is killed with the process group then).
constexpr auto kExitGrace = std::chrono::milliseconds(200);
// Poll slice: how often the child's exit is checked for when there is no
// pidfd (kernels before 5.3) to wait on.
constexpr int kPollSliceMs = 50;

// An owned file descriptor, closed on destruction. Thread-compatible.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  void Set(int fd) {
    Reset();
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

std::string Errno(std::string_view what) { return std::string(what) + ": " + strerror(errno); }

// A close-on-exec pipe whose descriptors are never 0-2 (they are dup2'ed
// onto 0-2 in the child, which must not clobber one another).
bool MakePipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  for (int i = 0; i < 2; ++i) {
    if (fds[i] < 3) {
      int moved = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
      close(fds[i]);
      fds[i] = moved;
    }
  }
  read_end.Set(fds[0]);
  write_end.Set(fds[1]);
  return read_end.open() && write_end.open();
}

// Splits one stream into lines for the callback. Thread-compatible.
class LineSplitter {
 public:
  LineSplitter(std::string_view stream, const OutputLineFn& fn) : stream_(stream), fn_(fn) {}

  void Append(std::string_view data) {
    while (!data.empty()) {
      size_t nl = data.find('\n');
      std::string_view chunk = data.substr(0, nl);
      if (!dropping_) {
        size_t room = kMaxLineBytes - pending_.size();
        pending_.append(chunk.substr(0, room));
        if (chunk.size() > room) {  // the line is too long: emit the cap, drop the rest
          Emit(true);
          dropping_ = true;
        }
      }
      if (nl == std::string_view::npos) return;
      if (!dropping_) Emit(false);
      dropping_ = false;
      data.remove_prefix(nl + 1);
    }
  }

  void Finish() {
    if (!pending_.empty() && !dropping_) Emit(false);
  }

 private:
  void Emit(bool truncated) {
    std::string_view line = pending_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn_(stream_, line, truncated);
    pending_.clear();
  }

  std::string_view stream_;
  const OutputLineFn& fn_;
  std::string pending_;
  bool dropping_ = false;
};

// argv[0] as a path: itself when it holds a '/', else looked up in the
// child's PATH (never the server's). Empty when not found.
std::string ResolveExecutable(const ProcessSpec& spec) {
  const std::string& name = spec.argv[0];
  if (name.find('/') != std::string::npos) return name;
  std::string_view path = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& var : spec.env) {
    if (var.rfind("PATH=", 0) == 0) path = std::string_view(var).substr(5);
  }
  while (true) {
    size_t colon = path.find(':');
    std::string dir(path.substr(0, colon));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) return "";
    path.remove_prefix(colon + 1);
  }
}

// Blocks SIGPIPE in this thread for its lifetime; a SIGPIPE raised by our
// writes is consumed before unblocking, so it is never delivered. Per thread
// by nature: lives on the stack of the thread that writes.
class SigpipeBlocker {
 public:
  SigpipeBlocker() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocker() {
    if (raised_ && !was_pending_) {
      timespec zero{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  void Raised() { raised_ = true; }

 private:
  sigset_t pipe_, old_;
  bool was_pending_ = false;
  bool raised_ = false;
};

}  // namespace

Result<ProcessOutcome> RunProcess(const ProcessSpec& spec, const OutputLineFn& on_line) {
  if (spec.argv.empty() || spec.argv[0].empty()) return Status::Internal("RunProcess: no argv");
  std::string exe = ResolveExecutable(spec);
  if (exe.empty()) return Status::Unavailable("", "command not found: " + spec.argv[0]);

  Fd in_r, in_w, out_r, out_w, err_r, err_w;
  if (!MakePipe(in_r, in_w) || !MakePipe(out_r, out_w) || !MakePipe(err_r, err_w)) {
    return Status::Internal(Errno("pipe2"));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
  posix_spawn_file_actions_addchdir_np(&actions, spec.working_directory.c_str());
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  std::vector<char*> argv, envp;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, exe.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Status::Unavailable("", "cannot start " + spec.argv[0] + ": " + strerror(rc));
  }
  in_r.Reset();
  out_w.Reset();
  err_w.Reset();
  for (const Fd* fd : {&in_w, &out_r, &err_r}) {
    fcntl(fd->get(), F_SETFL, fcntl(fd->get(), F_GETFL) | O_NONBLOCK);
  }

  SigpipeBlocker sigpipe;
  LineSplitter out_lines("stdout", on_line), err_lines("stderr", on_line);
  size_t written = 0;
  if (spec.stdin_data.empty()) in_w.Reset();
  const Clock::time_point deadline = Clock::now() + spec.timeout;
  Clock::time_point grace_deadline;
  bool exited = false;
  bool lost = false;
  ProcessOutcome outcome;
  Status failure;
  // Readable when the child exits (close-on-exec by definition).
#ifdef SYS_pidfd_open
  Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
#else
  Fd pidfd;
#endif
  char buf[65536];
  while (true) {
    pollfd fds[4];
    int n = 0;
    if (in_w.open()) fds[n++] = {in_w.get(), POLLOUT, 0};
    if (out_r.open()) fds[n++] = {out_r.get(), POLLIN, 0};
    if (err_r.open()) fds[n++] = {err_r.get(), POLLIN, 0};
    if (pidfd.open() && !exited) fds[n++] = {pidfd.get(), POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        (exited ? grace_deadline : deadline) - Clock::now());
    int wait_ms = std::clamp<int>(static_cast<int>(left.count()) + 1, 0,
                                  pidfd.open() ? std::numeric_limits<int>::max() : kPollSliceMs);
    if (poll(fds, n, wait_ms) < 0 && errno != EINTR) {
      failure = Status::Internal(Errno("poll"));
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (fds[i].revents == 0 || fds[i].fd == pidfd.get()) continue;
      if (fds[i].fd == in_w.get()) {
        ssize_t w =
            write(in_w.get(), spec.stdin_data.data() + written, spec.stdin_data.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno == EPIPE) sigpipe.Raised();
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == spec.stdin_data.size()) {
          in_w.Reset();  // all written, or the child closed its stdin
        }
        continue;
      }
      bool is_out = fds[i].fd == out_r.get();
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r > 0) {
        (is_out ? out_lines : err_lines).Append(std::string_view(buf, static_cast<size_t>(r)));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        (is_out ? out_r : err_r).Reset();
      }
    }
    if (!exited) {
      siginfo_t info{};
      int w = waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT);
      lost = w < 0 && errno == ECHILD;  // reaped elsewhere (SIGCHLD ignored?)
      if ((w == 0 && info.si_pid == pid) || lost) {
        exited = true;
        grace_deadline = Clock::now() + kExitGrace;
      }
    }
    if (exited && ((!out_r.open() && !err_r.open()) || Clock::now() >= grace_deadline)) break;
    if (!exited && Clock::now() >= deadline) {
      outcome.timed_out = true;
      break;
    }
  }
  // The leader is unreaped (a zombie at worst), so its pid still names our
  // process group: kill what is left of it (everything, on timeout).
  int status = 0;
  if (!lost) {
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  out_lines.Finish();
  err_lines.Finish();
  if (!failure.ok()) return failure;
  if (lost) return Status::Internal("lost the child's exit status (is SIGCHLD ignored?)");
  if (!outcome.timed_out) {
    outcome.exited = WIFEXITED(status);
    outcome.exit_status = outcome.exited ? WEXITSTATUS(status) : 0;
    outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return outcome;
}

}  // namespace coffer::functions
