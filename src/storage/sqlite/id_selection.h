// IdSelection: how a child-table query of the SQLite engine (tags, replicas,
// labels) picks the rows of a set of secrets. Used by sqlite_txn_secrets.cc.
//
// Thread-safety: a value; const methods only after construction.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite/connection.h"

namespace coffer::storage::sqlite {

// How a child-table query picks the rows of a set of secrets. Ids close
// together, as in a page in creation order (ids are assigned in that order),
// are read with one range scan of the child table's primary key, and the
// caller skips the rows of ids outside the set (at most as many ids as the
// set has). Scattered ids (a page sorted by name, a filtered page) take
// "IN (json_each)": one statement whatever their number, one seek per id.
// ListSecrets, a page of 100: the range form saves ~20 µs of the labels'
// query and ~15 µs of tags and replicas (docs/performance.md §6).
class IdSelection {
 public:
  explicit IdSelection(const std::vector<int64_t>& ids) {
    if (!ids.empty()) {
      auto [lo, hi] = std::minmax_element(ids.begin(), ids.end());
      lo_ = *lo;
      hi_ = *hi;
      dense_ = static_cast<uint64_t>(hi_) - static_cast<uint64_t>(lo_) < 2 * ids.size();
    }
    if (dense_) return;
    array_.push_back('[');
    for (int64_t id : ids) {
      if (array_.size() > 1) array_ += ',';
      array_ += std::to_string(id);
    }
    array_ += ']';
  }

  // The two forms of `sql`, whose "{ids}" stands for the condition on
  // `column`. Call once per query (the texts live for the process, as
  // Connection::Prepare needs) and pass the result to Sql().
  struct Forms {
    std::string range, list;
  };
  static Forms Build(std::string_view sql, std::string_view column) {
    size_t at = sql.find("{ids}");
    std::string head(sql.substr(0, at)), tail(sql.substr(at + 5));
    return Forms{head + std::string(column) + " BETWEEN ?1 AND ?2" + tail,
                 head + std::string(column) + " IN (SELECT value FROM json_each(?1))" + tail};
  }

  std::string_view Sql(const Forms& forms) const { return dense_ ? forms.range : forms.list; }

  void Bind(Stmt& st) const {
    if (dense_) {
      st.Int(lo_).Int(hi_);
    } else {
      st.Text(array_);
    }
  }

 private:
  int64_t lo_ = 0, hi_ = 0;
  bool dense_ = false;
  std::string array_;  // the ids as a JSON array, when scattered
};

}  // namespace coffer::storage::sqlite
