#include "server/rekey.h"

#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/log.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "server/access_keys.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::server {
namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "coffer rekey: %s\n", what.c_str());
  return 1;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// Whether the root key comes from DIR/root.key (neither a file named by the
// operator nor COFFER_ROOT_KEY): then rekey moves the files itself.
bool KeyIsTheDirectorys(const Config& config) {
  return !config.root_key_file && !config.root_key_env;
}

std::string NextKeyPath(const Config& config) { return config.data_dir + "/root.key.next"; }

Result<SecureString> ReadKeyFile(const std::string& dir, const std::string& path) {
  crypto::RootKeySource source{dir, path, std::nullopt};
  source.create_if_missing = false;
  COFFER_ASSIGN_OR_RETURN(crypto::LoadedRootKey loaded, crypto::LoadOrCreateRootKey(source));
  return std::move(loaded.key);
}

bool SameKey(const SecureString& a, const SecureString& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The transaction: everything the root key seals, from `from` to `to`.
struct Resealed {
  size_t access_keys = 0;
  size_t kms_keys = 0;
};
Result<Resealed> Reseal(storage::Store& store, const crypto::Barrier& from,
                        const crypto::Barrier& to) {
  Resealed n;
  COFFER_ASSIGN_OR_RETURN(auto txn, store.Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto keys, txn->ListAllAccessKeys());
  for (storage::AccessKeyRecord& key : keys) {
    auto secret = OpenAccessKeySecret(from, key);
    if (!secret.ok()) continue;  // an altered row opens under no key: it stays refused
    COFFER_RETURN_IF_ERROR(SealAccessKeySecret(to, secret->view(), key));
    COFFER_RETURN_IF_ERROR(txn->PutAccessKey(key));
    ++n.access_keys;
  }
  COFFER_ASSIGN_OR_RETURN(auto kms_keys, txn->ListAllKmsKeys());
  for (const storage::KmsKeyRecord& key : kms_keys) {
    COFFER_RETURN_IF_ERROR(crypto::ResealKeyMaterial(*txn, key, from, to));
    ++n.kms_keys;
  }
  COFFER_RETURN_IF_ERROR(txn->Commit());
  return n;
}

}  // namespace

int RekeyMain(int argc, char** argv) {
  CLI::App app{"Rotate the root key of a data directory (offline; docs/operations.md)", "rekey"};
  std::string data_dir, new_key_file, root_key_file;
  app.add_option("--data-dir", data_dir, "The data directory [env: COFFER_DATA_DIR]");
  app.add_option("--new-root-key-file", new_key_file,
                 "The new root key (base64 of 32 bytes or 64 hex characters, mode 0600)")
      ->required();
  app.add_option("--root-key-file", root_key_file, "The current root key [default: DIR/root.key]");
  CLI11_PARSE(app, argc, argv);

  auto config = SqliteToolConfig(data_dir, root_key_file);
  if (!config.ok()) return Fail(config.status().message());
  const std::string dir = config->data_dir;
  const bool own_key = KeyIsTheDirectorys(*config);
  auto lock = LockDataDir(dir);  // no server may run on it
  if (!lock.ok()) return Fail(lock.status().message());
  if (!Exists(dir + "/coffer.db")) return Fail("no database in " + dir);
  auto old_key = LoadExistingRootKey(*config);
  if (!old_key.ok()) return Fail(old_key.status().message());
  auto new_key = ReadKeyFile(dir, new_key_file);
  if (!new_key.ok()) return Fail("the new root key: " + new_key.status().message());
  if (SameKey(*old_key, *new_key)) return Fail("the new root key is the current one");

  storage::SqliteOptions options;
  options.create_if_missing = false;
  auto store = storage::OpenSqliteStore(dir + "/coffer.db", options);
  if (!store.ok()) return Fail(store.status().message());
  const crypto::Barrier from{SecureString(old_key->view())};
  const crypto::Barrier to{SecureString(new_key->view())};
  if (Status s = CheckRootKeyOpensAccessKeys(**store, from); !s.ok()) {
    return Fail("the current root key does not open " + dir + " (" + s.message() + ")");
  }
  // The new key is on disk before the database depends on it.
  if (own_key) {
    std::string text = Base64Encode(new_key->view()) + "\n";
    Status written = WriteFileAtomic(NextKeyPath(*config), text, 0600);
    OPENSSL_cleanse(text.data(), text.size());
    if (!written.ok()) return Fail(written.message());
  }
  auto resealed = Reseal(**store, from, to);
  if (!resealed.ok()) {
    if (own_key) ::unlink(NextKeyPath(*config).c_str());
    return Fail("nothing was changed: " + resealed.status().message());
  }
  Status opens = CheckRootKeyOpensAccessKeys(**store, to);
  (*store)->Close();
  if (!opens.ok()) return Fail("the rekeyed database does not open with the new key: " + opens.message());
  if (own_key) {
    const std::string key_path = dir + "/root.key";
    if (::rename(NextKeyPath(*config).c_str(), key_path.c_str()) != 0) {
      return Fail("the database is sealed with the new key, but " + NextKeyPath(*config) +
                  " could not be renamed to root.key: the next start completes it");
    }
    (void)FsyncDirectory(dir);  // the rename stands either way
  }
  std::printf("rekeyed %s: %zu access keys and %zu KMS keys sealed with the new root key\n",
              dir.c_str(), resealed->access_keys, resealed->kms_keys);
  if (own_key) {
    std::printf("%s/root.key is the new key; the old key opens nothing any more\n", dir.c_str());
  } else {
    std::printf("start coffer serve with --root-key-file %s (or that key in COFFER_ROOT_KEY); "
                "the old key opens nothing any more\n",
                new_key_file.c_str());
  }
  return 0;
}

Result<bool> FinishInterruptedRekey(const Config& config, DataDir& dd) {
  const std::string next = NextKeyPath(config);
  if (!KeyIsTheDirectorys(config) || !Exists(next)) return false;
  COFFER_ASSIGN_OR_RETURN(SecureString key, ReadKeyFile(config.data_dir, next));
  auto barrier = std::make_unique<crypto::Barrier>(SecureString(key.view()));
  if (!CheckRootKeyOpensAccessKeys(*dd.store, *barrier).ok()) return false;
  const std::string key_path = config.data_dir + "/root.key";
  if (::rename(next.c_str(), key_path.c_str()) != 0) {
    return Status::Internal("cannot rename " + next + " to " + key_path);
  }
  COFFER_RETURN_IF_ERROR(FsyncDirectory(config.data_dir));
  LogWarn("completed a root-key rotation that was interrupted after its commit",
          {{"root_key", key_path}});
  dd.token_key = DerivePageTokenKey(key);
  dd.barrier = std::move(barrier);
  dd.root_key_origin = "file " + key_path;
  return true;
}

void DropStaleNextKey(const Config& config) {
  const std::string next = NextKeyPath(config);
  if (KeyIsTheDirectorys(config) && Exists(next)) {
    ::unlink(next.c_str());
    LogWarn("removed the new key of a root-key rotation stopped before its commit",
            {{"file", next}});
  }
}

}  // namespace coffer::server
