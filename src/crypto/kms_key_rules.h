// The KMS rules the Keyring applies, in one place: how a key spec names a key
// (key id, key ARN, alias name, alias ARN; ParseKmsArn, KeyInScope,
// KeyByAlias), which key states allow use (CheckKeyUsable), KMS's wording of
// "not found", and the AWS managed default key alias/aws/secretsmanager (its
// record and policy; the ARN builders and DefaultSecretsKeyPolicy are declared
// in keyring.h). Keyring::ResolveKey (keyring.cc) strings these together; the
// rules KMS operations add on top are in kms/key_state_rules.h.
//
// Thread-safety: pure functions, except the lookups, which read through the
// caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "coffer/result.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::crypto::kms_rules {

// NotFoundException "Key '<arn>' does not exist" / "Alias <arn> is not found."
Status KeyNotFound(std::string_view arn);
Status AliasNotFound(std::string_view alias_arn);

// True for a key id: a UUID in 8-4-4-4-12 hex form.
bool IsUuid(std::string_view s);

// arn:PARTITION:kms:REGION:ACCOUNT:RESOURCE
struct KmsArn {
  std::string_view partition, region, account, resource;
};
std::optional<KmsArn> ParseKmsArn(std::string_view arn);

// OK when `key` may encrypt or decrypt (Enabled); DisabledException or
// KMSInvalidStateException naming its state otherwise.
Status CheckKeyUsable(const storage::KmsKeyRecord& key);

// The key `key_id` if it exists in (account, region); else KeyNotFound(shown_arn).
Result<storage::KmsKeyRecord> KeyInScope(storage::Txn& txn, std::string_view account_id,
                                         std::string_view region, std::string_view key_id,
                                         std::string_view shown_arn);
// The key an alias names in (account, region); AliasNotFound when none.
Result<storage::KmsKeyRecord> KeyByAlias(storage::Txn& txn, std::string_view account_id,
                                         std::string_view region, std::string_view alias_name);

// The record of the AWS managed default key of (account, region), created at
// `now_ms` (its id, ARN and material are set by Keyring::CreateKey).
storage::KmsKeyRecord DefaultSecretsKeyRecord(std::string_view account_id, std::string_view region,
                                              int64_t now_ms);

}  // namespace coffer::crypto::kms_rules
