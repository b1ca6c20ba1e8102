// ListSecretVersionIds: a secret's versions, oldest first, with labels sorted;
// deprecated (unlabeled) versions only with IncludeDeprecated, and then
// without a VersionStages member (aws-compat §1.4b trace D). Pages are cut
// with MaxResults and resumed with an opaque, authenticated NextToken
// (page_token.h) naming the last version returned.

#include <algorithm>
#include <map>

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/page_token.h"

namespace coffer::secrets::internal {

namespace {

constexpr std::string_view kDefaultKeyName = "DefaultEncryptionKey";

// What KmsKeyIds shows for a version sealed under `key_arn`: the alias name
// "DefaultEncryptionKey" for the account's AWS-managed default key, the key
// ARN otherwise.
Result<std::string> KeyLabel(storage::Txn& txn, const std::string& key_arn,
                             std::map<std::string, std::string>& cache) {
  if (auto it = cache.find(key_arn); it != cache.end()) return it->second;
  std::string label = key_arn;
  size_t slash = key_arn.rfind("key/");
  if (slash != std::string::npos) {
    COFFER_ASSIGN_OR_RETURN(auto key, txn.GetKmsKey(key_arn.substr(slash + 4)));
    if (key && key->key_manager == "AWS") label = std::string(kDefaultKeyName);
  }
  cache.emplace(key_arn, label);
  return label;
}

}  // namespace

Status ListSecretVersionIds(Service& svc, const RequestContext& ctx, const JsonValue& in,
                            JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  const bool include_deprecated = JsonBool(in, "IncludeDeprecated").value_or(false);
  const size_t max_results =
      static_cast<size_t>(std::max<int64_t>(1, JsonInt(in, "MaxResults").value_or(100)));

  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(
      storage::Row<storage::SecretRecord> found,
      ResolveAuthorizedRow(svc, *txn, ctx, secret_id, SmAction("ListSecretVersionIds")));
  const storage::SecretRecord& s = *found;
  storage::Row<storage::SecretRecord> primary;
  COFFER_ASSIGN_OR_RETURN(const storage::SecretRecord* owner, ValueOwner(*txn, s, primary));
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::VersionRecord> all, txn->ListVersions(owner->id));
  std::vector<const storage::VersionRecord*> visible;
  for (const auto& v : all)
    if (include_deprecated || !v.stages.empty()) visible.push_back(&v);

  const std::string scope = PageTokenScope(
      {"ListSecretVersionIds", ctx.account_id, ctx.region, s.arn, include_deprecated ? "1" : "0"});
  size_t start = 0;
  if (auto token = JsonString(in, "NextToken")) {
    COFFER_ASSIGN_OR_RETURN(PagePosition pos,
                            DecodePageToken(svc.options().token_key, scope, *token));
    // Resume after the last version returned; if it has since been removed,
    // after the same count of versions.
    auto it = std::find_if(visible.begin(), visible.end(), [&](const storage::VersionRecord* v) {
      return v->version_id == pos.key;
    });
    start = it != visible.end()
                ? static_cast<size_t>(it - visible.begin()) + 1
                : std::min(static_cast<size_t>(std::max<int64_t>(pos.id, 0)), visible.size());
  }
  const size_t end = std::min(visible.size(), start + max_results);

  std::map<std::string, std::string> key_labels;
  WriteKey(out, "Versions");
  out.StartArray();
  for (size_t i = start; i < end; ++i) {
    const storage::VersionRecord& v = *visible[i];
    out.StartObject();
    WriteString(out, "VersionId", v.version_id);
    if (!v.stages.empty()) {
      std::vector<std::string> stages = v.stages;
      std::sort(stages.begin(), stages.end());
      WriteStringArray(out, "VersionStages", stages);
    }
    if (v.last_accessed_ms) WriteTimestamp(out, "LastAccessedDate", DayStart(*v.last_accessed_ms));
    WriteTimestamp(out, "CreatedDate", v.created_ms);
    if (!v.kms_key_arn.empty()) {
      COFFER_ASSIGN_OR_RETURN(std::string label, KeyLabel(*txn, v.kms_key_arn, key_labels));
      WriteStringArray(out, "KmsKeyIds", {label});
    }
    out.EndObject();
  }
  out.EndArray();
  if (end < visible.size()) {
    PagePosition pos{visible[end - 1]->version_id, static_cast<int64_t>(end)};
    COFFER_ASSIGN_OR_RETURN(std::string next, EncodePageToken(svc.options().token_key, scope, pos));
    WriteString(out, "NextToken", next);
  }
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
