// PutSecretValue, and the version-writing helpers it shares with UpdateSecret
// (internal.h): ClientRequestToken idempotency, sealing, label movement and
// version pruning.

#include <openssl/crypto.h>

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/rotation.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

// Whether `v` holds exactly `value`. Decrypts the stored value (AWS does the
// same, with an extra kms:Decrypt).
Result<bool> SameValue(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                       const storage::SecretRecord& s, const storage::VersionRecord& v,
                       const RequestValue& value) {
  if (!v.has_value) return false;
  COFFER_RETURN_IF_ERROR(AuthorizeVersionKey(svc, txn, ctx, v, "kms:Decrypt", s.arn));
  auto plain = svc.keyring().OpenValue(txn, v.sealed_value, VersionContext(s, v.version_id));
  if (!plain.ok()) return KeyFailure(plain.status(), v.kms_key_arn, /*encrypt=*/false);
  if (v.is_binary != value.binary || plain->size() != value.bytes.size()) return false;
  return CRYPTO_memcmp(plain->data(), value.bytes.data(), value.bytes.size()) == 0;
}

Result<std::string> Seal(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                         const storage::SecretRecord& s, std::string_view version_id,
                         const RequestValue& value, std::string* key_arn) {
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          ResolveKeyForWrite(svc, txn, ctx, s.kms_key_id, &s));
  COFFER_RETURN_IF_ERROR(AuthorizeKeyUse(svc, ctx, key, "kms:GenerateDataKey", s.arn, version_id));
  auto sealed =
      svc.keyring().SealValue(txn, key, value.bytes.view(), VersionContext(s, version_id));
  if (!sealed.ok()) return KeyFailure(sealed.status(), key.arn, /*encrypt=*/true);
  *key_arn = key.arn;
  return sealed;
}

}  // namespace

Result<std::string> RequireClientRequestToken(const JsonValue& in, std::string_view error_type) {
  std::optional<std::string_view> token = JsonString(in, "ClientRequestToken");
  if (!token)
    return Status::InvalidArgument(std::string(error_type),
                                   std::string(msg::kMissingClientRequestToken));
  return std::string(*token);
}

Result<StoredVersion> StoreNewVersion(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                                      storage::SecretRecord& s, std::string_view token,
                                      const RequestValue& value, std::vector<std::string> stages) {
  // Only the versions the new one's labels can touch (the labelled ones, and
  // `token` if it exists) unless pruning may be due, which needs them all:
  // PutSecretValue on a secret with 50 versions read 50 sealed rows for this.
  COFFER_ASSIGN_OR_RETURN(int64_t count, txn.CountVersions(s.id));
  std::vector<storage::VersionRecord> loaded;
  if (count + 1 > static_cast<int64_t>(kMaxVersions)) {
    COFFER_ASSIGN_OR_RETURN(loaded, txn.ListVersions(s.id));
  } else {
    COFFER_ASSIGN_OR_RETURN(loaded, txn.ListLabeledVersions(s.id, token));
  }
  VersionSet set(std::move(loaded));
  StoredVersion result;
  result.version_id = std::string(token);

  const storage::VersionRecord* existing = set.Find(token);
  if (existing && existing->has_value) {
    COFFER_ASSIGN_OR_RETURN(bool same, SameValue(svc, txn, ctx, s, *existing, value));
    if (!same)
      return Status::AlreadyExists(std::string(msg::kResourceExists),
                                   std::string(msg::kVersionExists));
    result.stages = existing->stages;
    return result;  // idempotent retry: nothing changes
  }

  std::string key_arn;
  COFFER_ASSIGN_OR_RETURN(std::string sealed, Seal(svc, txn, ctx, s, token, value, &key_arn));
  if (existing) {
    // A rotation's AWSPENDING placeholder receives its value.
    storage::VersionRecord filled = *existing;
    filled.kms_key_arn = key_arn;
    filled.has_value = true;
    filled.is_binary = value.binary;
    filled.sealed_value = std::move(sealed);
    COFFER_RETURN_IF_ERROR(set.AttachLabels(token, std::move(stages)));
    filled.stages = set.Find(token)->stages;
    COFFER_RETURN_IF_ERROR(set.Save(txn));
    COFFER_RETURN_IF_ERROR(txn.PutVersion(filled));
  } else {
    storage::VersionRecord fresh;
    fresh.secret_id = s.id;
    fresh.version_id = std::string(token);
    fresh.created_ms = ctx.now_ms;
    fresh.kms_key_arn = key_arn;
    fresh.has_value = true;
    fresh.is_binary = value.binary;
    fresh.sealed_value = std::move(sealed);
    COFFER_RETURN_IF_ERROR(set.AddVersion(std::move(fresh), std::move(stages)));
    COFFER_RETURN_IF_ERROR(set.Prune(ctx.now_ms));
    COFFER_RETURN_IF_ERROR(set.Save(txn));
  }
  result.stages = set.Find(token)->stages;
  result.created = true;
  s.last_changed_ms = ctx.now_ms;
  return result;
}

Status PutSecretValue(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  // Before the lookup: a missing secret without a token answers this error.
  COFFER_ASSIGN_OR_RETURN(std::string token, RequireClientRequestToken(in));
  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, secret_id, SmAction("PutSecretValue")));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  COFFER_ASSIGN_OR_RETURN(RequestValue value, ReadRequestValue(in));
  if (!value.present)
    return Status::InvalidArgument(std::string(msg::kInvalidRequest),
                                   std::string(msg::kValueRequired));
  // RotationToken: rotation functions pass the one their event carried; it
  // must have been issued for this secret and this version (rotation.h).
  if (auto rotation_token = JsonString(in, "RotationToken"))
    COFFER_RETURN_IF_ERROR(CheckRotationToken(svc, *rotation_token, s.arn, token, ctx.now_ms));
  std::vector<std::string> stages = JsonStringArray(in, "VersionStages");
  COFFER_ASSIGN_OR_RETURN(StoredVersion stored,
                          StoreNewVersion(svc, *txn, ctx, s, token, value, std::move(stages)));
  if (stored.created) COFFER_RETURN_IF_ERROR(txn->TouchChanged(s.id, s.last_changed_ms));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  WriteString(out, "VersionId", stored.version_id);
  WriteStringArray(out, "VersionStages", stored.stages);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
