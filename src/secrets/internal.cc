// Helpers shared by the operation files of the secrets module (internal.h).

#include "secrets/internal.h"

#include <algorithm>

#include "common/encoding.h"
#include "common/random.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr size_t kMaxValueBytes = 65536;
constexpr size_t kArnSuffixLength = 6;  // "-" + 6 alphanumerics
constexpr std::string_view kSecretArnPrefix = "arn:aws:secretsmanager:";

Status NotFound() {
  return Status::NotFound(std::string(msg::kResourceNotFound), std::string(msg::kSecretNotFound));
}

// The parts of arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:RESOURCE.
struct SecretArnParts {
  std::string_view region;
  std::string_view account;
  std::string_view resource;  // NAME-SUFFIX (full) or NAME (partial)
};

std::optional<SecretArnParts> ParseSecretArn(std::string_view arn) {
  std::string_view fields[6];
  size_t pos = 0;
  for (int i = 0; i < 6; ++i) {
    size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) return std::nullopt;
    fields[i] = arn.substr(pos, colon - pos);
    pos = colon + 1;
  }
  if (fields[0] != "arn" || fields[2] != "secretsmanager" || fields[5] != "secret")
    return std::nullopt;
  SecretArnParts parts{fields[3], fields[4], arn.substr(pos)};
  if (parts.resource.empty()) return std::nullopt;
  return parts;
}

bool InScope(const storage::SecretRecord& s, const RequestContext& ctx) {
  return s.account_id == ctx.account_id && s.region == ctx.region;
}

std::string KmsKeyMissingMessage(std::string_view spec, std::string_view region,
                                 std::string_view account) {
  std::string prefix = "arn:aws:kms:" + std::string(region) + ":" + std::string(account) + ":";
  if (spec.starts_with("alias/")) return "Alias " + prefix + std::string(spec) + " is not found.";
  if (spec.starts_with("arn:") && spec.find(":alias/") != std::string_view::npos)
    return "Alias " + std::string(spec) + " is not found.";
  if (spec.starts_with("arn:")) return "Key '" + std::string(spec) + "' does not exist";
  return "Key '" + prefix + "key/" + std::string(spec) + "' does not exist";
}

// A version's labels in name order. Engines return them sorted (records.h);
// a copy is sorted only if they are not.
void WriteStages(JsonWriter& w, std::string_view key, const std::vector<std::string>& stages) {
  if (std::is_sorted(stages.begin(), stages.end())) {
    WriteStringArray(w, key, stages);
    return;
  }
  std::vector<std::string> sorted = stages;
  std::sort(sorted.begin(), sorted.end());
  WriteStringArray(w, key, sorted);
}

}  // namespace

bool IsReplicationInvolved(const storage::SecretRecord& s) {
  return !s.primary_region.empty() && (s.replica_of.has_value() || !s.replicas.empty());
}

bool IsValidSecretName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '+' || c == '=' || c == '.' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string SecretArn(std::string_view region, std::string_view account_id,
                      std::string_view name, std::string_view suffix) {
  std::string arn(kSecretArnPrefix);
  arn.append(region).append(":").append(account_id).append(":secret:").append(name);
  arn.append("-").append(suffix);
  return arn;
}

std::string NewArnSuffix() {
  static const std::string kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return RandomString(kArnSuffixLength, kAlphabet);
}

Result<storage::Row<storage::SecretRecord>> ResolveSecretRow(storage::Txn& txn,
                                                             const RequestContext& ctx,
                                                             std::string_view secret_id) {
  if (!secret_id.starts_with("arn:")) {
    if (!IsValidSecretName(secret_id))
      return Status::InvalidArgument(std::string(msg::kValidation), std::string(msg::kInvalidName));
    COFFER_ASSIGN_OR_RETURN(auto by_name,
                            txn.GetSecretByName(ctx.account_id, ctx.region, secret_id));
    if (!by_name) return NotFound();
    return by_name;
  }
  std::optional<SecretArnParts> parts = ParseSecretArn(secret_id);
  if (!parts || parts->region != ctx.region || parts->account != ctx.account_id) return NotFound();
  // A full ARN first: a name that itself ends in -XXXXXX makes a partial ARN
  // look complete, so the exact match must win.
  COFFER_ASSIGN_OR_RETURN(auto by_arn, txn.GetSecretByArn(secret_id));
  if (by_arn && InScope(*by_arn, ctx)) return by_arn;
  // Then a partial ARN (no suffix): the resource is the name itself.
  if (!IsValidSecretName(parts->resource)) return NotFound();
  COFFER_ASSIGN_OR_RETURN(auto by_name,
                          txn.GetSecretByName(ctx.account_id, ctx.region, parts->resource));
  if (!by_name) return NotFound();
  std::string_view arn = by_name->arn;
  if (arn.size() != secret_id.size() + 1 + kArnSuffixLength || !arn.starts_with(secret_id))
    return NotFound();
  return by_name;
}

Result<storage::SecretRecord> ResolveSecret(storage::Txn& txn, const RequestContext& ctx,
                                            std::string_view secret_id) {
  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::SecretRecord> row,
                          ResolveSecretRow(txn, ctx, secret_id));
  return *row;
}

Status RequireNotDeleted(const storage::SecretRecord& s) {
  if (s.deleted_ms.has_value())
    return Status::FailedPrecondition(std::string(msg::kInvalidRequest),
                                      std::string(msg::kMarkedForDeletion));
  return Status::Ok();
}

std::array<crypto::ContextPair, 2> VersionContext(const storage::SecretRecord& s,
                                                  std::string_view version_id) {
  return {{{"SecretARN", s.arn}, {"SecretVersionId", version_id}}};
}

void WriteReplicationStatus(JsonWriter& w, const std::vector<storage::ReplicaRecord>& replicas) {
  WriteKey(w, "ReplicationStatus");
  w.StartArray();
  for (const auto& r : replicas) {
    w.StartObject();
    WriteString(w, "Region", r.region);
    WriteString(w, "KmsKeyId",
                r.kms_key_id.empty() ? crypto::kDefaultSecretsKeyAlias : r.kms_key_id);
    WriteString(w, "Status", r.status);
    if (!r.status_message.empty()) WriteString(w, "StatusMessage", r.status_message);
    if (r.last_accessed_ms) WriteTimestamp(w, "LastAccessedDate", *r.last_accessed_ms);
    w.EndObject();
  }
  w.EndArray();
}

void WriteSecretMetadata(JsonWriter& w, const storage::SecretRecord& s,
                         std::span<const storage::VersionRecord> versions, bool list_entry) {
  // Member order follows the model (DescribeSecretResponse / SecretListEntry).
  WriteString(w, "ARN", s.arn);
  WriteString(w, "Name", s.name);
  if (s.type) WriteString(w, "Type", *s.type);
  // An empty Description is stored as given but not shown: AWS omits the
  // member (CreateSecret or UpdateSecret with Description="").
  if (s.description && !s.description->empty()) WriteString(w, "Description", *s.description);
  if (!s.kms_key_id.empty()) WriteString(w, "KmsKeyId", s.kms_key_id);
  if (s.rotation_configured) {
    WriteBool(w, "RotationEnabled", s.rotation_enabled);
    if (s.rotation_lambda_arn) WriteString(w, "RotationLambdaARN", *s.rotation_lambda_arn);
    if (s.rotation_rules_json) {
      WriteKey(w, "RotationRules");
      w.RawValue(s.rotation_rules_json->data(), s.rotation_rules_json->size(),
                 rapidjson::kObjectType);
    }
  }
  if (s.external_rotation_metadata_json) {
    WriteKey(w, "ExternalSecretRotationMetadata");
    w.RawValue(s.external_rotation_metadata_json->data(),
               s.external_rotation_metadata_json->size(), rapidjson::kArrayType);
  }
  if (s.external_rotation_role_arn)
    WriteString(w, "ExternalSecretRotationRoleArn", *s.external_rotation_role_arn);
  if (s.rotation_configured && s.last_rotated_ms)
    WriteTimestamp(w, "LastRotatedDate", *s.last_rotated_ms);
  WriteTimestamp(w, "LastChangedDate", s.last_changed_ms);
  if (s.last_accessed_ms) WriteTimestamp(w, "LastAccessedDate", DayStart(*s.last_accessed_ms));
  if (s.deleted_ms) WriteTimestamp(w, "DeletedDate", *s.deleted_ms);
  if (s.rotation_configured && s.rotation_enabled && s.next_rotation_ms)
    WriteTimestamp(w, "NextRotationDate", *s.next_rotation_ms);
  if (s.tags_set) {
    WriteKey(w, "Tags");
    w.StartArray();
    for (const auto& t : s.tags) {
      w.StartObject();
      WriteString(w, "Key", t.key);
      WriteString(w, "Value", t.value);
      w.EndObject();
    }
    w.EndArray();
  }
  bool any_labeled = std::any_of(versions.begin(), versions.end(),
                                 [](const storage::VersionRecord& v) { return !v.stages.empty(); });
  if (any_labeled) {
    WriteKey(w, list_entry ? "SecretVersionsToStages" : "VersionIdsToStages");
    w.StartObject();
    for (const auto& v : versions) {
      if (v.stages.empty()) continue;  // deprecated versions are hidden
      WriteStages(w, v.version_id, v.stages);
    }
    w.EndObject();
  }
  if (s.owning_service) WriteString(w, "OwningService", *s.owning_service);
  WriteTimestamp(w, "CreatedDate", s.created_ms);
  // PrimaryRegion only where replication is involved: a primary with
  // replicas (it has ReplicationStatus) or a replica. AWS omits it for a
  // secret that is neither (responses recorded 2024-2026, issue 18).
  if (IsReplicationInvolved(s)) WriteString(w, "PrimaryRegion", s.primary_region);
  if (!list_entry && !s.replicas.empty()) WriteReplicationStatus(w, s.replicas);
}

Status KeyFailure(const Status& keyring_status, std::string_view key_arn, bool encrypt) {
  StatusCode code = keyring_status.code();
  if (code == StatusCode::kInternal || code == StatusCode::kUnavailable) return keyring_status;
  const std::string& reason = keyring_status.reason();
  std::string type(encrypt ? msg::kEncryptionFailure : msg::kDecryptionFailure);
  std::string text(encrypt ? msg::kCannotEncrypt : msg::kCannotDecrypt);
  if (!key_arn.empty()) {
    // KMS's own wording for the key's state (aws-compat §5.1; "<arn> is pending
    // deletion." is also quoted from AWS in hashicorp/terraform-provider-aws#17889).
    if (reason == "DisabledException") {
      text = std::string(key_arn) + " is disabled.";
    } else if (reason == "KMSInvalidStateException") {
      text = std::string(key_arn) + " is pending deletion.";
    } else if (reason == "NotFoundException") {
      text = "Key '" + std::string(key_arn) + "' does not exist";
    }
  }
  return Status::FailedPrecondition(std::move(type), std::move(text));
}

Result<storage::KmsKeyRecord> ResolveKeyForWrite(Service& svc, storage::Txn& txn,
                                                 const RequestContext& ctx,
                                                 std::string_view key_spec) {
  auto key = svc.keyring().ResolveKey(txn, ctx.account_id, ctx.region, key_spec);
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound)
      return Status::FailedPrecondition(
          std::string(msg::kEncryptionFailure),
          KmsKeyMissingMessage(key_spec, ctx.region, ctx.account_id));
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

Result<const storage::SecretRecord*> ValueOwner(storage::Txn& txn, const storage::SecretRecord& s,
                                                storage::Row<storage::SecretRecord>& primary) {
  if (!s.replica_of) return &s;
  COFFER_ASSIGN_OR_RETURN(primary, txn.GetSecretById(*s.replica_of));
  if (!primary) return NotFound();
  return &*primary;
}

Status WriteSecretValue(Service& svc, storage::Txn& txn, const storage::SecretRecord& s,
                        const storage::VersionRecord& v, JsonWriter& w) {
  if (!v.has_value)
    return Status::NotFound(std::string(msg::kResourceNotFound),
                            std::string(msg::kValueNotFoundForVersion) + v.version_id);
  // A replica shares its primary's versions, sealed under the primary's ARN.
  storage::Row<storage::SecretRecord> primary;
  COFFER_ASSIGN_OR_RETURN(const storage::SecretRecord* owner, ValueOwner(txn, s, primary));
  auto plain = svc.keyring().OpenValue(txn, v.sealed_value, VersionContext(*owner, v.version_id));
  if (!plain.ok()) {
    std::string key_arn = v.kms_key_arn;
    if (key_arn.empty()) {
      auto named = crypto::Keyring::EnvelopeKeyArn(v.sealed_value);
      if (named.ok()) key_arn = *named;
    }
    return KeyFailure(plain.status(), key_arn, /*encrypt=*/false);
  }
  WriteString(w, "ARN", s.arn);
  WriteString(w, "Name", s.name);
  WriteString(w, "VersionId", v.version_id);
  if (v.is_binary) {
    WriteBlob(w, "SecretBinary", plain->view());
  } else {
    WriteString(w, "SecretString", plain->view());
  }
  WriteStages(w, "VersionStages", v.stages);
  WriteTimestamp(w, "CreatedDate", v.created_ms);
  return Status::Ok();
}

Result<RequestValue> ReadRequestValue(const JsonValue& in) {
  std::optional<std::string_view> str = JsonString(in, "SecretString");
  std::optional<std::string_view> bin = JsonString(in, "SecretBinary");
  RequestValue value;
  if (str && bin)
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kBothValueTypes));
  if (str) {
    value.present = true;
    value.bytes = SecureString(*str);
  } else if (bin) {
    std::optional<std::string> decoded = Base64Decode(*bin);
    if (!decoded)
      return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                     "SecretBinary must be base64-encoded.");
    value.present = true;
    value.binary = true;
    value.bytes = SecureString(std::move(*decoded));
  }
  if (value.bytes.size() > kMaxValueBytes)
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kValueTooLarge));
  return value;
}

int64_t DayStart(int64_t ms) {
  int64_t rem = ms % kDayMs;
  if (rem < 0) rem += kDayMs;
  return ms - rem;
}

}  // namespace coffer::secrets::internal
