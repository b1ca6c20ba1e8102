#include "common/file_util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "common/encoding.h"
#include "common/random.h"

namespace coffer {
namespace {

Status Io(const std::string& what, const std::string& path, int err) {
  return Status::Internal(what + " " + path + ": " + std::strerror(err));
}

std::string DirName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Status FsyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Io("cannot open directory", dir, errno);
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!synced) return Io("cannot fsync directory", dir, err);
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, std::string_view contents, int mode,
                       Placement placement) {
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = path + ".tmp-" + HexEncode(RandomBytes(8));
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
    if (fd < 0 && (errno != EEXIST || attempt == 8)) return Io("cannot create", tmp, errno);
  }
  // fchmod: the mode exactly, whatever the umask.
  bool ok =
      ::fchmod(fd, static_cast<mode_t>(mode)) == 0 && WriteAll(fd, contents) && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return Io("cannot write", tmp, err);
  }
  const int rc = placement == Placement::kReplace ? ::rename(tmp.c_str(), path.c_str())
                                                  : ::link(tmp.c_str(), path.c_str());
  err = errno;
  if (rc != 0 || placement == Placement::kNoReplace) ::unlink(tmp.c_str());
  if (rc != 0 && placement == Placement::kNoReplace && err == EEXIST) {
    return Status::AlreadyExists("", path + " exists");
  }
  if (rc != 0) return Io("cannot put in place", path, err);
  return FsyncDirectory(DirName(path));
}

}  // namespace coffer
