// ListSecrets (aws-compat §1.4): the caller's secrets in this region, sorted
// and filtered, one page per call. Replica secrets are listed in their own
// region with their primary's versions.
//
// Default order: CreatedDate ascending. The model only says "Secrets are
// listed by CreatedDate"; its example lists the older secret first, and no
// recorded AWS response shows otherwise.

#include <unordered_map>
#include <vector>

#include "secrets/internal.h"
#include "secrets/list_filter.h"
#include "secrets/secret_scan.h"

namespace coffer::secrets::internal {

namespace {

// AWS's page size when MaxResults is absent (the model's maximum).
constexpr size_t kDefaultMaxResults = 100;

storage::SecretSort ReadSort(const JsonValue& in) {
  std::string_view by = JsonString(in, "SortBy").value_or("created-date");
  if (by == "last-accessed-date") return storage::SecretSort::kLastAccessedDate;
  if (by == "last-changed-date") return storage::SecretSort::kLastChangedDate;
  if (by == "name") return storage::SecretSort::kName;
  return storage::SecretSort::kCreatedDate;
}

}  // namespace

Status ListSecrets(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  ScanQuery q;
  q.op = "ListSecrets";
  q.include_deleted = JsonBool(in, "IncludePlannedDeletion").value_or(false);
  q.sort = ReadSort(in);
  q.descending = JsonString(in, "SortOrder").value_or("asc") == "desc";
  COFFER_ASSIGN_OR_RETURN(q.filters, ParseFilters(in));
  q.max_results = static_cast<size_t>(
      JsonInt(in, "MaxResults").value_or(static_cast<int64_t>(kDefaultMaxResults)));
  if (auto token = JsonString(in, "NextToken")) q.next_token = std::string(*token);

  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(ScanPage page, ScanSecretsPage(*txn, ctx, svc.options().token_key, q));
  // The labels of the whole page in one storage call: a replica shows its
  // primary's versions.
  std::vector<int64_t> owners;
  owners.reserve(page.secrets.size());
  for (const storage::SecretRecord& s : page.secrets) owners.push_back(s.replica_of.value_or(s.id));
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::VersionRecord> staged,
                          txn->ListStagedVersions(owners));
  std::unordered_map<int64_t, std::vector<storage::VersionRecord>> by_owner;
  for (storage::VersionRecord& v : staged) by_owner[v.secret_id].push_back(std::move(v));
  static const std::vector<storage::VersionRecord> kNone;
  WriteKey(out, "SecretList");
  out.StartArray();
  for (const storage::SecretRecord& s : page.secrets) {
    auto it = by_owner.find(s.replica_of.value_or(s.id));
    out.StartObject();
    WriteSecretMetadata(out, s, it == by_owner.end() ? kNone : it->second, /*list_entry=*/true);
    out.EndObject();
  }
  out.EndArray();
  if (page.next_token) WriteString(out, "NextToken", *page.next_token);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
