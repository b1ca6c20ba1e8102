// One page of a filtered, sorted scan over the caller's secrets, shared by
// ListSecrets and BatchGetSecretValue (with Filters).
//
// The store scans in (sort key, id) order from the position in NextToken;
// filters (list_filter.h) are applied while the page fills. At most
// kMaxScannedPerPage secrets are examined per request, so a selective filter
// over many secrets returns a short (even empty) page with a NextToken, as
// AWS documents. NextToken is a page_token.h token bound to the operation,
// account, region, filters, sort and IncludePlannedDeletion.
//
// Thread-safety: free function; uses only what is passed in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coffer/result.h"
#include "common/request_context.h"
#include "secrets/list_filter.h"
#include "storage/store.h"

namespace coffer::secrets {

inline constexpr size_t kMaxScannedPerPage = 1000;

struct ScanQuery {
  std::string op;  // "ListSecrets" or "BatchGetSecretValue" (part of the token scope)
  bool include_deleted = false;
  storage::SecretSort sort = storage::SecretSort::kCreatedDate;
  bool descending = false;
  std::vector<ListFilter> filters;
  size_t max_results = 100;
  std::optional<std::string> next_token;
};

struct ScanPage {
  std::vector<storage::SecretRecord> secrets;
  std::optional<std::string> next_token;
};

// InvalidNextTokenException for a token not minted for this exact query.
Result<ScanPage> ScanSecretsPage(storage::Txn& txn, const RequestContext& ctx,
                                 std::string_view token_key, const ScanQuery& query);

// The keyset sort key of `s` under `sort` (storage::SecretScan::after_key).
std::string ScanSortKey(const storage::SecretRecord& s, storage::SecretSort sort);

}  // namespace coffer::secrets
