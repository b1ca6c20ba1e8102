// UpdateSecret: a new value (a new AWSCURRENT version) and/or new metadata
// (Description, KmsKeyId, Type). Description="" is stored as empty and then
// not shown by DescribeSecret/ListSecrets. Changing the key re-encrypts the versions
// labelled AWSCURRENT, AWSPREVIOUS and AWSPENDING under the new key
// (aws-compat §5.1); other versions keep the key they were sealed with.

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

namespace {

bool IsRotationLabelled(const storage::VersionRecord& v) {
  for (const auto& l : v.stages)
    if (l == kAwsCurrent || l == kAwsPrevious || l == kAwsPending) return true;
  return false;
}

// Re-seals the labelled versions of `s` under `key`.
Status ReencryptVersions(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                         const storage::SecretRecord& s, const storage::KmsKeyRecord& key) {
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::VersionRecord> versions, txn.ListVersions(s.id));
  for (auto& v : versions) {
    if (!v.has_value || !IsRotationLabelled(v) || v.kms_key_arn == key.arn) continue;
    const auto context = VersionContext(s, v.version_id);
    COFFER_RETURN_IF_ERROR(AuthorizeVersionKey(svc, txn, ctx, v, "kms:Decrypt", s.arn));
    auto plain = svc.keyring().OpenValue(txn, v.sealed_value, context);
    if (!plain.ok()) return KeyFailure(plain.status(), v.kms_key_arn, /*encrypt=*/false);
    auto sealed = svc.keyring().SealValue(txn, key, plain->view(), context);
    if (!sealed.ok()) return KeyFailure(sealed.status(), key.arn, /*encrypt=*/true);
    v.sealed_value = std::move(*sealed);
    v.kms_key_arn = key.arn;
    COFFER_RETURN_IF_ERROR(txn.PutVersion(v));
  }
  return Status::Ok();
}

}  // namespace

Status UpdateSecret(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  // Required on every call, with or without a new value, and checked before
  // the lookup (docs/compatibility.md, "ClientRequestToken").
  COFFER_ASSIGN_OR_RETURN(std::string token, RequireClientRequestToken(in));
  ContextKeys keys;
  if (auto d = JsonString(in, "Description"))
    keys.Set("secretsmanager:Description", std::string(*d));
  if (auto k = JsonString(in, "KmsKeyId")) AddKmsKeyKeys(keys, ctx, *k);
  if (auto t = JsonString(in, "Type")) keys.Set("secretsmanager:Type", std::string(*t));
  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, secret_id, SmAction("UpdateSecret"), &keys));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;
  COFFER_ASSIGN_OR_RETURN(RequestValue value, ReadRequestValue(in));

  bool changed = false;
  if (auto d = JsonString(in, "Description")) {
    s.description = std::string(*d);
    changed = true;
  }
  if (auto t = JsonString(in, "Type")) {
    s.type = std::string(*t);
    changed = true;
  }
  if (auto k = JsonString(in, "KmsKeyId")) {
    COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveKeyForWrite(svc, *txn, ctx, *k, &s));
    // Secrets Manager validates the caller's use of a new key with
    // GenerateDataKey and Decrypt under SecretVersionId
    // "RequestToValidateKeyAccess" [docs: security-encryption, "Secrets
    // Manager encryption context"].
    for (std::string_view action : {"kms:GenerateDataKey", "kms:Decrypt"})
      COFFER_RETURN_IF_ERROR(
          AuthorizeKeyUse(svc, ctx, key, action, s.arn, "RequestToValidateKeyAccess"));
    s.kms_key_id = std::string(*k);
    COFFER_RETURN_IF_ERROR(ReencryptVersions(svc, *txn, ctx, s, key));
    changed = true;
  }
  std::optional<StoredVersion> stored;
  if (value.present) {
    COFFER_ASSIGN_OR_RETURN(stored, StoreNewVersion(svc, *txn, ctx, s, token, value, {}));
    changed = changed || stored->created;
  }
  if (changed) {
    s.last_changed_ms = ctx.now_ms;
    COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
    COFFER_RETURN_IF_ERROR(txn->Commit());
  }
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  if (stored) WriteString(out, "VersionId", stored->version_id);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
