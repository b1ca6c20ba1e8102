// ListSecrets (aws-compat §1.4): the caller's secrets in this region, sorted
// and filtered, one page per call. Replica secrets are listed in their own
// region with their primary's versions.
//
// Default order: CreatedDate ascending. The model only says "Secrets are
// listed by CreatedDate"; its example lists the older secret first, and no
// recorded AWS response shows otherwise.

#include <algorithm>
#include <span>
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

// Orders versions and secret ids by secret id (equal_range over the labels).
struct BySecretId {
  bool operator()(const storage::VersionRecord& v, int64_t id) const { return v.secret_id < id; }
  bool operator()(int64_t id, const storage::VersionRecord& v) const { return id < v.secret_id; }
};

}  // namespace

Status ListSecrets(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_RETURN_IF_ERROR(AuthorizeUnscoped(ctx, SmAction("ListSecrets")));
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
  // The labels of the whole page in one storage call, ordered by secret id: a
  // replica shows its primary's versions.
  std::vector<int64_t> owners;
  owners.reserve(page.secrets.size());
  for (const storage::SecretRecord& s : page.secrets) owners.push_back(s.replica_of.value_or(s.id));
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::VersionRecord> staged,
                          txn->ListStagedVersions(owners));
  WriteKey(out, "SecretList");
  out.StartArray();
  for (size_t i = 0; i < page.secrets.size(); ++i) {
    auto [first, last] = std::equal_range(staged.begin(), staged.end(), owners[i], BySecretId{});
    out.StartObject();
    WriteSecretMetadata(out, page.secrets[i], std::span(first, last), /*list_entry=*/true);
    out.EndObject();
  }
  out.EndArray();
  if (page.next_token) WriteString(out, "NextToken", *page.next_token);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
