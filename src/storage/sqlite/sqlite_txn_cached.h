// SqliteTxn::CachedLookup, shared by sqlite_txn.cc and sqlite_txn_secrets.cc
// (it needs SqliteStore's definition, which sqlite_txn.h only declares).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "storage/sqlite/sqlite_store_impl.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {

// `key()` names the row in the cache (built only for kReadCached); `fetch()`
// reads it with SQL.
template <typename T, typename KeyFn, typename Fetch>
Result<std::optional<T>> SqliteTxn::CachedLookup(KeyFn&& key_fn, Fetch&& fetch) {
  const bool cached = mode_ == TxnMode::kReadCached && !finished_;
  std::string key;
  if (cached) {
    key = key_fn();
    if (std::optional<T> hit = store_->read_cache().Get<T>(key, generation_)) {
      return std::optional<T>(std::move(hit));
    }
  }
  COFFER_RETURN_IF_ERROR(Ready(false));
  COFFER_ASSIGN_OR_RETURN(std::optional<T> row, fetch());
  if (cached && cacheable_ && row) store_->read_cache().Put(std::move(key), generation_, *row);
  return row;
}

}  // namespace coffer::storage::sqlite
