// Access keys as rows: how an access key's secret is sealed into its row
// (bound to every column that grants access, docs/reliability.md §8.5), how a
// new key is minted, and the shared-credentials text handed to its owner.
// Used by bootstrap (the first administrator), `coffer admin access-key` and
// the CredentialCache; the IAM API (issue 20) mints keys through it too.
//
// Thread-safety: pure functions, except those taking a Store, which use one
// transaction of their own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "common/secure_string.h"
#include "crypto/barrier.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::server {

// The seal version new rows are written with.
inline constexpr int32_t kAccessKeySealVersion = 2;

// The associated data `rec`'s secret is sealed with, by rec.seal_version:
// 1: "access-key|" + id (before schema 7); 2: "coffer/access-key/v2" then
// each of access_key_id, account_id, principal_arn and active ("1"/"0") as a
// 4-byte big-endian length and its bytes, so no choice of column text can
// produce another row's AAD. Other versions: empty (opens nothing).
std::string AccessKeyAad(const storage::AccessKeyRecord& rec);

// Seals `secret` into rec.sealed_secret under the current version's AAD of
// rec's columns (sets rec.seal_version). Seal again after changing any of them.
Status SealAccessKeySecret(const crypto::Barrier& barrier, std::string_view secret,
                           storage::AccessKeyRecord& rec);

// Opens rec.sealed_secret with the AAD of rec.seal_version. kDataLoss when a
// column was altered, or the root key is not the one that sealed it.
Result<SecureString> OpenAccessKeySecret(const crypto::Barrier& barrier,
                                         const storage::AccessKeyRecord& rec);

// Reseals every row of an older seal version under the current one, in one
// transaction (a crash leaves them all as they were; the next start redoes
// it). A row that does not open is left as it is (and is refused by the
// CredentialCache) and logged with its id. Returns how many were resealed.
Result<size_t> ResealLegacyAccessKeys(storage::Store& store, const crypto::Barrier& barrier);

// Fails closed when `barrier`'s root key is not the one that sealed this
// store: some access key must open (one whose row was altered does not, and
// is refused alone). kFailedPrecondition "RootKeyMismatch" otherwise; a store
// with no access key passes.
Status CheckRootKeyOpensAccessKeys(storage::Store& store, const crypto::Barrier& barrier);

// A new, active access key of `principal_arn` in `account_id`: an AKIA id and
// a 40-character secret (AWS's shapes), sealed into `record`.
struct NewAccessKey {
  storage::AccessKeyRecord record;
  SecureString secret;
};
Result<NewAccessKey> MintAccessKey(const crypto::Barrier& barrier, std::string account_id,
                                   std::string principal_arn, int64_t now_ms);

// A random 12-digit account id, first digit not zero (AWS's shape). The
// caller checks it is not taken.
std::string MintAccountId();

// OK when `name` may name an account: like an IAM account alias, 3 to 63
// characters of [a-z0-9-], starting and ending with a letter or digit, no
// "--". kInvalidArgument saying what is wrong otherwise.
Status ValidateAccountName(std::string_view name);

// "[default]\naws_access_key_id = ID\naws_secret_access_key = SECRET\n", the AWS
// shared-credentials format, built in place (no std::string copy of the
// secret is left in freed memory).
SecureString SharedCredentialsText(std::string_view access_key_id, const SecureString& secret);

}  // namespace coffer::server
