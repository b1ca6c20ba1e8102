// SqliteTxn: reading many secrets at once. ScanSecrets (a page of ListSecrets,
// BatchGetSecretValue's filters) reads the list columns and has_extras of the
// page's rows, then the extra columns of the rows that have any
// (secret_columns.h), then the page's tags and replicas: one statement each,
// whatever the page's size.
#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "storage/sqlite/id_selection.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/secret_columns.h"
#include "storage/sqlite/sqlite_txn.h"

namespace coffer::storage::sqlite {
namespace {

// A scan reserves room for at most this many records up front.
constexpr size_t kMaxScanReserve = 1000;

// Some of a page's records, found by id: what a child or extras row of the
// secrets table is matched to.
class RowsById {
 public:
  RowsById(std::vector<SecretRecord>& rows, const std::vector<size_t>& which) {
    by_id_.reserve(which.size());
    ids_.reserve(which.size());
    for (size_t i : which) {
      by_id_.emplace_back(rows[i].id, &rows[i]);
      ids_.push_back(rows[i].id);
    }
    std::sort(by_id_.begin(), by_id_.end());
  }

  // The record with `id`, or nullptr for a row outside the set (a range
  // selection, IdSelection, also returns the rows between the set's ids).
  SecretRecord* Find(int64_t id) const {
    auto it = std::lower_bound(by_id_.begin(), by_id_.end(), std::make_pair(id, nullptr),
                               [](const auto& a, const auto& b) { return a.first < b.first; });
    return it != by_id_.end() && it->first == id ? it->second : nullptr;
  }

  const std::vector<int64_t>& ids() const { return ids_; }

 private:
  std::vector<std::pair<int64_t, SecretRecord*>> by_id_;
  std::vector<int64_t> ids_;
};

std::vector<size_t> AllRows(const std::vector<SecretRecord>& rows) {
  std::vector<size_t> all(rows.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return all;
}

}  // namespace

Result<std::vector<SecretRecord>> SqliteTxn::ScanSecrets(const SecretScan& scan) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  bool has_position = scan.has_position && !scan.after_key.empty();
  int64_t after_ms = 0;
  if (has_position && scan.sort != SecretSort::kName) {
    const char* end = scan.after_key.data() + scan.after_key.size();
    auto [ptr, ec] = std::from_chars(scan.after_key.data(), end, after_ms);
    if (ec != std::errc() || ptr != end) {
      return Status::InvalidArgument("", "invalid pagination position");
    }
  }
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s,
                          conn_->Prepare(ScanSql(scan.sort, scan.descending, has_position)));
  Stmt st(*conn_, s, "ScanSecrets");
  st.Text(scan.account_id).Text(scan.region).Bool(scan.include_deleted);
  st.Int(ClampLimit(scan.limit));
  if (has_position) {
    if (scan.sort == SecretSort::kName) {
      st.Text(scan.after_key);
    } else {
      st.Int(after_ms);
    }
    st.Int(scan.after_id);
  }
  std::vector<SecretRecord> out;
  out.reserve(std::min(scan.limit, kMaxScanReserve));
  std::vector<size_t> with_extras;
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SecretRecord& r = out.emplace_back();
    ReadListColumns(st, r);
    // The WHERE clause compares them byte for byte.
    r.account_id = scan.account_id;
    r.region = scan.region;
    if (st.ColBool(12)) with_extras.push_back(out.size() - 1);
  }
  if (!with_extras.empty()) COFFER_RETURN_IF_ERROR(LoadExtrasOfMany(out, with_extras));
  COFFER_RETURN_IF_ERROR(LoadChildren(out));
  return out;
}

Status SqliteTxn::LoadExtrasOfMany(std::vector<SecretRecord>& rows,
                                   const std::vector<size_t>& which) {
  const RowsById by_id(rows, which);
  const IdSelection selection(by_id.ids());
  static const IdSelection::Forms kSql = IdSelection::Build(
      std::string(kSelectSecretExtras) + "WHERE {ids} AND has_extras <> 0", "id");
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn_->Prepare(selection.Sql(kSql)));
  Stmt st(*conn_, s, "LoadSecretExtras");
  selection.Bind(st);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    if (SecretRecord* r = by_id.Find(st.ColInt(0))) ReadExtraColumns(st, 1, *r);
  }
}

Status SqliteTxn::LoadChildren(std::vector<SecretRecord>& rows) {
  if (rows.size() == 1) return LoadSecretChildren(rows.front());
  if (rows.empty()) return Status::Ok();
  // Tags and replicas of many secrets: one query per child table rather than
  // two per secret (a page of 100 went from 201 statements to 3).
  const RowsById by_id(rows, AllRows(rows));
  const IdSelection selection(by_id.ids());
  static const IdSelection::Forms kTags = IdSelection::Build(
      "SELECT secret_id, tag_key, tag_value FROM secret_tags WHERE {ids} "
      "ORDER BY secret_id, position",
      "secret_id");
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * ts, conn_->Prepare(selection.Sql(kTags)));
  Stmt tags(*conn_, ts, "LoadSecretTags");
  selection.Bind(tags);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, tags.Step());
    if (!row) break;
    if (SecretRecord* r = by_id.Find(tags.ColInt(0))) {
      r->tags.push_back(Tag{tags.ColText(1), tags.ColText(2)});
    }
  }
  static const IdSelection::Forms kReplicas = IdSelection::Build(
      "SELECT secret_id, region, kms_key_id, status, status_message, last_accessed_ms "
      "FROM secret_replicas WHERE {ids} ORDER BY secret_id, position",
      "secret_id");
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * rs, conn_->Prepare(selection.Sql(kReplicas)));
  Stmt reps(*conn_, rs, "LoadSecretReplicas");
  selection.Bind(reps);
  while (true) {
    COFFER_ASSIGN_OR_RETURN(bool row, reps.Step());
    if (!row) return Status::Ok();
    SecretRecord* r = by_id.Find(reps.ColInt(0));
    if (r == nullptr) continue;
    r->replicas.push_back(ReplicaRecord{reps.ColText(1), reps.ColText(2), reps.ColText(3),
                                        reps.ColText(4), reps.ColOptInt(5)});
  }
}

}  // namespace coffer::storage::sqlite
