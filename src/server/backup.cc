#include "server/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/secure_string.h"
#include "crypto/barrier.h"
#include "server/access_keys.h"
#include "server/bootstrap.h"
#include "server/config.h"
#include "storage/sqlite/snapshot.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::server {
namespace {

constexpr char kFormat[] = "coffer-backup-1";

int Fail(const char* cmd, const std::string& what) {
  std::fprintf(stderr, "coffer %s: %s\n", cmd, what.c_str());
  return 1;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// fsync(2) of a file by name.
Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Internal("cannot open " + path);
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Status::Internal("cannot sync " + path);
}

std::string DirOf(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

void RemoveWithJournals(const std::string& db) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((db + suffix).c_str());
}

// Opens the database at `db_path` as the server would (migrating an older
// schema) and checks that `root_key` opens its access keys; closes it, so
// that the file is one self-contained database again.
Status CheckRootKeyOpens(const std::string& db_path, const SecureString& root_key) {
  storage::SqliteOptions options;
  options.create_if_missing = false;
  COFFER_ASSIGN_OR_RETURN(auto store, storage::OpenSqliteStore(db_path, options));
  crypto::Barrier barrier{SecureString(root_key.view())};
  Status opens = CheckRootKeyOpensAccessKeys(*store, barrier);
  store->Close();
  return opens;
}

}  // namespace

int BackupMain(int argc, char** argv) {
  CLI::App app{"Back up a data directory while coffer serve runs (docs/operations.md)", "backup"};
  std::string data_dir, out, root_key_file;
  bool include_root_key = false;
  app.add_option("--data-dir", data_dir, "The data directory [env: COFFER_DATA_DIR]");
  app.add_option("--out", out, "The backup file to write (must not exist)")->required();
  app.add_flag("--include-root-key", include_root_key,
               "Put the root key in the file too: anyone with the file can then read every secret");
  app.add_option("--root-key-file", root_key_file, "Root key file [default: DATA_DIR/root.key]");
  CLI11_PARSE(app, argc, argv);

  auto config = SqliteToolConfig(data_dir, root_key_file);
  if (!config.ok()) return Fail("backup", config.status().message());
  const std::string db = config->data_dir + "/coffer.db";
  if (!Exists(db)) return Fail("backup", "no database at " + db);
  if (Exists(out)) return Fail("backup", out + " exists; a backup never overwrites a file");
  auto root = LoadExistingRootKey(*config);
  if (!root.ok()) return Fail("backup", root.status().message());

  const std::string tmp = out + ".tmp-" + std::to_string(::getpid());
  RemoveWithJournals(tmp);
  auto fail = [&tmp](const std::string& what) {
    RemoveWithJournals(tmp);
    return Fail("backup", what);
  };
  if (Status s = storage::sqlite::SnapshotInto(db, tmp); !s.ok()) return fail(s.message());
  if (Status s = CheckRootKeyOpens(tmp, *root); !s.ok()) {
    return fail("the root key does not open this database's keys (" + s.message() + ")");
  }
  std::map<std::string, std::string> manifest = {
      {"format", kFormat},
      {"created_ms", std::to_string(SystemClock().NowMillis())},
      {"source", std::filesystem::absolute(config->data_dir).string()},
  };
  if (include_root_key) manifest["root_key"] = Base64Encode(root->view());
  Status written = storage::sqlite::WriteManifest(tmp, manifest);
  if (manifest.count("root_key")) {
    OPENSSL_cleanse(manifest["root_key"].data(), manifest["root_key"].size());
  }
  if (!written.ok()) return fail(written.message());
  if (::chmod(tmp.c_str(), 0600) != 0) return fail("cannot chmod " + tmp);
  if (Status s = SyncFile(tmp); !s.ok()) return fail(s.message());
  if (::rename(tmp.c_str(), out.c_str()) != 0) return fail("cannot rename " + tmp + " to " + out);
  RemoveWithJournals(tmp);
  if (Status s = FsyncDirectory(DirOf(out)); !s.ok()) return Fail("backup", s.message());
  std::printf("backup written: %s (%ju bytes)\n", out.c_str(),
              static_cast<uintmax_t>(std::filesystem::file_size(out)));
  if (include_root_key) {
    std::fprintf(stderr,
                 "WARNING: %s CONTAINS THE ROOT KEY. Anyone who reads this file can decrypt "
                 "every secret in it. Store it encrypted, apart from ordinary backups.\n",
                 out.c_str());
  } else {
    std::printf("the root key is not in it: keep %s's root key safe, and apart from this file\n",
                config->data_dir.c_str());
  }
  return 0;
}

int RestoreMain(int argc, char** argv) {
  CLI::App app{"Restore a backup into a data directory (no server may run on it)", "restore"};
  std::string from, data_dir, root_key_file;
  bool replace = false;
  app.add_option("--from", from, "The backup file")->required();
  app.add_option("--data-dir", data_dir, "The data directory to restore into");
  app.add_option("--root-key-file", root_key_file,
                 "Root key file, when the backup does not carry it [default: DATA_DIR/root.key]");
  app.add_flag("--replace", replace, "Replace the data directory's existing database");
  CLI11_PARSE(app, argc, argv);

  auto config = SqliteToolConfig(data_dir, root_key_file);
  if (!config.ok()) return Fail("restore", config.status().message());
  const std::string dir = config->data_dir;
  auto lock = LockDataDir(dir);  // also creates DIR (0700) when missing
  if (!lock.ok()) return Fail("restore", lock.status().message());
  auto manifest = storage::sqlite::ReadManifest(from);
  if (!manifest.ok() || (*manifest)["format"] != kFormat) {
    return Fail("restore", from + " is not a Coffer backup" +
                               (manifest.ok() ? "" : " (" + manifest.status().message() + ")"));
  }
  const std::string db = dir + "/coffer.db";
  if (Exists(db) && !replace) {
    return Fail("restore", db + " exists; give --replace to replace it (nothing was changed)");
  }

  // The root key: the backup's, else as serve finds it.
  std::optional<SecureString> root;
  const bool carried = manifest->count("root_key") > 0;
  if (carried) {
    auto decoded = Base64Decode((*manifest)["root_key"]);
    OPENSSL_cleanse((*manifest)["root_key"].data(), (*manifest)["root_key"].size());
    if (!decoded || decoded->size() != 32) return Fail("restore", "the backup's root key is damaged");
    root.emplace(std::move(*decoded));  // wipes the decoded copy
  } else {
    auto loaded = LoadExistingRootKey(*config);
    if (!loaded.ok()) {
      return Fail("restore", "the backup does not carry the root key, and " +
                                 loaded.status().message() +
                                 ": give --root-key-file (nothing was changed)");
    }
    root.emplace(std::move(loaded).value());
  }

  // Everything is checked on a copy before the data directory changes.
  const std::string tmp = db + ".restoring";
  RemoveWithJournals(tmp);
  auto fail = [&tmp](const std::string& what) {
    RemoveWithJournals(tmp);
    return Fail("restore", what + " (nothing was changed)");
  };
  std::error_code ec;
  std::filesystem::copy_file(from, tmp, ec);
  if (ec) return fail("cannot copy " + from + ": " + ec.message());
  ::chmod(tmp.c_str(), 0600);
  if (Status s = storage::sqlite::DropManifest(tmp); !s.ok()) return fail(s.message());
  if (Status s = CheckRootKeyOpens(tmp, *root); !s.ok()) {
    return fail("the root key does not open this backup (" + s.message() + ")");
  }
  const std::string key_path = dir + "/root.key";
  if (carried && Exists(key_path)) {
    auto existing = LoadExistingRootKey(*config);
    if (!existing.ok() || existing->size() != root->size() ||
        CRYPTO_memcmp(existing->data(), root->data(), root->size()) != 0) {
      return fail(key_path + " holds another root key than the backup's");
    }
  }
  if (Status s = SyncFile(tmp); !s.ok()) return fail(s.message());

  for (const char* suffix : {"-wal", "-shm"}) ::unlink((db + suffix).c_str());
  if (::rename(tmp.c_str(), db.c_str()) != 0) return fail("cannot rename " + tmp);
  RemoveWithJournals(tmp);
  if (carried && !Exists(key_path)) {
    std::string text = Base64Encode(root->view()) + "\n";
    Status s = WriteFileAtomic(key_path, text, 0600);
    OPENSSL_cleanse(text.data(), text.size());
    if (!s.ok()) return Fail("restore", "restored the database, but " + s.message());
  }
  // The administrator's credentials file, from its sealed key.
  Status creds = [&]() -> Status {
    storage::SqliteOptions options;
    options.create_if_missing = false;
    COFFER_ASSIGN_OR_RETURN(auto store, storage::OpenSqliteStore(db, options));
    crypto::Barrier barrier{SecureString(root->view())};
    COFFER_ASSIGN_OR_RETURN(auto txn, store->Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(auto accounts, txn->ListAccounts());
    if (accounts.empty()) return Status::NotFound("NoAccount", "the backup has no account");
    COFFER_ASSIGN_OR_RETURN(auto keys, txn->ListAccessKeys(accounts.front().account_id));
    for (const auto& key : keys) {
      if (!key.active || !key.principal_arn.ends_with(":user/admin")) continue;
      COFFER_ASSIGN_OR_RETURN(SecureString secret, OpenAccessKeySecret(barrier, key));
      return WriteFileAtomic(dir + "/credentials",
                             SharedCredentialsText(key.access_key_id, secret).view(), 0600);
    }
    return Status::NotFound("NoAdministratorKey", "no active administrator key");
  }();
  (void)FsyncDirectory(dir);  // best effort: the database was synced before its rename
  std::printf("restored %s into %s\n", from.c_str(), db.c_str());
  if (!Exists(key_path)) {
    std::printf("the root key is not in %s: start coffer serve with --root-key-file or "
                "COFFER_ROOT_KEY\n", dir.c_str());
  }
  if (!creds.ok()) {
    std::printf("no credentials file written (%s): use coffer admin access-key create\n",
                creds.message().c_str());
  } else {
    std::printf("administrator credentials: %s/credentials\n", dir.c_str());
  }
  return 0;
}

}  // namespace coffer::server
