// Bootstrap: opens a data directory, creating it on first start.
//
// First start on an empty DIR creates, in this order: DIR (mode 0700), the
// root key (DIR/root.key, 0600, unless supplied), the SQLite database
// (DIR/coffer.db), the default account and an administrator access key, whose
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
  SecureString token_key;        // derived from the root key; authenticates page tokens
};

Result<DataDir> OpenDataDir(const Config& config, const Clock& clock);

// Writes `contents` to `path` atomically (temp file + fsync + rename + fsync
// of the directory) with the given mode.
Status WriteFileAtomic(const std::string& path, std::string_view contents, int mode);

}  // namespace coffer::server
