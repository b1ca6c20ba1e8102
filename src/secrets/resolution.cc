// Finding the secret a request names, and the checks every operation that
// changes one makes first (resolution.h).

#include "secrets/resolution.h"

#include "common/random.h"
#include "secrets/authorization.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

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

}  // namespace

bool IsValidSecretName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '+' || c == '=' || c == '.' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string SecretArn(std::string_view region, std::string_view account_id, std::string_view name,
                      std::string_view suffix) {
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
  if (!parts || parts->region != ctx.region) return NotFound();
  if (parts->account != ctx.account_id) {
    // Another account's secret, by its full ARN only (aws-compat §6.1: the
    // caller's and the owner's policies then both decide). Coffer's own
    // calls (no caller) never reach across accounts.
    if (!ctx.caller) return NotFound();
    COFFER_ASSIGN_OR_RETURN(auto other, txn.GetSecretByArn(secret_id));
    if (!other || other->account_id != parts->account || other->region != ctx.region)
      return NotFound();
    return other;
  }
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

Status RequirePrimary(const storage::SecretRecord& s) {
  // AWS answers InvalidParameterException here (messages.h).
  if (s.replica_of)
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kReplicaReadOnly));
  return Status::Ok();
}

Result<const storage::SecretRecord*> ValueOwner(storage::Txn& txn, const storage::SecretRecord& s,
                                                storage::Row<storage::SecretRecord>& primary) {
  if (!s.replica_of) return &s;
  COFFER_ASSIGN_OR_RETURN(primary, txn.GetSecretById(*s.replica_of));
  if (!primary) return NotFound();
  return &*primary;
}

Result<WritableSecret> OpenWritableSecret(Service& svc, const RequestContext& ctx,
                                          std::string_view secret_id, std::string_view action,
                                          auth::policy::ContextKeys* keys) {
  WritableSecret out;
  COFFER_ASSIGN_OR_RETURN(out.txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(out.secret,
                          ResolveAuthorized(svc, *out.txn, ctx, secret_id, action, keys));
  COFFER_RETURN_IF_ERROR(RequireNotDeleted(out.secret));
  COFFER_RETURN_IF_ERROR(RequirePrimary(out.secret));
  return out;
}

}  // namespace coffer::secrets::internal
