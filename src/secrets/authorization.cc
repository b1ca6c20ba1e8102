// Authorization of the Secrets Manager operations and of their use of KMS
// (authorization.h).

#include "secrets/authorization.h"

#include <cstring>
#include <utility>

#include "crypto/keyring.h"
#include "secrets/messages.h"
#include "secrets/resolution.h"

namespace coffer::secrets::internal {

namespace msg = messages;
namespace policy = auth::policy;

namespace {

// The account field of an ARN ("arn:aws:SERVICE:REGION:ACCOUNT:…"); "" when
// it has none.
std::string_view ArnAccount(std::string_view arn) {
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  const size_t end = arn.find(':', pos);
  return end == std::string_view::npos ? std::string_view{} : arn.substr(pos, end - pos);
}

void AddTags(ContextKeys& keys, const std::vector<storage::Tag>& tags, std::string_view prefix) {
  std::string name;
  for (const storage::Tag& t : tags) {
    name.assign(prefix);
    name += t.key;
    keys.Set(name, t.value);
  }
}

Status AuthorizeWith(const RequestContext& ctx, std::string_view action, std::string_view resource,
                     std::string_view account, const policy::CompiledPolicy* resource_policy,
                     ContextKeys* keys) {
  policy::AccessRequest request;
  request.action = action;
  request.resource = resource;
  request.resource_account = account;
  request.resource_policy = resource_policy;
  request.keys = keys;
  return policy::Authorize(*ctx.caller, request, msg::kAccessDenied);
}

// The compiled policy `key` is evaluated with; null when Coffer cannot read
// it. An AWS managed key's policy is a function of its ARN: each thread keeps
// the last one it compiled, as GetSecretValue's hot path would otherwise build
// and hash that text on every read.
std::shared_ptr<const policy::CompiledPolicy> KeyPolicy(Service& svc,
                                                        const storage::KmsKeyRecord& key) {
  if (key.key_manager == "AWS") {
    thread_local std::string memo_arn;
    thread_local std::shared_ptr<const policy::CompiledPolicy> memo;
    if (memo && memo_arn == key.arn) return memo;
    auto compiled = svc.policy_cache().Get(EffectivePolicy(key), policy::PolicyGrammar::kResource);
    if (!compiled.ok()) return nullptr;
    memo_arn = key.arn;
    memo = *compiled;
    return memo;
  }
  auto compiled = svc.policy_cache().Get(key.policy, policy::PolicyGrammar::kResource);
  return compiled.ok() ? *std::move(compiled) : nullptr;
}

}  // namespace

SmActionName::SmActionName(std::string_view op) {
  constexpr std::string_view kPrefix = "secretsmanager:";
  if (kPrefix.size() + op.size() > sizeof buf_) {
    long_ = std::string(kPrefix) + std::string(op);
    return;
  }
  std::memcpy(buf_, kPrefix.data(), kPrefix.size());
  std::memcpy(buf_ + kPrefix.size(), op.data(), op.size());
  size_ = kPrefix.size() + op.size();
}

void AddRequestTags(ContextKeys& keys, const std::vector<storage::Tag>& tags) {
  if (tags.empty()) return;  // no request tags: the keys are absent
  std::vector<std::string> tag_keys;
  for (const storage::Tag& t : tags) tag_keys.push_back(t.key);
  AddTags(keys, tags, "aws:RequestTag/");
  keys.Set("aws:TagKeys", std::move(tag_keys));
}

void AddKmsKeyKeys(ContextKeys& keys, const RequestContext& ctx, std::string_view key_spec) {
  keys.Set("secretsmanager:KmsKeyId", std::string(key_spec));
  std::string arn(key_spec);
  if (!key_spec.starts_with("arn:")) {
    arn = "arn:aws:kms:" + ctx.region + ":" + ctx.account_id + ":";
    if (!key_spec.starts_with("alias/")) arn += "key/";
    arn += key_spec;
  }
  keys.Set("secretsmanager:KmsKeyArn", std::move(arn));
}

void AddReplicaRegionKeys(ContextKeys& keys, const JsonValue& in) {
  const JsonValue* replicas = JsonMember(in, "AddReplicaRegions");
  if (replicas == nullptr || !replicas->IsArray()) return;
  std::vector<std::string> regions;
  for (const JsonValue& r : replicas->GetArray())
    if (auto region = JsonString(r, "Region")) regions.emplace_back(*region);
  keys.Set("secretsmanager:AddReplicaRegions", std::move(regions));
}

Status AuthorizeSecret(Service& svc, const RequestContext& ctx, const storage::SecretRecord& s,
                       std::string_view action, ContextKeys* keys) {
  if (!ctx.caller) return Status::Ok();
  std::shared_ptr<const policy::CompiledPolicy> resource_policy;
  if (s.resource_policy && !s.resource_policy->empty()) {
    COFFER_ASSIGN_OR_RETURN(
        resource_policy,
        svc.policy_cache().Get(*s.resource_policy, policy::PolicyGrammar::kResource));
  }
  ContextKeys own;
  ContextKeys& k = keys ? *keys : own;
  // When no policy of the decision reads a key (no Condition, no variable),
  // the secret's keys are left out: a read by a role spent more on them
  // than on the decision.
  if (policy::UsesKeys(*ctx.caller, resource_policy.get())) {
    k.Set("secretsmanager:SecretId", s.arn);
    AddTags(k, s.tags, "secretsmanager:ResourceTag/");
    AddTags(k, s.tags, "aws:ResourceTag/");
    k.Set("secretsmanager:SecretPrimaryRegion",
          s.primary_region.empty() ? s.region : s.primary_region);
    if (s.rotation_lambda_arn)
      k.Set("secretsmanager:resource/AllowRotationLambdaArn", *s.rotation_lambda_arn);
    if (s.type) k.Set("secretsmanager:resource/Type", *s.type);
  }
  return AuthorizeWith(ctx, action, s.arn, s.account_id, resource_policy.get(), &k);
}

Status AuthorizeUnscoped(const RequestContext& ctx, std::string_view action, ContextKeys* keys) {
  if (!ctx.caller) return Status::Ok();
  return AuthorizeWith(ctx, action, "*", "", nullptr, keys);
}

Status AuthorizeMissing(const RequestContext& ctx, std::string_view secret_id,
                        std::string_view action, Status failure, ContextKeys* keys) {
  if (!ctx.caller || failure.code() != StatusCode::kNotFound) return failure;
  std::string resource;
  std::string_view account;
  if (secret_id.starts_with("arn:")) {
    resource = std::string(secret_id);
    account = ArnAccount(secret_id);
  } else {
    resource = "arn:aws:secretsmanager:" + ctx.region + ":" + ctx.account_id +
               ":secret:" + std::string(secret_id);
  }
  ContextKeys own;
  ContextKeys& k = keys ? *keys : own;
  k.Set("secretsmanager:SecretId", resource);
  Status allowed = AuthorizeWith(ctx, action, resource, account, nullptr, &k);
  return allowed.ok() ? failure : allowed;
}

Result<storage::Row<storage::SecretRecord>> ResolveAuthorizedRow(Service& svc, storage::Txn& txn,
                                                                 const RequestContext& ctx,
                                                                 std::string_view secret_id,
                                                                 std::string_view action,
                                                                 ContextKeys* keys) {
  auto row = ResolveSecretRow(txn, ctx, secret_id);
  if (!row.ok()) return AuthorizeMissing(ctx, secret_id, action, row.take_status(), keys);
  COFFER_RETURN_IF_ERROR(AuthorizeSecret(svc, ctx, **row, action, keys));
  return row;
}

Result<storage::SecretRecord> ResolveAuthorized(Service& svc, storage::Txn& txn,
                                                const RequestContext& ctx,
                                                std::string_view secret_id, std::string_view action,
                                                ContextKeys* keys) {
  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::SecretRecord> row,
                          ResolveAuthorizedRow(svc, txn, ctx, secret_id, action, keys));
  return *row;
}

std::string EffectivePolicy(const storage::KmsKeyRecord& key) {
  if (key.key_manager == "AWS") return crypto::DefaultSecretsKeyPolicy(key.account_id, key.region);
  return key.policy;
}

Status AuthorizeKeyUse(Service& svc, const RequestContext& ctx, const storage::KmsKeyRecord& key,
                       std::string_view kms_action, std::string_view secret_arn,
                       std::string_view version_id) {
  if (!ctx.caller) return Status::Ok();
  // A key policy Coffer cannot read allows nothing (the key policy is
  // required), rather than failing the request with a parse error.
  const std::shared_ptr<const policy::CompiledPolicy> key_policy = KeyPolicy(svc, key);
  // A scratch per thread, cleared but not freed: every read that opens a
  // value sets these keys (an AWS managed key's policy has Conditions), and
  // fresh ones were a dozen allocations.
  thread_local ContextKeys scratch;
  thread_local std::string via;
  ContextKeys& keys = scratch;
  keys.Clear();
  if (policy::UsesKeys(*ctx.caller, key_policy.get())) {
    // Secrets Manager in the key's region makes the call: a replica shares
    // its primary's values, sealed under a key of the primary's region.
    via.assign("secretsmanager.");
    via += key.region;
    via += ".amazonaws.com";
    keys.Set("kms:ViaService", via);
    const std::string& caller_account = ctx.caller->principal.account;
    keys.Set("kms:CallerAccount", caller_account.empty() ? ctx.account_id : caller_account);
    keys.Set("kms:EncryptionContext:SecretARN", secret_arn);
    keys.Set("kms:EncryptionContext:SecretVersionId", version_id);
    static constexpr std::string_view kContextKeys[] = {"SecretARN", "SecretVersionId"};
    keys.Set("kms:EncryptionContextKeys", kContextKeys);
    AddTags(keys, key.tags, "aws:ResourceTag/");
  }
  policy::AccessRequest request;
  request.action = kms_action;
  request.resource = key.arn;
  request.resource_account = key.account_id;
  request.resource_policy = key_policy.get();
  request.resource_policy_required = true;
  request.keys = &keys;
  if (policy::Decide(*ctx.caller, request).allowed) return Status::Ok();
  return Status::PermissionDenied(std::string(msg::kAccessDenied),
                                  std::string(msg::kKmsAccessDenied));
}

Status AuthorizeVersionKey(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                           const storage::VersionRecord& v, std::string_view kms_action,
                           std::string_view secret_arn) {
  if (!ctx.caller) return Status::Ok();
  std::string named_arn;
  std::string_view key_arn = v.kms_key_arn;
  if (key_arn.empty()) {
    auto named = crypto::Keyring::EnvelopeKeyArn(v.sealed_value);
    if (!named.ok()) return Status::Ok();  // the Keyring will refuse the envelope
    named_arn = *std::move(named);
    key_arn = named_arn;
  }
  const size_t slash = key_arn.find(":key/");
  if (slash == std::string_view::npos) return Status::Ok();  // the Keyring will refuse it
  COFFER_ASSIGN_OR_RETURN(storage::Row<storage::KmsKeyRecord> key,
                          txn.GetKmsKey(key_arn.substr(slash + 5)));
  if (!key) return Status::Ok();  // the Keyring answers for a missing key
  return AuthorizeKeyUse(svc, ctx, *key, kms_action, secret_arn, v.version_id);
}

}  // namespace coffer::secrets::internal
