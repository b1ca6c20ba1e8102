#include "audit/audit_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <future>
#include <utility>

#include "coffer/result.h"
#include "common/file_util.h"
#include "common/log.h"

namespace coffer::audit {
namespace {

Status Io(std::string_view what, const std::string& path, int err) {
  return Status::Internal("audit log: " + std::string(what) + " " + path + ": " +
                          std::strerror(err));
}

std::string DirName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Opens `path` for appending, creating it 0600; refuses a symlink and
// anything but a regular file. O_RDWR: EndTornLine reads the last byte.
Result<int> OpenFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Io("cannot open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Io("cannot stat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Io("not a regular file:", path, EINVAL);
  }
  Status dir = FsyncDirectory(DirName(path));
  if (!dir.ok()) {
    ::close(fd);
    return dir;
  }
  return fd;
}

// If the file does not end with '\n' (a line torn by a crash or a failed
// write that could not be truncated away), ends it, so the next record starts
// on its own line.
Status EndTornLine(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Io("cannot stat", path, errno);
  if (st.st_size == 0) return Status::Ok();
  char last = 0;
  if (::pread(fd, &last, 1, st.st_size - 1) != 1) return Io("cannot read", path, errno);
  if (last == '\n') return Status::Ok();
  LogWarn("audit log: the last line was torn; ended it", {{"path", path}});
  if (::write(fd, "\n", 1) != 1 || ::fdatasync(fd) != 0) return Io("cannot write", path, errno);
  return Status::Ok();
}

// writev of every line, IOV_MAX at a time, resuming after a short write.
// Returns 0 or the errno of the failure.
int WriteAll(int fd, const std::vector<std::string_view>& lines) {
  std::vector<struct iovec> iov;
  iov.reserve(std::min<size_t>(lines.size(), IOV_MAX));
  size_t next = 0;    // first line not yet in `iov`
  size_t offset = 0;  // bytes of lines[next - iov.size()] already written
  while (next < lines.size() || !iov.empty()) {
    while (iov.size() < IOV_MAX && next < lines.size()) {
      const std::string_view l = lines[next++];
      iov.push_back({const_cast<char*>(l.data()), l.size()});
    }
    iov.front().iov_base = static_cast<char*>(iov.front().iov_base) + offset;
    iov.front().iov_len -= offset;
    offset = 0;
    const ssize_t n = ::writev(fd, iov.data(), static_cast<int>(iov.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return EIO;
    size_t done = static_cast<size_t>(n);
    size_t whole = 0;
    while (whole < iov.size() && done >= iov[whole].iov_len) done -= iov[whole++].iov_len;
    iov.erase(iov.begin(), iov.begin() + static_cast<std::ptrdiff_t>(whole));
    offset = done;  // into the (new) first iovec
  }
  return 0;
}

}  // namespace

AuditLog::~AuditLog() { Stop(); }

Status AuditLog::Open(const std::string& path) {
  MutexLock l(mu_);
  if (running_ || stopping_) {
    return Status::FailedPrecondition("", "audit log: already opened");
  }
  COFFER_ASSIGN_OR_RETURN(const int fd, OpenFile(path));
  {
    WriterMutexLock f(file_mu_);
    Status torn = EndTornLine(fd, path);
    if (!torn.ok()) {
      ::close(fd);
      return torn;
    }
    path_ = path;
    fd_ = fd;
    failure_ = Status::Ok();
  }
  running_ = true;
  writer_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void AuditLog::Append(std::string line, Done done) {
  if (line.empty() || line.back() != '\n') line.push_back('\n');
  {
    MutexLock l(mu_);
    if (running_ && !stopping_) {
      queue_.push_back(Entry{std::move(line), std::move(done)});
      l.Unlock();
      queued_.notify_one();
      return;
    }
  }
  ++failures_;
  done(Status::Unavailable("", "audit log: not open"));
}

Status AuditLog::AppendSync(std::string line) {
  std::promise<Status> outcome;
  std::future<Status> result = outcome.get_future();
  Append(std::move(line), [&outcome](const Status& s) { outcome.set_value(s); });
  return result.get();
}

Status AuditLog::AppendNow(std::string_view line) {
  if (!line.empty() && line.back() == '\n') return AppendNow(line, 1);
  return WriteNow(line, 1);
}

Status AuditLog::AppendNow(std::string_view lines, size_t count) {
  if (count == 0) return Status::Ok();
  if (lines.empty() || lines.back() != '\n') {
    failures_ += count;
    return Status::InvalidArgument("", "audit log: lines must end with a newline");
  }
  return WriteNow(lines, count);
}

Status AuditLog::WriteNow(std::string_view line, size_t count) {
  int err = 0;
  std::string path;
  {
    ReaderMutexLock f(file_mu_);
    if (!failure_.ok()) {
      failures_ += count;
      return failure_;
    }
    if (fd_ < 0) {
      failures_ += count;
      return Status::Unavailable("", "audit log: not open");
    }
    // The line and its '\n' in one write(2): O_APPEND writes of a regular
    // file are atomic with respect to each other.
    const bool ended = !line.empty() && line.back() == '\n';
    struct iovec iov[2] = {{const_cast<char*>(line.data()), line.size()},
                           {const_cast<char*>("\n"), 1}};
    const size_t want = line.size() + (ended ? 0 : 1);
    ssize_t n;
    do {
      n = ::writev(fd_, iov, ended ? 1 : 2);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(want)) {
      dirty_.store(true, std::memory_order_release);
      records_ += count;
      bytes_ += want;
      return Status::Ok();
    }
    // A short write (no space, file size limit) may have left a torn line:
    // Open and Reopen end it before the next record.
    err = n < 0 ? errno : EIO;
    path = path_;
  }
  failures_ += count;
  return Fail(Io("cannot write", path, err));
}

Status AuditLog::Fail(Status why) {
  WriterMutexLock f(file_mu_);
  if (failure_.ok()) {
    failure_ = std::move(why);
    LogError("audit log failed; requests are refused until it is reopened",
             {{"error", failure_.ToString()}});
  }
  return failure_;
}

void AuditLog::SyncIfDirty() {
  if (!dirty_.exchange(false, std::memory_order_acq_rel)) return;
  int rc = 0;
  std::string path;
  {
    ReaderMutexLock f(file_mu_);
    if (fd_ < 0 || !failure_.ok()) return;
    rc = ::fdatasync(fd_);
    if (rc != 0) {
      rc = errno;
      path = path_;
    }
  }
  if (rc != 0) {
    (void)Fail(Io("cannot sync", path, rc));
    return;
  }
  ++fsyncs_;
}

Status AuditLog::Reopen() {
  std::string path;
  {
    WriterMutexLock f(file_mu_);
    if (fd_ < 0) return Status::FailedPrecondition("", "audit log: not open");
    path = path_;
  }
  COFFER_ASSIGN_OR_RETURN(const int fd, OpenFile(path));
  int old = -1;
  {
    WriterMutexLock f(file_mu_);
    Status torn =
        fd_ < 0 ? Status::FailedPrecondition("", "audit log: stopped") : EndTornLine(fd, path);
    if (!torn.ok()) {
      ::close(fd);
      return torn;
    }
    old = fd_;
    fd_ = fd;
    failure_ = Status::Ok();
  }
  ::close(old);
  LogInfo("audit log reopened", {{"path", path}});
  return Status::Ok();
}

void AuditLog::Stop() {
  std::thread writer;
  {
    MutexLock l(mu_);
    if (!running_ || stopping_) return;
    stopping_ = true;
    writer = std::move(writer_);
  }
  queued_.notify_one();
  writer.join();  // Run returns once the queue is empty
  {
    MutexLock l(mu_);
    running_ = false;
  }
  WriterMutexLock f(file_mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

AuditLog::Stats AuditLog::stats() const {
  return Stats{records_.load(), batches_.load(), bytes_.load(), fsyncs_.load(), failures_.load()};
}

void AuditLog::Run() {
  std::vector<Entry> batch;
  for (;;) {
    {
      MutexLock l(mu_);
      auto ready = [this]() REQUIRES(mu_) { return !queue_.empty() || stopping_; };
      if (dirty_.load(std::memory_order_acquire)) {
        // Lines of AppendNow wait for a sync: at most kSyncInterval.
        if (!l.WaitFor(queued_, kSyncInterval, ready)) {
          l.Unlock();
          SyncIfDirty();
          continue;
        }
      } else {
        l.Wait(queued_, ready);
      }
      if (queue_.empty()) {  // stopping, and everything answered
        l.Unlock();
        SyncIfDirty();
        return;
      }
      batch.swap(queue_);
    }
    const Status outcome = WriteBatch(batch);
    if (outcome.ok()) {
      records_ += batch.size();
    } else {
      failures_ += batch.size();
    }
    for (Entry& e : batch) {
      try {
        e.done(outcome);
      } catch (...) {
        LogError("audit log: a completion threw");
      }
    }
    batch.clear();
  }
}

Status AuditLog::WriteBatch(const std::vector<Entry>& batch) {
  std::vector<std::string_view> lines;
  lines.reserve(batch.size());
  size_t bytes = 0;
  for (const Entry& e : batch) {
    lines.push_back(e.line);
    bytes += e.line.size();
  }
  ++batches_;
  {
    // The write, exclusive: a failed one is taken back out of the file.
    WriterMutexLock f(file_mu_);
    if (!failure_.ok()) return failure_;
    if (fd_ < 0) return Status::Unavailable("", "audit log: not open");
    struct stat st;
    if (::fstat(fd_, &st) != 0) {
      failure_ = Io("cannot stat", path_, errno);
    } else if (const int err = WriteAll(fd_, lines); err != 0) {
      failure_ = Io("cannot write", path_, err);
      // Take back what part of the batch got in, if the file has only grown
      // since (a copytruncate would have shrunk it: then leave it alone).
      struct stat now;
      if (::fstat(fd_, &now) == 0 && now.st_size > st.st_size &&
          (::ftruncate(fd_, st.st_size) != 0 || ::fdatasync(fd_) != 0)) {
        LogError("audit log: cannot remove a failed batch; its last line may be torn",
                 {{"path", path_}});
      }
    }
    if (!failure_.ok()) {
      LogError("audit log failed; requests are refused until it is reopened",
               {{"records", std::to_string(batch.size())}, {"error", failure_.ToString()}});
      return failure_;
    }
  }
  // The sync, shared: AppendNow's writers go on meanwhile (their lines are
  // synced by it too, so the dirty mark is cleared first).
  dirty_.store(false, std::memory_order_release);
  int err = 0;
  std::string path;
  {
    ReaderMutexLock f(file_mu_);
    if (fd_ < 0) return Status::Unavailable("", "audit log: not open");
    if (::fdatasync(fd_) != 0) {
      err = errno;
      path = path_;
    }
  }
  if (err != 0) return Fail(Io("cannot sync", path, err));
  ++fsyncs_;
  bytes_ += bytes;
  return Status::Ok();
}

}  // namespace coffer::audit
