// SqliteTxn::CachedLookup, shared by sqlite_txn.cc and sqlite_txn_secrets.cc
// (it needs SqliteStore's definition, which sqlite_txn.h only declares).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {

// `key_fn(std::string&)` appends the name of the row in the cache (called
// only for kReadCached); `fetch()` reads the row with SQL. The name is built
// in a per-thread buffer, so a lookup the cache answers allocates nothing;
// a hit shares the cached record (Row).
template <typename T, typename KeyFn, typename Fetch>
Result<Row<T>> SqliteTxn::CachedLookup(KeyFn&& key_fn, Fetch&& fetch) {
  const bool cached = mode_ == TxnMode::kReadCached && !finished_;
  std::string key;
  if (cached) {
    thread_local std::string scratch;
    scratch.clear();
    key_fn(scratch);
    if (Row<T> hit = store_->read_cache().Get<T>(scratch, generation_)) return hit;
    key = scratch;  // fetch() may look up rows itself: keep this one's name
  }
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(std::optional<T> fetched, fetch());
  Row<T> row = Row<T>::Of(std::move(fetched));
  if (cached && cacheable_ && row) {
    store_->read_cache().Put(std::move(key), generation_, row.shared());
  }
  return row;
}

}  // namespace coffer::storage::sqlite
