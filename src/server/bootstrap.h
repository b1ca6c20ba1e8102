// Bootstrap: opens a data directory, creating it on first start.
//
// DIR must not be writable by group or others (PrepareDataDir refuses it:
// anyone who could write there could swap the database or the key files).
// `coffer serve` holds an exclusive lock on it (LockDataDir) for its whole
// run; operator commands (`coffer admin`) do not take it.
//
// First start on an empty DIR creates, in this order: DIR (mode 0700), the
// root key (DIR/root.key, 0600, unless supplied), the SQLite database
// (DIR/coffer.db; or, with Config::store_url, the PostgreSQL engine's tables
// in that database, where a root key is created only while it has no
// account), the default account and an administrator access key, whose
// secret is sealed by the root key in the database and written in plaintext
// only to DIR/credentials (AWS shared-credentials format, [default], 0600) so
// that `AWS_SHARED_CREDENTIALS_FILE=DIR/credentials aws …` works.
//
// Thread-safety: call once at start-up.
#pragma once

#include <memory>
#include <string>

#include "coffer/result.h"
#include "common/clock.h"
#include "common/file_util.h"  // WriteFileAtomic, used by the credentials file
#include "common/secure_string.h"
#include "crypto/barrier.h"
#include "server/config.h"
#include "storage/store.h"

namespace coffer::server {

struct DataDir {
  std::unique_ptr<crypto::Barrier> barrier;
  std::unique_ptr<storage::Store> store;
  std::string account_id;        // the default account
  std::string admin_access_key;  // its administrator's access key id
  std::string credentials_path;  // DIR/credentials
  std::string root_key_origin;   // where the root key came from (no key material)
  bool first_start = false;
  SecureString token_key;  // derived from the root key; authenticates page tokens
};

Result<DataDir> OpenDataDir(const Config& config, const Clock& clock);

// The root key of an existing data directory, as serve finds it (the
// --root-key-file, then COFFER_ROOT_KEY, then DIR/root.key), never created;
// the copies of COFFER_ROOT_KEY's text in `config` are wiped. For the
// operator commands (admin, backup, restore).
Result<SecureString> LoadExistingRootKey(Config& config);

// The key that authenticates page tokens, derived from the root key.
SecureString DerivePageTokenKey(const SecureString& root_key);

// The configuration of an operator command on a SQLite data directory
// (backup, restore, rekey): the environment (COFFER_ROOT_KEY,
// COFFER_ROOT_KEY_FILE, COFFER_DATA_DIR, …), then its flags. A
// COFFER_STORE_URL is refused: PostgreSQL has its own tools.
Result<Config> SqliteToolConfig(const std::string& data_dir, const std::string& root_key_file);

// Creates DIR (mode 0700) when it is missing. Refuses, writing nothing, a DIR
// that is not a directory or that group or others can write to
// (kFailedPrecondition "DataDirMode"). OpenDataDir and LockDataDir call it.
Status PrepareDataDir(const std::string& dir);

// An exclusive flock(2) on DIR/.lock (opened O_NOFOLLOW|O_CLOEXEC), which
// holds the holder's pid. Released when destroyed, or when the process dies.
//
// Thread-safety: a move-only handle; not shared.
class DataDirLock {
 public:
  DataDirLock() = default;
  explicit DataDirLock(int fd) : fd_(fd) {}
  DataDirLock(DataDirLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&& o) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  int fd_ = -1;
};

// PrepareDataDir, then takes DIR's lock without waiting: another process
// holding it -> kFailedPrecondition "DataDirInUse", naming DIR (and its pid).
Result<DataDirLock> LockDataDir(const std::string& dir);

}  // namespace coffer::server
