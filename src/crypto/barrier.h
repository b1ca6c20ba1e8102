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
//
// Details (docs/storage_format.md, "Root key file"):
//   * A key file holds one line: the standard base64 of the 32 key bytes (as
//     written on creation) or 64 hex characters; surrounding whitespace is
//     ignored. It must be a regular file that neither group nor others may
//     read, write or execute (mode & 077 == 0, e.g. 0600 or 0400); a wider
//     mode is refused (kFailedPrecondition), never silently accepted.
//   * The first source that is given is the only one tried: an explicit file
//     that is missing, or a COFFER_ROOT_KEY that does not decode to 32 bytes,
//     is an error; it never falls through to another source or to creation.
//   * Creation writes a temporary file (O_CREAT|O_EXCL, mode 0600), fsyncs it,
//     hard-links it to root.key (never replacing an existing file) and fsyncs
//     the directory. DATA_DIR itself must already exist.
//   * Error messages name the source and the length found, never the key.
struct RootKeySource {
  std::string data_dir;
  std::optional<std::string> key_file;   // --root-key-file
  std::optional<std::string> env_value;  // COFFER_ROOT_KEY
  // false: a missing DATA_DIR/root.key is an error (kNotFound) instead of
  // being created, e.g. when the data directory already holds a database
  // whose keys a new root key could not open.
  bool create_if_missing = true;
};
struct LoadedRootKey {
  SecureString key;
  bool created = false;
  std::string origin;  // "file /path", "environment", "created /path"; never the key
};
Result<LoadedRootKey> LoadOrCreateRootKey(const RootKeySource& source);

// Decodes root key text (64 hex chars or base64 of 32 bytes, surrounding
// whitespace ignored). `what` names the source in error messages.
Result<SecureString> ParseRootKeyText(std::string_view text, std::string_view what);

}  // namespace coffer::crypto
