// Records: the rows Coffer keeps, as plain structs shared by every storage
// engine. Storage is untrusted: it sees only what it must index (names, dates,
// tags, labels) and ciphertext. No field here ever holds a plaintext secret
// value, plaintext key material or an access-key secret.
//
// Times are milliseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coffer::storage {

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

// A principal that can sign requests. The secret is sealed by the root key
// (crypto::Barrier); seal_version says which associated data: 1 = the access
// key id alone (rows written before schema 7, resealed at start-up), 2 = every
// column that grants access (id, account, principal, active), encoded by
// server::AccessKeyAad. Storage only keeps the number.
struct AccessKeyRecord {
  std::string access_key_id;  // AKIA… (long-term)
  std::string account_id;     // 12 digits
  std::string principal_arn;  // e.g. arn:aws:iam::123456789012:user/admin
  std::string sealed_secret;  // ciphertext bytes
  bool active = true;
  int64_t created_ms = 0;
  int32_t seal_version = 2;
  bool operator==(const AccessKeyRecord&) const = default;
};

// An account: the unit secrets, keys and principals belong to. `name` is
// unique among accounts when not empty (empty: no name; rows created before
// schema 8 other than the oldest). A disabled account's access keys are
// refused (server::CredentialCache); its data stays.
struct AccountRecord {
  std::string account_id;  // 12 digits
  int64_t created_ms = 0;
  std::string name = {};  // e.g. "default"; [a-z0-9-]{3,63} when made by `coffer admin`
  bool active = true;     // status Active / Disabled
  bool operator==(const AccountRecord&) const = default;
};

// An IAM entity of an account: a user, group, role or customer managed
// policy. Each is one JSON document (`document`: its attributes, inline
// policies, attached policy ARNs, group members, tags, policy versions; the
// iam module defines and parses it): IAM entities are small, read whole and
// changed whole, and a document keeps the storage interface to four calls.
// Names are unique per (account, kind) case-insensitively, as in IAM; `name`
// keeps the case it was created with. Policy documents inside are IAM
// policies, never secret values.
struct IamEntityRecord {
  std::string account_id;  // 12 digits
  std::string kind;        // "user", "group", "role", "policy"
  std::string name;
  std::string id;    // the unique id, e.g. AIDA… (user), AROA… (role)
  std::string path;  // "/" or "/division/"
  std::string arn;   // arn:aws:iam::ACCOUNT:user/PATHNAME
  int64_t created_ms = 0;
  std::string document;  // JSON text
  bool operator==(const IamEntityRecord&) const = default;
};

// A KMS key. Key material lives in KmsKeyMaterialRecord, sealed by the root key.
struct KmsKeyRecord {
  std::string key_id;  // UUID
  std::string account_id;
  std::string region;
  std::string arn;  // arn:aws:kms:REGION:ACCOUNT:key/UUID
  std::string description;
  std::string key_manager;  // "AWS" or "CUSTOMER"
  std::string key_state;    // "Enabled", "Disabled", "PendingDeletion"
  std::string key_usage = "ENCRYPT_DECRYPT";
  std::string key_spec = "SYMMETRIC_DEFAULT";
  std::string origin = "AWS_KMS";
  std::string policy;  // JSON text
  bool rotation_enabled = false;
  int64_t rotation_period_days = 365;
  std::optional<int64_t> next_rotation_ms;  // automatic rotation due (when enabled)
  int64_t created_ms = 0;
  std::optional<int64_t> deletion_ms;          // when PendingDeletion
  std::optional<int64_t> pending_window_days;  // when PendingDeletion
  int32_t current_material = 1;                // version used for new encryptions
  std::vector<Tag> tags;
  bool operator==(const KmsKeyRecord&) const = default;
};

struct KmsKeyMaterialRecord {
  std::string key_id;
  int32_t version = 1;
  std::string sealed_material;  // ciphertext bytes (root key, AAD = key ARN + version)
  int64_t created_ms = 0;
  std::string rotation_type;  // "" (first version), "AUTOMATIC" or "ON_DEMAND"

  bool operator==(const KmsKeyMaterialRecord&) const = default;
};

struct KmsAliasRecord {
  std::string account_id;
  std::string region;
  std::string alias_name;  // "alias/…"
  std::string target_key_id;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  bool operator==(const KmsAliasRecord&) const = default;
};

// A replica of a secret in another region (regions are namespaces of one
// deployment). Stored on the primary.
struct ReplicaRecord {
  std::string region;
  std::string kms_key_id;  // as the user gave it; empty = that region's default key
  std::string status = "InSync";
  std::string status_message;
  std::optional<int64_t> last_accessed_ms;
  bool operator==(const ReplicaRecord&) const = default;
};

// A secret's metadata. `id` is assigned by the engine on insert.
struct SecretRecord {
  int64_t id = 0;
  std::string account_id;
  std::string region;
  std::string name;
  std::string arn;  // full ARN including the 6-character suffix
  std::optional<std::string> description;
  std::string kms_key_id;  // as the user gave it; empty = default key
  std::optional<std::string> type;
  int64_t created_ms = 0;
  int64_t last_changed_ms = 0;
  std::optional<int64_t> last_accessed_ms;  // day resolution (midnight UTC)
  std::optional<int64_t> deleted_ms;        // set while pending deletion
  std::optional<int64_t> deletion_date_ms;  // when the purge is due
  // Rotation configuration (rotation_configured=false: never configured).
  bool rotation_configured = false;
  bool rotation_enabled = false;
  std::optional<std::string> rotation_lambda_arn;
  std::optional<std::string> rotation_rules_json;  // RotationRules object as JSON text
  std::optional<int64_t> last_rotated_ms;
  std::optional<int64_t> next_rotation_ms;
  std::optional<std::string> external_rotation_metadata_json;
  std::optional<std::string> external_rotation_role_arn;
  std::optional<std::string> owning_service;
  std::optional<std::string> resource_policy;  // JSON text, verbatim
  bool tags_set = false;  // Tags is omitted until first tagged, [] after all removed
  std::vector<Tag> tags;  // in insertion order
  // Replication: a primary lists its replicas; a replica names its primary.
  std::string primary_region;         // region of the primary (== region for a primary)
  std::optional<int64_t> replica_of;  // id of the primary secret when this is a replica
  std::vector<ReplicaRecord> replicas;
  bool operator==(const SecretRecord&) const = default;
};

// One version of a secret's value. The value is sealed (crypto::Envelope); an
// empty `sealed_value` with has_value=false is the AWSPENDING placeholder a
// rotation creates before its function stores a value.
struct VersionRecord {
  int64_t secret_id = 0;
  std::string version_id;
  int64_t created_ms = 0;
  std::optional<int64_t> last_accessed_ms;  // day resolution
  std::string kms_key_arn;                  // key that sealed the value
  bool has_value = true;
  bool is_binary = false;           // SecretBinary rather than SecretString
  std::string sealed_value;         // envelope bytes (names key + material version)
  std::vector<std::string> stages;  // staging labels, sorted
  bool operator==(const VersionRecord&) const = default;
};

// Every member but the labels equal: only labels would change on a write.
inline bool SameExceptStages(const VersionRecord& a, const VersionRecord& b) {
  return a.secret_id == b.secret_id && a.version_id == b.version_id &&
         a.created_ms == b.created_ms && a.last_accessed_ms == b.last_accessed_ms &&
         a.kms_key_arn == b.kms_key_arn && a.has_value == b.has_value &&
         a.is_binary == b.is_binary && a.sealed_value == b.sealed_value;
}

}  // namespace coffer::storage
