// Barrier: seals small blobs (KMS key material, access-key secrets) with the
// 256-bit root key using AES-256-GCM, binding caller-chosen associated data
// (for example the key ARN) so a sealed blob cannot be moved to another row.
// The root key itself never reaches the database.
//
// Sealed format (docs/storage_format.md): 1 byte format version (1) ||
// 12-byte random nonce || ciphertext || 16-byte tag.
//
// Thread-safety: immutable after construction; Seal/Open are safe from any
// thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "common/secure_string.h"

namespace coffer::crypto {

class Barrier {
 public:
  // REQUIRES: root_key.size() == 32.
  explicit Barrier(SecureString root_key);
  Result<std::string> Seal(std::string_view plaintext, std::string_view aad) const;
  // kDataLoss when the blob is malformed, was sealed under another root key or
  // with other associated data.
  Result<SecureString> Open(std::string_view sealed, std::string_view aad) const;

 private:
  SecureString root_key_;
};

// Where the root key comes from, in order: an explicit file, the environment
// variable COFFER_ROOT_KEY (64 hex chars or base64 of 32 bytes), or
// DATA_DIR/root.key. When none exists, a new random key is written to
// DATA_DIR/root.key with mode 0600 (created=true).
struct RootKeySource {
  std::string data_dir;
  std::optional<std::string> key_file;   // --root-key-file
  std::optional<std::string> env_value;  // COFFER_ROOT_KEY
};
struct LoadedRootKey {
  SecureString key;
  bool created = false;
  std::string origin;  // "file /path", "environment", "created /path"; never the key
};
Result<LoadedRootKey> LoadOrCreateRootKey(const RootKeySource& source);

}  // namespace coffer::crypto
