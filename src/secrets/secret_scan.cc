// Filtered keyset pagination over secrets (secret_scan.h).

#include "secrets/secret_scan.h"

#include <algorithm>

#include "secrets/page_token.h"

namespace coffer::secrets {

namespace {

constexpr size_t kScanBatch = 100;

std::string_view SortName(storage::SecretSort sort) {
  switch (sort) {
    case storage::SecretSort::kCreatedDate:
      return "created-date";
    case storage::SecretSort::kLastAccessedDate:
      return "last-accessed-date";
    case storage::SecretSort::kLastChangedDate:
      return "last-changed-date";
    case storage::SecretSort::kName:
      return "name";
  }
  return "";
}

std::string Scope(const RequestContext& ctx, const ScanQuery& q) {
  return PageTokenScope({q.op, ctx.account_id, ctx.region, q.include_deleted ? "1" : "0",
                         SortName(q.sort), q.descending ? "desc" : "asc",
                         CanonicalFilters(q.filters)});
}

}  // namespace

std::string ScanSortKey(const storage::SecretRecord& s, storage::SecretSort sort) {
  switch (sort) {
    case storage::SecretSort::kCreatedDate:
      return std::to_string(s.created_ms);
    case storage::SecretSort::kLastAccessedDate:
      return std::to_string(s.last_accessed_ms.value_or(0));
    case storage::SecretSort::kLastChangedDate:
      return std::to_string(s.last_changed_ms);
    case storage::SecretSort::kName:
      return s.name;
  }
  return "";
}

Result<ScanPage> ScanSecretsPage(storage::Txn& txn, const RequestContext& ctx,
                                 std::string_view token_key, const ScanQuery& q) {
  const std::string scope = Scope(ctx, q);
  storage::SecretScan scan;
  scan.account_id = ctx.account_id;
  scan.region = ctx.region;
  scan.include_deleted = q.include_deleted;
  scan.sort = q.sort;
  scan.descending = q.descending;
  scan.limit = kScanBatch;
  if (q.next_token) {
    COFFER_ASSIGN_OR_RETURN(PagePosition pos, DecodePageToken(token_key, scope, *q.next_token));
    scan.after_key = std::move(pos.key);
    scan.after_id = pos.id;
    scan.has_position = true;
  }
  ScanPage page;
  page.secrets.reserve(std::min(q.max_results, kScanBatch));
  size_t scanned = 0;
  for (;;) {
    COFFER_ASSIGN_OR_RETURN(std::vector<storage::SecretRecord> rows, txn.ScanSecrets(scan));
    const bool last_batch = rows.size() < kScanBatch;
    for (size_t i = 0; i < rows.size(); ++i) {
      storage::SecretRecord& row = rows[i];
      PagePosition pos{ScanSortKey(row, q.sort), row.id};
      ++scanned;
      if (MatchesFilters(q.filters, row)) page.secrets.push_back(std::move(row));
      const bool more = !(last_batch && i + 1 == rows.size());
      if (more && (page.secrets.size() >= q.max_results || scanned >= kMaxScannedPerPage)) {
        COFFER_ASSIGN_OR_RETURN(std::string token, EncodePageToken(token_key, scope, pos));
        page.next_token = std::move(token);
        return page;
      }
      scan.after_key = std::move(pos.key);
      scan.after_id = pos.id;
      scan.has_position = true;
    }
    if (last_batch) return page;
  }
}

}  // namespace coffer::secrets
