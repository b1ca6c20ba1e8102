// Key resolution (key_resolution.h).

#include "kms/key_resolution.h"

#include "crypto/keyring.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

bool NamesDefaultAlias(std::string_view spec) {
  constexpr std::string_view kAlias = crypto::kDefaultSecretsKeyAlias;
  if (spec == kAlias) return true;
  return spec.starts_with("arn:") && spec.size() > kAlias.size() && spec.ends_with(kAlias) &&
         spec[spec.size() - kAlias.size() - 1] == ':';
}

storage::TxnMode ModeFor(std::string_view spec) {
  return NamesDefaultAlias(spec) ? storage::TxnMode::kWrite : storage::TxnMode::kRead;
}

Result<storage::KmsKeyRecord> ResolveAnyKey(Service& svc, storage::Txn& txn,
                                            const RequestContext& ctx, std::string_view spec) {
  if (spec.empty()) {
    return Status::NotFound(std::string(msg::kNotFound), "Invalid keyId ''");
  }
  return svc.keyring().ResolveKey(txn, ctx.account_id, ctx.region, spec);
}

Result<storage::KmsKeyRecord> ResolveKeyIdOrArn(Service& svc, storage::Txn& txn,
                                                const RequestContext& ctx, std::string_view spec) {
  const bool alias = spec.starts_with("alias/") ||
                     (spec.starts_with("arn:") && spec.find(":alias/") != std::string_view::npos);
  if (alias || spec.empty()) {
    return Status::NotFound(std::string(msg::kNotFound),
                            "Invalid keyId '" + std::string(spec) + "'");
  }
  return ResolveAnyKey(svc, txn, ctx, spec);
}

Result<storage::KmsKeyRecord> ResolveRequestKey(Service& svc, storage::Txn& txn,
                                                const RequestContext& ctx, const JsonValue& in) {
  return ResolveKeyIdOrArn(svc, txn, ctx, JsonString(in, "KeyId").value_or(""));
}

}  // namespace coffer::kms::internal
