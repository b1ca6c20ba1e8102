#include "server/access_keys.h"

#include <utility>

#include "common/log.h"
#include "common/random.h"

namespace coffer::server {
namespace {

constexpr std::string_view kAadV2Domain = "coffer/access-key/v2";

void AppendField(std::string& out, std::string_view field) {
  const auto n = static_cast<uint32_t>(field.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(field);
}

constexpr char kUpperAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr char kSecretAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string AccessKeyAad(const storage::AccessKeyRecord& rec) {
  if (rec.seal_version == 1) return "access-key|" + rec.access_key_id;
  if (rec.seal_version != 2) return std::string();
  std::string aad(kAadV2Domain);
  AppendField(aad, rec.access_key_id);
  AppendField(aad, rec.account_id);
  AppendField(aad, rec.principal_arn);
  AppendField(aad, rec.active ? "1" : "0");
  return aad;
}

Status SealAccessKeySecret(const crypto::Barrier& barrier, std::string_view secret,
                           storage::AccessKeyRecord& rec) {
  rec.seal_version = kAccessKeySealVersion;
  COFFER_ASSIGN_OR_RETURN(rec.sealed_secret, barrier.Seal(secret, AccessKeyAad(rec)));
  return Status::Ok();
}

Result<SecureString> OpenAccessKeySecret(const crypto::Barrier& barrier,
                                         const storage::AccessKeyRecord& rec) {
  if (rec.seal_version != 1 && rec.seal_version != kAccessKeySealVersion) {
    return Status::DataLoss("unknown seal version " + std::to_string(rec.seal_version));
  }
  return barrier.Open(rec.sealed_secret, AccessKeyAad(rec));
}

Result<size_t> ResealLegacyAccessKeys(storage::Store& store, const crypto::Barrier& barrier) {
  {
    // The common case, nothing to do, without a write transaction.
    COFFER_ASSIGN_OR_RETURN(auto read, store.Begin(storage::TxnMode::kRead));
    COFFER_ASSIGN_OR_RETURN(auto keys, read->ListAllAccessKeys());
    bool any = false;
    for (const auto& k : keys) any = any || k.seal_version != kAccessKeySealVersion;
    if (!any) return size_t{0};
  }
  COFFER_ASSIGN_OR_RETURN(auto txn, store.Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto keys, txn->ListAllAccessKeys());
  size_t resealed = 0;
  for (storage::AccessKeyRecord& k : keys) {
    if (k.seal_version == kAccessKeySealVersion) continue;
    auto secret = OpenAccessKeySecret(barrier, k);
    if (!secret.ok()) {
      LogError(
          "access key does not open under its seal version: left as is and refused",
          {{"access_key_id", k.access_key_id}, {"seal_version", std::to_string(k.seal_version)}});
      continue;
    }
    COFFER_RETURN_IF_ERROR(SealAccessKeySecret(barrier, secret->view(), k));
    COFFER_RETURN_IF_ERROR(txn->PutAccessKey(k));
    ++resealed;
  }
  COFFER_RETURN_IF_ERROR(txn->Commit());
  return resealed;
}

Status CheckRootKeyOpensAccessKeys(storage::Store& store, const crypto::Barrier& barrier) {
  COFFER_ASSIGN_OR_RETURN(auto txn, store.Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(auto keys, txn->ListAllAccessKeys());
  if (keys.empty()) return Status::Ok();
  for (const auto& k : keys) {
    if (OpenAccessKeySecret(barrier, k).ok()) return Status::Ok();
  }
  return Status::FailedPrecondition(
      "RootKeyMismatch",
      "the root key does not open this database: none of its access keys "
      "opens (wrong --root-key-file or COFFER_ROOT_KEY?)");
}

Result<NewAccessKey> MintAccessKey(const crypto::Barrier& barrier, std::string account_id,
                                   std::string principal_arn, int64_t now_ms) {
  NewAccessKey key;
  key.record.access_key_id = "AKIA" + RandomString(16, kUpperAlnum);
  key.record.account_id = std::move(account_id);
  key.record.principal_arn = std::move(principal_arn);
  key.record.active = true;
  key.record.created_ms = now_ms;
  key.secret = SecureString(RandomString(40, kSecretAlphabet));
  COFFER_RETURN_IF_ERROR(SealAccessKeySecret(barrier, key.secret.view(), key.record));
  return key;
}

std::string MintAccountId() {
  return RandomString(1, "123456789") + RandomString(11, "0123456789");
}

Status ValidateAccountName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) {
    return Status::InvalidArgument("ValidationError",
                                   "account name must be 3 to 63 characters long");
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return Status::InvalidArgument(
          "ValidationError", "account name may contain only lowercase letters, digits and hyphens");
    }
  }
  if (name.front() == '-' || name.back() == '-' || name.find("--") != std::string_view::npos) {
    return Status::InvalidArgument(
        "ValidationError",
        "account name must start and end with a letter or digit and not contain \"--\"");
  }
  return Status::Ok();
}

SecureString SharedCredentialsText(std::string_view access_key_id, const SecureString& secret) {
  SecureString text(std::string_view("[default]\naws_access_key_id = "));
  text.append(access_key_id);
  text.append("\naws_secret_access_key = ");
  text.append(secret.view());
  text.append("\n");
  return text;
}

}  // namespace coffer::server
