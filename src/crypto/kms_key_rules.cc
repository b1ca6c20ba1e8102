// The KMS rules the Keyring applies (kms_key_rules.h).

#include "crypto/kms_key_rules.h"

#include "crypto/key_errors.h"
#include "crypto/keyring.h"

namespace coffer::crypto {
namespace {

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

std::string KmsKeyArn(std::string_view region, std::string_view account_id,
                      std::string_view key_id) {
  return "arn:aws:kms:" + std::string(region) + ":" + std::string(account_id) + ":key/" +
         std::string(key_id);
}

std::string KmsAliasArn(std::string_view region, std::string_view account_id,
                        std::string_view alias_name) {
  return "arn:aws:kms:" + std::string(region) + ":" + std::string(account_id) + ":" +
         std::string(alias_name);
}

// AWS's policy for alias/aws/secretsmanager [docs: Secrets Manager User Guide,
// security-encryption, "Key policy of the AWS managed key (aws/secretsmanager)";
// the same three statements appear in real keys exported by terraformer]:
// use through Secrets Manager in the account, GenerateDataKey* through Secrets
// Manager in any region of the account, metadata to the account root.
std::string DefaultSecretsKeyPolicy(std::string_view account_id, std::string_view region) {
  std::string account, via, root;
  AppendJsonString(account, account_id);
  AppendJsonString(via, "secretsmanager." + std::string(region) + ".amazonaws.com");
  AppendJsonString(root, "arn:aws:iam::" + std::string(account_id) + ":root");
  const std::string sid =
      R"("Sid":"Allow access through AWS Secrets Manager for all principals in the account )"
      R"(that are authorized to use AWS Secrets Manager","Effect":"Allow",)"
      R"("Principal":{"AWS":"*"},)";
  return R"({"Version":"2012-10-17","Id":"auto-secretsmanager-2","Statement":[{)" + sid +
         R"("Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:CreateGrant",)"
         R"("kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":)" +
         account + R"(,"kms:ViaService":)" + via + R"(}}},{)" + sid +
         R"("Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringEquals":)"
         R"({"kms:CallerAccount":)" +
         account +
         R"(},"StringLike":{"kms:ViaService":"secretsmanager.*.amazonaws.com"}}},)"
         R"({"Sid":"Allow direct access to key metadata to the account","Effect":"Allow",)"
         R"("Principal":{"AWS":)" +
         root +
         R"(},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],)"
         R"("Resource":"*"}]})";
}

namespace kms_rules {

Status KeyNotFound(std::string_view arn) {
  return KeyErrorStatus(KeyError::kKeyNotFound, "Key '" + std::string(arn) + "' does not exist");
}

Status AliasNotFound(std::string_view alias_arn) {
  return KeyErrorStatus(KeyError::kKeyNotFound,
                        "Alias " + std::string(alias_arn) + " is not found.");
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::optional<KmsArn> ParseKmsArn(std::string_view arn) {
  std::string_view parts[6];
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  parts[5] = arn;
  if (parts[0] != "arn" || parts[2] != "kms") return std::nullopt;
  return KmsArn{parts[1], parts[3], parts[4], parts[5]};
}

Status CheckKeyUsable(const storage::KmsKeyRecord& key) {
  if (key.key_state == "Enabled") return Status::Ok();
  if (key.key_state == "Disabled") {
    return KeyErrorStatus(KeyError::kKeyDisabled, key.arn + " is disabled.");
  }
  if (key.key_state == "PendingDeletion") {
    return KeyErrorStatus(KeyError::kKeyInvalidState, key.arn + " is pending deletion.");
  }
  if (key.key_state == "PendingImport") {
    return KeyErrorStatus(KeyError::kKeyInvalidState, key.arn + " is pending import.");
  }
  return KeyErrorStatus(KeyError::kKeyInvalidState,
                        key.arn + " is not in a valid state for this operation.");
}

// The key `key_id` if it exists in (account, region).
Result<storage::KmsKeyRecord> KeyInScope(storage::Txn& txn, std::string_view account_id,
                                         std::string_view region, std::string_view key_id,
                                         std::string_view shown_arn) {
  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyRecord> key, txn.GetKmsKey(key_id));
  if (!key || key->account_id != account_id || key->region != region) {
    return KeyNotFound(shown_arn);
  }
  return *key;
}

Result<storage::KmsKeyRecord> KeyByAlias(storage::Txn& txn, std::string_view account_id,
                                         std::string_view region, std::string_view alias_name) {
  COFFER_ASSIGN_OR_RETURN(std::optional<storage::KmsAliasRecord> alias,
                          txn.GetKmsAlias(account_id, region, alias_name));
  if (!alias) return AliasNotFound(KmsAliasArn(region, account_id, alias_name));
  return KeyInScope(txn, account_id, region, alias->target_key_id,
                    KmsKeyArn(region, account_id, alias->target_key_id));
}

storage::KmsKeyRecord DefaultSecretsKeyRecord(std::string_view account_id, std::string_view region,
                                              int64_t now_ms) {
  storage::KmsKeyRecord record;
  record.account_id = std::string(account_id);
  record.region = std::string(region);
  record.description = std::string(kDefaultSecretsKeyDescription);
  record.key_manager = "AWS";
  record.key_state = "Enabled";
  record.policy = DefaultSecretsKeyPolicy(account_id, region);
  record.rotation_enabled = true;  // AWS managed keys rotate yearly
  record.created_ms = now_ms;
  record.next_rotation_ms = record.created_ms + record.rotation_period_days * 24LL * 60 * 60 * 1000;
  return record;
}

}  // namespace kms_rules
}  // namespace coffer::crypto
