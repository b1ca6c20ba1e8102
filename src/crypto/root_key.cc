// LoadOrCreateRootKey (declared in crypto/barrier.h): finds, validates or
// creates the 256-bit root key. Runs once at startup.
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/random.h"
#include "crypto/aes_gcm.h"
#include "crypto/barrier.h"

namespace coffer::crypto {
namespace {

constexpr std::string_view kRootKeyFileName = "root.key";
constexpr size_t kMaxKeyFileSize = 4096;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Moves a decoded key into a SecureString, wiping the temporary on every path.
Result<SecureString> TakeKey(std::optional<std::string> decoded, std::string_view what,
                             std::string_view encoding) {
  if (!decoded) {
    return Status::InvalidArgument("",
                                   std::string(what) + " is not valid " + std::string(encoding));
  }
  const size_t n = decoded->size();
  // Copy, then wipe: a moved-from short string would keep its bytes.
  SecureString key{std::string_view(*decoded)};
  if (n != 0) OPENSSL_cleanse(decoded->data(), n);
  if (n != internal::kAesKeySize) {
    return Status::InvalidArgument("", std::string(what) + " decodes to " + std::to_string(n) +
                                           " bytes; a root key is 32 bytes");
  }
  return key;
}

std::string ErrnoText(int err) { return std::strerror(err); }

// Reads and validates a key file. kNotFound (reason "ENOENT") when absent.
Result<SecureString> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("", "root key file " + path + " does not exist");
    return Status::Internal("cannot open root key file " + path + ": " + ErrnoText(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status::Internal("cannot stat root key file " + path + ": " + ErrnoText(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::FailedPrecondition("", "root key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::FailedPrecondition(
        "", "root key file " + path + " has mode " + mode +
                ", which lets group or others access it; run chmod 600 on it");
  }
  if (st.st_size > static_cast<off_t>(kMaxKeyFileSize)) {
    ::close(fd);
    return Status::InvalidArgument(
        "", "root key file " + path + " is too large (" + std::to_string(st.st_size) + " bytes)");
  }
  SecureString text;
  text.resize(kMaxKeyFileSize + 1);
  size_t used = 0;
  while (used < text.size()) {
    ssize_t n = ::read(fd, text.mutable_data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::Internal("cannot read root key file " + path + ": " + ErrnoText(err));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  if (used > kMaxKeyFileSize) {
    return Status::InvalidArgument("", "root key file " + path + " is too large");
  }
  return ParseRootKeyText(text.view().substr(0, used), "root key file " + path);
}

// Creates DATA_DIR/root.key atomically. Returns created=false when another
// process created it first (the existing key is loaded instead).
Result<LoadedRootKey> CreateKeyFile(const std::string& dir, const std::string& path) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::FailedPrecondition("", "data directory " + dir + " does not exist");
  }
  SecureString key(RandomBytes(internal::kAesKeySize));
  SecureString text(Base64Encode(key.view()));
  text.append("\n");

  // link(), not rename(): never replaces a root.key another process created.
  Status written = WriteFileAtomic(path, text.view(), 0600, Placement::kNoReplace);
  if (written.code() == StatusCode::kAlreadyExists) {
    COFFER_ASSIGN_OR_RETURN(SecureString existing, ReadKeyFile(path));
    return LoadedRootKey{std::move(existing), false, "file " + path};
  }
  COFFER_RETURN_IF_ERROR(written);
  return LoadedRootKey{std::move(key), true, "created " + path};
}

}  // namespace

Result<SecureString> ParseRootKeyText(std::string_view text, std::string_view what) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  if (text.empty()) return Status::InvalidArgument("", std::string(what) + " is empty");
  if (text.size() == 2 * internal::kAesKeySize) return TakeKey(HexDecode(text), what, "hex");
  if (text.size() % 4 == 0) {
    return TakeKey(Base64Decode(text), what, "base64");
  }
  return Status::InvalidArgument(
      "", std::string(what) +
              " must be 64 hex characters or the base64 encoding of 32 bytes "
              "(44 characters); found " +
              std::to_string(text.size()) + " characters");
}

Result<LoadedRootKey> LoadOrCreateRootKey(const RootKeySource& source) {
  if (source.key_file) {
    if (source.key_file->empty()) {
      return Status::InvalidArgument("", "root key file path is empty");
    }
    COFFER_ASSIGN_OR_RETURN(SecureString key, ReadKeyFile(*source.key_file));
    return LoadedRootKey{std::move(key), false, "file " + *source.key_file};
  }
  if (source.env_value) {
    COFFER_ASSIGN_OR_RETURN(SecureString key,
                            ParseRootKeyText(*source.env_value, "COFFER_ROOT_KEY"));
    return LoadedRootKey{std::move(key), false, "environment"};
  }
  if (source.data_dir.empty()) {
    return Status::InvalidArgument("",
                                   "no root key source: no key file, no COFFER_ROOT_KEY and "
                                   "no data directory");
  }
  std::string dir = source.data_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::string path = dir + "/" + std::string(kRootKeyFileName);
  Result<SecureString> existing = ReadKeyFile(path);
  if (existing.ok()) return LoadedRootKey{std::move(existing).value(), false, "file " + path};
  if (existing.status().code() != StatusCode::kNotFound) return existing.take_status();
  if (!source.create_if_missing) {
    return Status::NotFound("", "root key file " + path +
                                    " does not exist and creating a new "
                                    "root key is disabled");
  }
  return CreateKeyFile(dir, path);
}

}  // namespace coffer::crypto
