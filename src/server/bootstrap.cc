#include "server/bootstrap.h"

#include "iam/principals.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/random.h"
#include "server/access_keys.h"
#include "server/rekey.h"
#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::server {
namespace {

Status Io(const std::string& what, const std::string& path) {
  return Status::Internal(what + " " + path + ": " + std::strerror(errno));
}

std::string ModeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// The pid written in a lock file, for the message; "" when unreadable.
std::string LockHolder(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  for (char c : pid)
    if (c < '0' || c > '9') return "";
  return pid;
}

SecureString DeriveKey(const SecureString& root, std::string_view label) {
  unsigned char out[32];
  unsigned int len = sizeof out;
  HMAC(EVP_sha256(), root.data(), static_cast<int>(root.size()),
       reinterpret_cast<const unsigned char*>(label.data()), label.size(), out, &len);
  SecureString key(std::string_view(reinterpret_cast<char*>(out), len));
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
  COFFER_RETURN_IF_ERROR(txn->PutAccount({dd.account_id, now, "default"}));
  COFFER_ASSIGN_OR_RETURN(NewAccessKey key,
                          MintAccessKey(*dd.barrier, dd.account_id,
                                        "arn:aws:iam::" + dd.account_id + ":user/admin", now));
  dd.admin_access_key = key.record.access_key_id;
  COFFER_RETURN_IF_ERROR(txn->PutAccessKey(key.record));
  const SecureString file = SharedCredentialsText(key.record.access_key_id, key.secret);
  // The credentials file first: if we crash before commit, the next start
  // simply creates a new administrator and overwrites it.
  COFFER_RETURN_IF_ERROR(WriteFileAtomic(dd.credentials_path, file.view(), 0600));
  return txn->Commit();
}

// Fails closed at start when the root key is not the one that sealed this
// database, rather than on every request: some access key must open (one
// whose row was altered does not, and is refused alone). Then reseals the
// rows sealed before schema 7 (access_keys.h).
Status CheckRootKeyAndReseal(DataDir& dd) {
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, dd.store->Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(auto keys, txn->ListAccessKeys(dd.account_id));
    if (!keys.empty()) dd.admin_access_key = keys.front().access_key_id;
  }
  COFFER_RETURN_IF_ERROR(CheckRootKeyOpensAccessKeys(*dd.store, *dd.barrier));
  COFFER_ASSIGN_OR_RETURN(size_t resealed, ResealLegacyAccessKeys(*dd.store, *dd.barrier));
  if (resealed > 0)
    LogInfo("resealed access keys to bind their account, principal and status",
            {{"count", std::to_string(resealed)}});
  return Status::Ok();
}

// Every account's administrator is the IAM user `admin` with
// AdministratorAccess (issue 20): made for accounts created before IAM, at
// each start (a no-op once it exists).
Status EnsureAdministrators(storage::Store& store, const Clock& clock) {
  COFFER_ASSIGN_OR_RETURN(auto txn, store.Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto accounts, txn->ListAccounts());
  for (const auto& a : accounts) {
    COFFER_RETURN_IF_ERROR(iam::EnsureAdministrator(*txn, a.account_id, clock.NowMillis()));
  }
  return txn->Commit();
}

}  // namespace

Status PrepareDataDir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return Io("cannot stat the data directory", dir);
    if (::mkdir(dir.c_str(), 0700) != 0) return Io("cannot create", dir);
    if (::stat(dir.c_str(), &st) != 0) return Io("cannot stat the data directory", dir);
  }
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument("Config", dir + " is not a directory");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return Status::FailedPrecondition(
        "DataDirMode", "data directory " + dir + " has mode " + ModeText(st.st_mode) +
                           ", which lets group or others write to it (and replace the database "
                           "or key files); run chmod 700 " +
                           dir);
  return Status::Ok();
}

DataDirLock& DataDirLock::operator=(DataDirLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

Result<DataDirLock> LockDataDir(const std::string& dir) {
  COFFER_RETURN_IF_ERROR(PrepareDataDir(dir));
  const std::string path = dir + "/.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Io("cannot open the data directory lock", path);
  DataDirLock lock(fd);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) return Io("cannot lock", path);
    const std::string pid = LockHolder(fd);
    return Status::FailedPrecondition(
        "DataDirInUse", "data directory " + dir + " is in use by another coffer serve (" +
                            (pid.empty() ? "" : "pid " + pid + " ") + "holds " + path +
                            "); only one server may use a data directory at a time");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0)
    LogWarn("cannot record the pid in the data directory lock", {{"path", path}});
  return lock;
}

Result<SecureString> LoadExistingRootKey(Config& config) {
  crypto::RootKeySource source{config.data_dir, config.root_key_file, config.root_key_env};
  source.create_if_missing = false;
  auto root = crypto::LoadOrCreateRootKey(source);
  for (auto* text : {&config.root_key_env, &source.env_value}) {
    if (*text) OPENSSL_cleanse((*text)->data(), (*text)->size());
  }
  if (!root.ok()) return root.status();
  return std::move(root->key);
}

SecureString DerivePageTokenKey(const SecureString& root_key) {
  return DeriveKey(root_key, "coffer/page-token/v1");
}

Result<Config> SqliteToolConfig(const std::string& data_dir, const std::string& root_key_file) {
  Config config;
  COFFER_RETURN_IF_ERROR(ApplyEnvironment(config));
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!root_key_file.empty()) config.root_key_file = root_key_file;
  if (!config.store_url.empty()) {
    return Status::FailedPrecondition(
        "PostgreSQL",
        "this store is PostgreSQL (COFFER_STORE_URL): use PostgreSQL's own tools "
        "for its data, and keep the root key apart (docs/operations.md)");
  }
  return config;
}

Result<DataDir> OpenDataDir(const Config& config, const Clock& clock) {
  DataDir dd;
  const std::string& dir = config.data_dir;
  COFFER_RETURN_IF_ERROR(PrepareDataDir(dir));
  dd.credentials_path = dir + "/credentials";

  // A database without its root key is unreadable: never mint a new key
  // next to an existing database. On PostgreSQL the database exists once it
  // has an account, so the store is opened first.
  bool db_exists = false;
  if (config.store_url.empty()) {
    struct stat st {};
    db_exists = ::stat((dir + "/coffer.db").c_str(), &st) == 0;
  } else {
    COFFER_ASSIGN_OR_RETURN(
        dd.store, storage::OpenPostgresStore(config.store_url, storage::PostgresOptions()));
    COFFER_ASSIGN_OR_RETURN(auto txn, dd.store->Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(auto existing, txn->ListAccounts());
    db_exists = !existing.empty();
  }
  crypto::RootKeySource source{dir, config.root_key_file, config.root_key_env};
  source.create_if_missing = !db_exists;
  Result<crypto::LoadedRootKey> loaded = crypto::LoadOrCreateRootKey(source);
  // Our copy of COFFER_ROOT_KEY's text: wiped as soon as it is decoded.
  if (source.env_value) OPENSSL_cleanse(source.env_value->data(), source.env_value->size());
  if (!loaded.ok()) return loaded.take_status();
  crypto::LoadedRootKey root = std::move(loaded).value();
  dd.root_key_origin = root.origin;
  dd.token_key = DerivePageTokenKey(root.key);
  dd.barrier = std::make_unique<crypto::Barrier>(std::move(root.key));

  if (!dd.store) {
    COFFER_ASSIGN_OR_RETURN(dd.store, storage::OpenSqliteStore(dir + "/coffer.db", {}));
  }

  // The default account is the oldest one; none means first start.
  std::vector<storage::AccountRecord> accounts;
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, dd.store->Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(accounts, txn->ListAccounts());
  }
  if (accounts.empty()) {
    Status created = CreateAdministrator(dd, config, clock);
    if (created.code() == StatusCode::kAlreadyExists && !config.store_url.empty()) {
      // Another node on the same database bootstrapped it first (its write
      // committed between our read and our write; nothing of ours was
      // written): go on as a later start, with the root key we were given.
      LogInfo("another node created the default account first; starting as a later node");
      COFFER_ASSIGN_OR_RETURN(auto txn, dd.store->Begin(storage::TxnMode::kRead));
      COFFER_ASSIGN_OR_RETURN(accounts, txn->ListAccounts());
      if (accounts.empty()) return created;
    } else {
      COFFER_RETURN_IF_ERROR(created);
      dd.first_start = true;
      LogInfo("first start: created the default account and an administrator",
              {{"account", dd.account_id}, {"credentials", dd.credentials_path}});
    }
  }
  if (!dd.first_start) {
    dd.account_id = accounts.front().account_id;
    Status checked = CheckRootKeyAndReseal(dd);
    if (checked.ok()) {
      if (config.store_url.empty()) DropStaleNextKey(config);
    } else {
      // A `coffer rekey` stopped after its commit leaves the new key in
      // root.key.next (rekey.h): finish it, or fail closed as before.
      COFFER_ASSIGN_OR_RETURN(bool finished, config.store_url.empty()
                                                 ? FinishInterruptedRekey(config, dd)
                                                 : Result<bool>(false));
      if (!finished) return checked;
      COFFER_RETURN_IF_ERROR(CheckRootKeyAndReseal(dd));
    }
  }
  COFFER_RETURN_IF_ERROR(EnsureAdministrators(*dd.store, clock));
  return dd;
}

}  // namespace coffer::server
