// The KMS key under a secret's values: which key seals a write, the
// encryption context, and how key-layer failures become Secrets Manager's
// errors (key_failure.h).

#include "secrets/key_failure.h"

#include "crypto/key_errors.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

std::string KmsKeyMissingMessage(std::string_view spec, std::string_view region,
                                 std::string_view account) {
  std::string prefix = "arn:aws:kms:" + std::string(region) + ":" + std::string(account) + ":";
  if (spec.starts_with("alias/")) return "Alias " + prefix + std::string(spec) + " is not found.";
  if (spec.starts_with("arn:") && spec.find(":alias/") != std::string_view::npos)
    return "Alias " + std::string(spec) + " is not found.";
  if (spec.starts_with("arn:")) return "Key '" + std::string(spec) + "' does not exist";
  return "Key '" + prefix + "key/" + std::string(spec) + "' does not exist";
}

}  // namespace

std::array<crypto::ContextPair, 2> VersionContext(const storage::SecretRecord& s,
                                                  std::string_view version_id) {
  return {{{"SecretARN", s.arn}, {"SecretVersionId", version_id}}};
}

Status KeyFailure(const Status& keyring_status, std::string_view key_arn, bool encrypt) {
  StatusCode code = keyring_status.code();
  if (code == StatusCode::kInternal || code == StatusCode::kUnavailable) return keyring_status;
  const std::optional<crypto::KeyError> reason = crypto::KeyErrorOf(keyring_status);
  std::string type(encrypt ? msg::kEncryptionFailure : msg::kDecryptionFailure);
  std::string text(encrypt ? msg::kCannotEncrypt : msg::kCannotDecrypt);
  if (!key_arn.empty() && reason) {
    // KMS's own wording for the key's state (aws-compat §5.1; "<arn> is pending
    // deletion." is also quoted from AWS in hashicorp/terraform-provider-aws#17889).
    switch (*reason) {
      case crypto::KeyError::kKeyDisabled: text = std::string(key_arn) + " is disabled."; break;
      case crypto::KeyError::kKeyInvalidState:
        text = std::string(key_arn) + " is pending deletion.";
        break;
      case crypto::KeyError::kKeyNotFound:
        text = "Key '" + std::string(key_arn) + "' does not exist";
        break;
      default: break;
    }
  }
  return Status::FailedPrecondition(std::move(type), std::move(text));
}

Result<storage::KmsKeyRecord> ResolveKeyForWrite(Service& svc, storage::Txn& txn,
                                                 const RequestContext& ctx,
                                                 std::string_view key_spec,
                                                 const storage::SecretRecord* owner) {
  const std::string& account = owner ? owner->account_id : ctx.account_id;
  const std::string& region = owner ? owner->region : ctx.region;
  auto key = svc.keyring().ResolveKey(txn, account, region, key_spec);
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound)
      return Status::FailedPrecondition(std::string(msg::kEncryptionFailure),
                                        KmsKeyMissingMessage(key_spec, region, account));
    return KeyFailure(key.status(), "", /*encrypt=*/true);
  }
  if (key->key_state == "Disabled")
    return Status::FailedPrecondition(std::string(msg::kEncryptionFailure),
                                      key->arn + " is disabled.");
  if (key->key_state == "PendingDeletion")
    return Status::FailedPrecondition(std::string(msg::kEncryptionFailure),
                                      key->arn + " is pending deletion.");
  if (key->key_state != "Enabled")
    return Status::FailedPrecondition(std::string(msg::kEncryptionFailure),
                                      std::string(msg::kCannotEncrypt));
  return key;
}

}  // namespace coffer::secrets::internal
