// ScanSqlTable: the SQL of every SecretScan (store.h) an SQL engine runs,
// built once. The same text for SQLite and PostgreSQL but for the
// placeholders ("?N" or "$N"): 1 account_id, 2 region, 3 include_deleted,
// 4 limit, and when the scan resumes, 5 the sort key it resumes after and
// 6 that row's secret id. Order: the sort column, then id (both in the
// scan's direction), so pages never skip or repeat a row.
//
// Thread-safety: immutable after construction.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace coffer::storage {

class ScanSqlTable {
 public:
  // `select`: "SELECT … FROM secrets " (the engine's columns);
  // `placeholder`: '?' (SQLite) or '$' (PostgreSQL).
  ScanSqlTable(std::string_view select, char placeholder) {
    for (int i = 0; i < 16; ++i) {
      all_[i] = Build(select, placeholder, static_cast<SecretSort>(i / 4), (i / 2) % 2, i % 2);
    }
  }

  const std::string& Get(SecretSort sort, bool descending, bool has_position) const {
    return all_[static_cast<int>(sort) * 4 + (descending ? 2 : 0) + (has_position ? 1 : 0)];
  }

  static const char* SortColumn(SecretSort sort) {
    switch (sort) {
      case SecretSort::kCreatedDate: return "created_ms";
      case SecretSort::kLastAccessedDate: return "accessed_sort";
      case SecretSort::kLastChangedDate: return "last_changed_ms";
      case SecretSort::kName: return "name";
    }
    return "created_ms";
  }

 private:
  static std::string Build(std::string_view select, char p, SecretSort sort, bool descending,
                           bool has_position) {
    auto arg = [p](int n) { return std::string(1, p) + std::to_string(n); };
    const std::string col = SortColumn(sort);
    std::string sql(select);
    sql += "WHERE account_id = " + arg(1) + " AND region = " + arg(2) + " AND (" + arg(3) +
           " OR deleted_ms IS NULL)";
    if (has_position) {
      sql += " AND (" + col + ", id) " + (descending ? "<" : ">") + " (" + arg(5) + ", " + arg(6) +
             ")";
    }
    const char* dir = descending ? " DESC" : "";
    sql += " ORDER BY " + col + dir + ", id" + dir + " LIMIT " + arg(4);
    return sql;
  }

  std::array<std::string, 16> all_;
};

}  // namespace coffer::storage
