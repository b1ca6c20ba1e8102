// The secrets table's columns as SqliteTxn binds and reads them: the three
// column lists of schema.h (list columns, account_id and region, extra
// columns) and has_extras, the flag that lets a scan skip the extra ones.
//
// Thread-safety: free functions over a Stmt the caller owns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "storage/records.h"
#include "storage/sqlite/connection.h"

namespace coffer::storage::sqlite {

// Binds ?1..?26: every column of `r` but id, has_extras last, as the two
// statements below name them. kUpdateSecretSql takes the id as ?27.
void BindSecret(Stmt& st, const SecretRecord& r);
extern const std::string_view kInsertSecretSql;
extern const std::string_view kUpdateSecretSql;

// Reads the list columns, columns 0-11 of kSelectSecret and of ScanSql.
void ReadListColumns(const Stmt& st, SecretRecord& r);

// Reads the extra columns, starting at column `first`.
void ReadExtraColumns(const Stmt& st, int first, SecretRecord& r);

// Reads a row of kSelectSecret into `r` (children not included).
void ReadSecret(const Stmt& st, SecretRecord& r);

// A LIMIT parameter for `limit` rows (SIZE_MAX: no limit).
inline int64_t ClampLimit(size_t limit) {
  constexpr size_t kMax = static_cast<size_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(limit > kMax ? kMax : limit);
}

}  // namespace coffer::storage::sqlite
