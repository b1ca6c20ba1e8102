// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
//
// Rules: names start with "alias/"; "alias/aws/" is reserved for AWS managed
// keys (NotAuthorizedException); an alias names exactly one customer managed
// key of the same account and region, never another alias; a key pending
// deletion cannot gain an alias.

#include <algorithm>

#include "kms/internal.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

namespace {

constexpr std::string_view kReservedPrefix = "alias/aws/";

Status CheckAliasName(std::string_view name) {
  if (!name.starts_with("alias/")) {
    return Status::InvalidArgument(std::string(msg::kValidation), std::string(msg::kAliasPrefix));
  }
  if (name.starts_with(kReservedPrefix)) {
    // [moto] NotAuthorizedException without a message.
    return Status::PermissionDenied(std::string(msg::kNotAuthorized), "");
  }
  return Status::Ok();
}

bool IsAliasSpec(std::string_view spec) {
  return spec.starts_with("alias/") ||
         (spec.starts_with("arn:") && spec.find(":alias/") != std::string_view::npos);
}

// The key an alias may point to, for `action` (CreateAlias/UpdateAlias).
Result<storage::KmsKeyRecord> AliasTarget(Service& svc, storage::Txn& txn,
                                          const RequestContext& ctx, std::string_view spec,
                                          std::string_view action) {
  if (IsAliasSpec(spec)) {
    return Status::InvalidArgument(std::string(msg::kValidation),
                                   std::string(msg::kAliasTargetsAlias));
  }
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveKeyIdOrArn(svc, txn, ctx, spec));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, action));
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  return key;
}

Status AliasNotFound(const RequestContext& ctx, std::string_view name) {
  return Status::NotFound(
      std::string(msg::kNotFound),
      "Alias " + crypto::KmsAliasArn(ctx.region, ctx.account_id, name) + " is not found.");
}

// The alias itself is a resource of the alias operations (IAM policies only;
// aliases have no policy) [docs: Service Authorization Reference, AWS KMS].
Status AuthorizeAlias(const RequestContext& ctx, std::string_view name, std::string_view op) {
  return AuthorizeWithoutKey(ctx, op, crypto::KmsAliasArn(ctx.region, ctx.account_id, name));
}

// The key an existing alias points to must allow `op` too.
Status AuthorizeAliasKey(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                         const storage::KmsAliasRecord& alias, std::string_view op) {
  if (!ctx.caller || alias.target_key_id.empty()) return Status::Ok();
  COFFER_ASSIGN_OR_RETURN(auto key, txn.GetKmsKey(alias.target_key_id));
  if (!key) return Status::Ok();
  return AuthorizeKey(svc, ctx, *key, op);
}

}  // namespace

Status CreateAlias(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name(JsonString(in, "AliasName").value_or(""));
  COFFER_RETURN_IF_ERROR(CheckAliasName(name));
  COFFER_RETURN_IF_ERROR(AuthorizeAlias(ctx, name, "CreateAlias"));
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(
      storage::KmsKeyRecord key,
      AliasTarget(svc, *txn, ctx, JsonString(in, "TargetKeyId").value_or(""), "CreateAlias"));
  COFFER_ASSIGN_OR_RETURN(auto existing, txn->GetKmsAlias(ctx.account_id, ctx.region, name));
  if (existing) {
    return Status::AlreadyExists(std::string(msg::kAlreadyExists),
                                 std::string(msg::kAliasExistsPrefix) +
                                     crypto::KmsAliasArn(ctx.region, ctx.account_id, name) +
                                     " already exists");
  }
  COFFER_RETURN_IF_ERROR(txn->PutKmsAlias(storage::KmsAliasRecord{
      ctx.account_id, ctx.region, name, key.key_id, ctx.now_ms, ctx.now_ms}));
  return txn->Commit();
}

Status UpdateAlias(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name(JsonString(in, "AliasName").value_or(""));
  COFFER_RETURN_IF_ERROR(CheckAliasName(name));
  COFFER_RETURN_IF_ERROR(AuthorizeAlias(ctx, name, "UpdateAlias"));
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto alias, txn->GetKmsAlias(ctx.account_id, ctx.region, name));
  if (!alias) return AliasNotFound(ctx, name);
  // Both the key it leaves and the key it gets.
  COFFER_RETURN_IF_ERROR(AuthorizeAliasKey(svc, *txn, ctx, *alias, "UpdateAlias"));
  COFFER_ASSIGN_OR_RETURN(
      storage::KmsKeyRecord key,
      AliasTarget(svc, *txn, ctx, JsonString(in, "TargetKeyId").value_or(""), "UpdateAlias"));
  alias->target_key_id = key.key_id;
  alias->updated_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->PutKmsAlias(*alias));
  return txn->Commit();
}

Status DeleteAlias(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  const std::string name(JsonString(in, "AliasName").value_or(""));
  COFFER_RETURN_IF_ERROR(CheckAliasName(name));
  COFFER_RETURN_IF_ERROR(AuthorizeAlias(ctx, name, "DeleteAlias"));
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto alias, txn->GetKmsAlias(ctx.account_id, ctx.region, name));
  if (!alias) return AliasNotFound(ctx, name);
  COFFER_RETURN_IF_ERROR(AuthorizeAliasKey(svc, *txn, ctx, *alias, "DeleteAlias"));
  COFFER_RETURN_IF_ERROR(txn->DeleteKmsAlias(ctx.account_id, ctx.region, name));
  return txn->Commit();
}

Status ListAliases(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(AuthorizeWithoutKey(ctx, "ListAliases"));
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  std::optional<std::string> only_key;
  if (std::optional<std::string_view> spec = JsonString(in, "KeyId")) {
    COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveKeyIdOrArn(svc, *txn, ctx, *spec));
    only_key = key.key_id;
  }
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::KmsAliasRecord> all,
                          txn->ListKmsAliases(ctx.account_id, ctx.region));
  std::vector<storage::KmsAliasRecord> aliases;
  bool have_default = false;
  for (auto& a : all) {
    if (a.alias_name == crypto::kDefaultSecretsKeyAlias) have_default = true;
    if (!only_key || a.target_key_id == *only_key) aliases.push_back(std::move(a));
  }
  if (!have_default && !only_key) {
    // AWS lists its managed aliases before their keys exist, without a target.
    storage::KmsAliasRecord placeholder;
    placeholder.alias_name = std::string(crypto::kDefaultSecretsKeyAlias);
    aliases.push_back(std::move(placeholder));
    std::sort(aliases.begin(), aliases.end(),
              [](const auto& a, const auto& b) { return a.alias_name < b.alias_name; });
  }
  COFFER_ASSIGN_OR_RETURN(
      Page page, Paginate(
                     in, aliases.size(), [&](size_t i) { return aliases[i].alias_name; }, 50));
  WriteKey(out, "Aliases");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    const storage::KmsAliasRecord& a = aliases[i];
    out.StartObject();
    WriteString(out, "AliasName", a.alias_name);
    WriteString(out, "AliasArn", crypto::KmsAliasArn(ctx.region, ctx.account_id, a.alias_name));
    if (!a.target_key_id.empty()) {
      WriteString(out, "TargetKeyId", a.target_key_id);
      WriteTimestamp(out, "CreationDate", a.created_ms);
      WriteTimestamp(out, "LastUpdatedDate", a.updated_ms);
    }
    out.EndObject();
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

}  // namespace coffer::kms::internal
