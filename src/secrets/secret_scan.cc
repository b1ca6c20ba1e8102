// Filtered keyset pagination over secrets (secret_scan.h).

#include "secrets/secret_scan.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "secrets/page_token.h"

namespace coffer::secrets {

namespace {

constexpr size_t kScanBatch = 100;

std::string_view SortName(storage::SecretSort sort) {
  switch (sort) {
    case storage::SecretSort::kCreatedDate: return "created-date";
    case storage::SecretSort::kLastAccessedDate: return "last-accessed-date";
    case storage::SecretSort::kLastChangedDate: return "last-changed-date";
    case storage::SecretSort::kName: return "name";
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
    case storage::SecretSort::kCreatedDate: return std::to_string(s.created_ms);
    case storage::SecretSort::kLastAccessedDate:
      return std::to_string(s.last_accessed_ms.value_or(0));
    case storage::SecretSort::kLastChangedDate: return std::to_string(s.last_changed_ms);
    case storage::SecretSort::kName: return s.name;
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
  size_t scanned = 0;
  for (;;) {
    COFFER_ASSIGN_OR_RETURN(std::vector<storage::SecretRecord> rows, txn.ScanSecrets(scan));
    const bool last_batch = rows.size() < kScanBatch;
    // The rows that match are kept by compacting `rows` in place, so a batch
    // that all matches moves no record; the sort key's string is built only
    // for the row a batch or the page ends on.
    size_t kept = 0;
    std::optional<PagePosition> stop_at;
    for (size_t i = 0; i < rows.size(); ++i) {
      storage::SecretRecord& row = rows[i];
      ++scanned;
      const bool matches = MatchesFilters(q.filters, row);
      const bool more = !(last_batch && i + 1 == rows.size());
      const bool full = page.secrets.size() + kept + (matches ? 1 : 0) >= q.max_results;
      const bool stop = more && (full || scanned >= kMaxScannedPerPage);
      if (stop) {
        stop_at = PagePosition{ScanSortKey(row, q.sort), row.id};
      } else if (i + 1 == rows.size()) {
        scan.after_key = ScanSortKey(row, q.sort);
        scan.after_id = row.id;
        scan.has_position = true;
      }
      if (matches) {
        if (kept != i) rows[kept] = std::move(row);
        ++kept;
      }
      if (stop) break;
    }
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(kept), rows.end());
    if (page.secrets.empty()) {
      page.secrets = std::move(rows);
    } else {
      std::move(rows.begin(), rows.end(), std::back_inserter(page.secrets));
    }
    if (stop_at) {
      COFFER_ASSIGN_OR_RETURN(std::string token, EncodePageToken(token_key, scope, *stop_at));
      page.next_token = std::move(token);
      return page;
    }
    if (last_batch) return page;
  }
}

}  // namespace coffer::secrets
