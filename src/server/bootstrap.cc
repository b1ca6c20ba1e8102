#include "server/bootstrap.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "common/random.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::server {
namespace {

constexpr char kUpperAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr char kSecretAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Status Io(const std::string& what, const std::string& path) {
  return Status::Internal(what + " " + path + ": " + std::strerror(errno));
}

Status EnsureDir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument("Config", dir + " is not a directory");
    return Status::Ok();
  }
  if (::mkdir(dir.c_str(), 0700) != 0) return Io("cannot create", dir);
  return Status::Ok();
}

SecureString DeriveKey(const SecureString& root, std::string_view label) {
  unsigned char out[32];
  unsigned int len = sizeof out;
  HMAC(EVP_sha256(), root.data(), static_cast<int>(root.size()),
       reinterpret_cast<const unsigned char*>(label.data()), label.size(), out, &len);
  SecureString key(std::string(reinterpret_cast<char*>(out), len));
  OPENSSL_cleanse(out, sizeof out);
  return key;
}

std::string RandomAccountId() {
  std::string id = RandomString(1, "123456789") + RandomString(11, "0123456789");
  return id;
}

// Creates the default account and its administrator; writes DIR/credentials.
Status CreateAdministrator(DataDir& dd, const Config& config, const Clock& clock) {
  COFFER_ASSIGN_OR_RETURN(auto txn, dd.store->Begin(storage::TxnMode::kWrite));
  const int64_t now = clock.NowMillis();
  dd.account_id = config.account_id.empty() ? RandomAccountId() : config.account_id;
  COFFER_RETURN_IF_ERROR(txn->PutAccount({dd.account_id, now}));
  dd.admin_access_key = "AKIA" + RandomString(16, kUpperAlnum);
  SecureString secret(RandomString(40, kSecretAlphabet));
  storage::AccessKeyRecord key;
  key.access_key_id = dd.admin_access_key;
  key.account_id = dd.account_id;
  key.principal_arn = "arn:aws:iam::" + dd.account_id + ":user/admin";
  COFFER_ASSIGN_OR_RETURN(key.sealed_secret,
                          dd.barrier->Seal(secret.view(), "access-key|" + key.access_key_id));
  key.active = true;
  key.created_ms = now;
  COFFER_RETURN_IF_ERROR(txn->PutAccessKey(key));
  SecureString file("[default]\naws_access_key_id = " + key.access_key_id +
                    "\naws_secret_access_key = " + std::string(secret.view()) + "\n");
  // The credentials file first: if we crash before commit, the next start
  // simply creates a new administrator and overwrites it.
  COFFER_RETURN_IF_ERROR(WriteFileAtomic(dd.credentials_path, file.view(), 0600));
  return txn->Commit();
}

}  // namespace

Status WriteFileAtomic(const std::string& path, std::string_view contents, int mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Io("cannot create", tmp);
  ::fchmod(fd, mode);
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Io("cannot write", tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) { ::close(fd); return Io("cannot fsync", tmp); }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Io("cannot rename to", path);
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) { ::fsync(dfd); ::close(dfd); }
  return Status::Ok();
}

Result<DataDir> OpenDataDir(const Config& config, const Clock& clock) {
  DataDir dd;
  const std::string& dir = config.data_dir;
  COFFER_RETURN_IF_ERROR(EnsureDir(dir));
  dd.credentials_path = dir + "/credentials";

  // A database without its root key is unreadable: never mint a new key
  // next to an existing database.
  struct stat st {};
  const bool db_exists = ::stat((dir + "/coffer.db").c_str(), &st) == 0;
  crypto::RootKeySource source{dir, config.root_key_file, config.root_key_env};
  source.create_if_missing = !db_exists;
  COFFER_ASSIGN_OR_RETURN(crypto::LoadedRootKey root, crypto::LoadOrCreateRootKey(source));
  dd.root_key_origin = root.origin;
  dd.token_key = DeriveKey(root.key, "coffer/page-token/v1");
  dd.barrier = std::make_unique<crypto::Barrier>(std::move(root.key));

  COFFER_ASSIGN_OR_RETURN(dd.store, storage::OpenSqliteStore(dir + "/coffer.db", {}));

  // The default account is the oldest one; none means first start.
  std::vector<storage::AccountRecord> accounts;
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, dd.store->Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(accounts, txn->ListAccounts());
  }
  if (accounts.empty()) {
    dd.first_start = true;
    COFFER_RETURN_IF_ERROR(CreateAdministrator(dd, config, clock));
    LogInfo("first start: created the default account and an administrator",
            {{"account", dd.account_id}, {"credentials", dd.credentials_path}});
  } else {
    dd.account_id = accounts.front().account_id;
    COFFER_ASSIGN_OR_RETURN(auto txn, dd.store->Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(auto keys, txn->ListAccessKeys(dd.account_id));
    if (!keys.empty()) {
      dd.admin_access_key = keys.front().access_key_id;
      // Fail closed at start when the root key is not the one that sealed
      // this database, rather than on every request.
      if (!dd.barrier->Open(keys.front().sealed_secret, "access-key|" + dd.admin_access_key).ok())
        return Status::FailedPrecondition(
            "RootKeyMismatch", "the root key does not open this database (wrong --root-key-file "
                               "or COFFER_ROOT_KEY?)");
    }
  }
  return dd;
}

}  // namespace coffer::server
