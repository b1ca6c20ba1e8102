// Cryptographic operations: Encrypt, Decrypt, ReEncrypt, GenerateDataKey,
// GenerateDataKeyWithoutPlaintext, GenerateRandom.
//
// A CiphertextBlob is a crypto::Keyring envelope: it names the key ARN and
// material version, and binds the encryption context as associated data, so
// a different context -> InvalidCiphertextException (empty message, as AWS)
// and old ciphertext decrypts after a rotation. Plaintext is held in
// SecureString and only leaves as the base64 response member.

#include "common/random.h"
#include "common/secure_string.h"
#include "kms/internal.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

namespace {

constexpr size_t kMaxPlaintext = 4096;  // [model] PlaintextType

Status InvalidCiphertext() {
  return Status::InvalidArgument(std::string(msg::kInvalidCiphertext), "");
}

Status CheckAlgorithm(const JsonValue& in, const char* member) {
  std::optional<std::string_view> alg = JsonString(in, member);
  if (alg && *alg != "SYMMETRIC_DEFAULT") {
    // [guess] wording; the type is what AWS returns for a symmetric key.
    return Status::InvalidArgument(std::string(msg::kInvalidKeyUsage),
                                   "The encryption algorithm " + std::string(*alg) +
                                       " is not valid for a symmetric encryption KMS key.");
  }
  return Status::Ok();
}

Status CheckNoRecipient(const JsonValue& in) {
  if (JsonMember(in, "Recipient") != nullptr) return Unsupported("the Recipient parameter");
  return Status::Ok();
}

Status DryRun() {
  return Status::FailedPrecondition(std::string(msg::kDryRun), std::string(msg::kDryRunMessage));
}

// A key that may encrypt for `action` under `context` (authorized, and
// Enabled; the Keyring re-checks the state when sealing).
Result<storage::KmsKeyRecord> EncryptingKey(Service& svc, storage::Txn& txn,
                                            const RequestContext& ctx, std::string_view spec,
                                            std::string_view action,
                                            const crypto::EncryptionContext& context) {
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveAnyKey(svc, txn, ctx, spec));
  ContextKeys keys;
  AddEncryptionContextKeys(keys, context);
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, action, &keys));
  COFFER_RETURN_IF_ERROR(RequireEnabled(key));
  return key;
}

struct Opened {
  storage::KmsKeyRecord key;
  int32_t version = 0;
  SecureString plaintext;
};

// Opens `blob` under `context`. `key_spec` (optional KeyId / SourceKeyId)
// must name the key inside the blob (IncorrectKeyException otherwise).
Result<Opened> OpenBlob(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                        std::string_view blob, const crypto::EncryptionContext& context,
                        std::optional<std::string_view> key_spec, std::string_view action,
                        bool dry_run) {
  Result<std::string> arn = crypto::Keyring::EnvelopeKeyArn(blob);
  if (!arn.ok()) return InvalidCiphertext();
  COFFER_ASSIGN_OR_RETURN(int32_t version, crypto::Keyring::EnvelopeMaterialVersion(blob));
  const std::string prefix = "arn:aws:kms:" + ctx.region + ":" + ctx.account_id + ":key/";
  if (!arn->starts_with(prefix)) return InvalidCiphertext();  // another account or region
  if (key_spec) {
    COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord named, ResolveAnyKey(svc, txn, ctx, *key_spec));
    if (named.arn != *arn) {
      return Status::InvalidArgument(std::string(msg::kIncorrectKey),
                                     std::string(msg::kIncorrectKeyMessage));
    }
  }
  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyRecord> key,
                          txn.GetKmsKey(std::string_view(*arn).substr(prefix.size())));
  if (!key) {
    return Status::NotFound(std::string(msg::kNotFound), "Key '" + *arn + "' does not exist");
  }
  {
    ContextKeys keys;
    AddEncryptionContextKeys(keys, context);
    COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, *key, action, &keys));
  }
  COFFER_RETURN_IF_ERROR(RequireEnabled(*key));
  Opened opened;
  if (!dry_run) {
    COFFER_ASSIGN_OR_RETURN(opened.plaintext, svc.keyring().OpenValue(txn, blob, context));
  }
  opened.key = std::move(*key);
  opened.version = version;
  return opened;
}

Result<std::string> RequiredBlob(const JsonValue& in, const char* member) {
  COFFER_ASSIGN_OR_RETURN(std::optional<std::string> blob, ReadBlob(in, member));
  if (!blob || blob->empty()) return InvalidCiphertext();
  return std::move(*blob);
}

// GenerateDataKey and GenerateDataKeyWithoutPlaintext.
Status DataKey(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out,
               bool with_plaintext) {
  const std::string_view action =
      with_plaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext";
  COFFER_RETURN_IF_ERROR(CheckNoRecipient(in));
  std::optional<std::string_view> spec = JsonString(in, "KeySpec");
  std::optional<int64_t> bytes = JsonInt(in, "NumberOfBytes");
  if (spec && bytes) {
    return Status::InvalidArgument(std::string(msg::kValidation),
                                   std::string(msg::kKeySpecAndBytes));
  }
  if (!spec && !bytes) {
    return Status::InvalidArgument(std::string(msg::kValidation),
                                   std::string(msg::kNumberOfBytesRequired));
  }
  const size_t size = spec ? (*spec == "AES_128" ? 16 : 32) : static_cast<size_t>(*bytes);
  const std::string_view key_spec = JsonString(in, "KeyId").value_or("");
  const crypto::EncryptionContext context = ReadContext(in, "EncryptionContext");
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(ModeFor(key_spec)));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          EncryptingKey(svc, *txn, ctx, key_spec, action, context));
  if (JsonBool(in, "DryRun").value_or(false)) return DryRun();
  const SecureString data_key(RandomBytes(size));
  COFFER_ASSIGN_OR_RETURN(std::string blob,
                          svc.keyring().SealValue(*txn, key, data_key.view(), context));
  if (NamesDefaultAlias(key_spec)) COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteBlob(out, "CiphertextBlob", blob);
  if (with_plaintext) WriteBlob(out, "Plaintext", data_key.view());
  WriteString(out, "KeyId", key.arn);
  WriteString(out, "KeyMaterialId", KeyMaterialId(key, key.current_material));
  return Status::Ok();
}

}  // namespace

Status Encrypt(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(CheckAlgorithm(in, "EncryptionAlgorithm"));
  COFFER_ASSIGN_OR_RETURN(std::optional<std::string> plain_in, ReadBlob(in, "Plaintext"));
  const SecureString plaintext(plain_in ? std::move(*plain_in) : std::string());
  if (plaintext.size() == 0 || plaintext.size() > kMaxPlaintext) {
    // [model] constraint text in AWS's validation format.
    return Status::InvalidArgument(
        std::string(msg::kValidation),
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member "
        "must have length " +
            std::string(plaintext.size() == 0 ? "greater than or equal to 1"
                                              : "less than or equal to 4096"));
  }
  const std::string_view key_spec = JsonString(in, "KeyId").value_or("");
  const crypto::EncryptionContext context = ReadContext(in, "EncryptionContext");
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(ModeFor(key_spec)));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          EncryptingKey(svc, *txn, ctx, key_spec, "Encrypt", context));
  if (JsonBool(in, "DryRun").value_or(false)) return DryRun();
  COFFER_ASSIGN_OR_RETURN(std::string blob,
                          svc.keyring().SealValue(*txn, key, plaintext.view(), context));
  if (NamesDefaultAlias(key_spec)) COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteBlob(out, "CiphertextBlob", blob);
  WriteString(out, "KeyId", key.arn);
  WriteString(out, "EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  return Status::Ok();
}

Status Decrypt(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(CheckNoRecipient(in));
  COFFER_RETURN_IF_ERROR(CheckAlgorithm(in, "EncryptionAlgorithm"));
  COFFER_ASSIGN_OR_RETURN(std::string blob, RequiredBlob(in, "CiphertextBlob"));
  std::optional<std::string_view> key_spec = JsonString(in, "KeyId");
  const bool dry_run = JsonBool(in, "DryRun").value_or(false);
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(ModeFor(key_spec.value_or(""))));
  COFFER_ASSIGN_OR_RETURN(
      Opened opened, OpenBlob(svc, *txn, ctx, blob, ReadContext(in, "EncryptionContext"), key_spec,
                              "Decrypt", dry_run));
  if (dry_run) return DryRun();
  WriteString(out, "KeyId", opened.key.arn);
  WriteBlob(out, "Plaintext", opened.plaintext.view());
  WriteString(out, "EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  WriteString(out, "KeyMaterialId", KeyMaterialId(opened.key, opened.version));
  return Status::Ok();
}

Status ReEncrypt(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(CheckAlgorithm(in, "SourceEncryptionAlgorithm"));
  COFFER_RETURN_IF_ERROR(CheckAlgorithm(in, "DestinationEncryptionAlgorithm"));
  COFFER_ASSIGN_OR_RETURN(std::string blob, RequiredBlob(in, "CiphertextBlob"));
  std::optional<std::string_view> source_spec = JsonString(in, "SourceKeyId");
  const std::string_view dest_spec = JsonString(in, "DestinationKeyId").value_or("");
  const bool dry_run = JsonBool(in, "DryRun").value_or(false);
  const bool write = NamesDefaultAlias(dest_spec) || NamesDefaultAlias(source_spec.value_or(""));
  COFFER_ASSIGN_OR_RETURN(
      auto txn, svc.store().Begin(write ? storage::TxnMode::kWrite : storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(Opened opened,
                          OpenBlob(svc, *txn, ctx, blob, ReadContext(in, "SourceEncryptionContext"),
                                   source_spec, "ReEncryptFrom", dry_run));
  const crypto::EncryptionContext dest_context = ReadContext(in, "DestinationEncryptionContext");
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord dest,
                          EncryptingKey(svc, *txn, ctx, dest_spec, "ReEncryptTo", dest_context));
  if (dry_run) return DryRun();
  COFFER_ASSIGN_OR_RETURN(
      std::string sealed,
      svc.keyring().SealValue(*txn, dest, opened.plaintext.view(), dest_context));
  if (write) COFFER_RETURN_IF_ERROR(txn->Commit());
  WriteBlob(out, "CiphertextBlob", sealed);
  WriteString(out, "SourceKeyId", opened.key.arn);
  WriteString(out, "KeyId", dest.arn);
  WriteString(out, "SourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  WriteString(out, "DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
  WriteString(out, "SourceKeyMaterialId", KeyMaterialId(opened.key, opened.version));
  WriteString(out, "DestinationKeyMaterialId", KeyMaterialId(dest, dest.current_material));
  return Status::Ok();
}

Status GenerateDataKey(Service& svc, const RequestContext& ctx, const JsonValue& in,
                       JsonWriter& out) {
  return DataKey(svc, ctx, in, out, /*with_plaintext=*/true);
}

Status GenerateDataKeyWithoutPlaintext(Service& svc, const RequestContext& ctx, const JsonValue& in,
                                       JsonWriter& out) {
  return DataKey(svc, ctx, in, out, /*with_plaintext=*/false);
}

Status GenerateRandom(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(CheckNoRecipient(in));
  COFFER_RETURN_IF_ERROR(AuthorizeWithoutKey(ctx, "GenerateRandom"));
  if (JsonString(in, "CustomKeyStoreId")) return Unsupported("custom key stores");
  std::optional<int64_t> n = JsonInt(in, "NumberOfBytes");
  if (!n) {
    return Status::InvalidArgument(std::string(msg::kValidation),
                                   std::string(msg::kNumberOfBytesRequired));
  }
  const SecureString bytes(RandomBytes(static_cast<size_t>(*n)));  // 1..1024 [model]
  WriteBlob(out, "Plaintext", bytes.view());
  return Status::Ok();
}

}  // namespace coffer::kms::internal
