// PgTxn: the secret_versions and secret_stages tables. A version's labels
// are read with it, in the same statement; each
// label row carries its version's place in the version order
// (version_created_ms, version_seq: the version's created_ms and row_seq), so
// ListStagedVersions reads a page's labelled versions from secret_stages
// alone, as in the SQLite engine (its migration 5).
#include <string>
#include <utility>

#include "storage/postgres/pg_txn.h"

namespace coffer::storage::postgres {
namespace {

// With the version's labels, sorted: a version is one statement.
constexpr std::string_view kSelectVersion =
    "SELECT secret_id, version_id, created_ms, last_accessed_ms, kms_key_arn, has_value, "
    "is_binary, sealed_value, ARRAY(SELECT label FROM secret_stages AS s "
    "WHERE s.secret_id = secret_versions.secret_id AND s.version_id = secret_versions.version_id "
    "ORDER BY label) FROM secret_versions ";

VersionRecord ReadVersion(const pg::Rows& rows, int i) {
  VersionRecord v;
  v.secret_id = rows.Int(i, 0);
  v.version_id = rows.Text(i, 1);
  v.created_ms = rows.Int(i, 2);
  v.last_accessed_ms = rows.OptInt(i, 3);
  v.kms_key_arn = rows.Text(i, 4);
  v.has_value = rows.Bool(i, 5);
  v.is_binary = rows.Bool(i, 6);
  v.sealed_value = rows.Text(i, 7);
  v.stages = rows.TextArray(i, 8);
  return v;
}

}  // namespace

Result<std::vector<VersionRecord>> PgTxn::QueryVersions(std::string_view sql,
                                                        const pg::Params& params, const char* op) {
  COFFER_ASSIGN_OR_RETURN(pg::Rows rows, Run(sql, params, op));
  std::vector<VersionRecord> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) out.push_back(ReadVersion(rows, i));
  return out;
}

Result<Row<VersionRecord>> PgTxn::GetVersion(int64_t secret_id, std::string_view version_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectVersion) + "WHERE secret_id = $1 AND version_id = $2";
  pg::Params p;
  p.Int(secret_id).Text(version_id);
  COFFER_ASSIGN_OR_RETURN(std::vector<VersionRecord> rows, QueryVersions(kSql, p, "GetVersion"));
  if (rows.empty()) return Row<VersionRecord>();
  return Row<VersionRecord>::Of(std::move(rows.front()));
}

Result<Row<VersionRecord>> PgTxn::GetVersionByStage(int64_t secret_id, std::string_view stage) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectVersion) +
      "WHERE secret_id = $1 AND version_id = (SELECT version_id FROM secret_stages "
      "WHERE secret_id = $1 AND label = $2)";
  pg::Params p;
  p.Int(secret_id).Text(stage);
  COFFER_ASSIGN_OR_RETURN(std::vector<VersionRecord> rows,
                          QueryVersions(kSql, p, "GetVersionByStage"));
  if (rows.empty()) return Row<VersionRecord>();
  return Row<VersionRecord>::Of(std::move(rows.front()));
}

Result<std::vector<VersionRecord>> PgTxn::ListVersions(int64_t secret_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectVersion) + "WHERE secret_id = $1 ORDER BY created_ms, row_seq";
  pg::Params p;
  p.Int(secret_id);
  return QueryVersions(kSql, p, "ListVersions");
}

Result<std::vector<VersionRecord>> PgTxn::ListLabeledVersions(int64_t secret_id,
                                                              std::string_view also) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectVersion) +
      "WHERE secret_id = $1 AND version_id IN (SELECT version_id FROM secret_stages "
      "WHERE secret_id = $1 UNION ALL SELECT $2) ORDER BY created_ms, row_seq";
  pg::Params p;
  p.Int(secret_id).Text(also);
  return QueryVersions(kSql, p, "ListLabeledVersions");
}

Result<int64_t> PgTxn::CountVersions(int64_t secret_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  pg::Params p;
  p.Int(secret_id);
  COFFER_ASSIGN_OR_RETURN(
      pg::Rows rows,
      Run("SELECT count(*) FROM secret_versions WHERE secret_id = $1", p, "CountVersions"));
  return rows.empty() ? int64_t{0} : rows.Int(0, 0);
}

// Rows in version order within each secret; a version's labels are adjacent
// and sorted.
Result<std::vector<VersionRecord>> PgTxn::ListStagedVersions(
    const std::vector<int64_t>& secret_ids) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  std::vector<VersionRecord> out;
  if (secret_ids.empty()) return out;
  pg::Params p;
  p.IntArray(secret_ids);
  COFFER_ASSIGN_OR_RETURN(
      pg::Rows rows,
      Run("SELECT secret_id, version_id, version_created_ms, label FROM secret_stages "
          "WHERE secret_id = ANY($1) ORDER BY secret_id, version_created_ms, version_seq, label",
          p, "ListStagedVersions"));
  for (int i = 0; i < rows.size(); ++i) {
    const int64_t secret_id = rows.Int(i, 0);
    const std::string_view version_id = rows.View(i, 1);
    if (out.empty() || out.back().secret_id != secret_id || out.back().version_id != version_id) {
      VersionRecord& v = out.emplace_back();
      v.secret_id = secret_id;
      v.version_id = std::string(version_id);
      v.created_ms = rows.Int(i, 2);
    }
    out.back().stages.push_back(rows.Text(i, 3));
  }
  return out;
}

Status PgTxn::PutVersion(const VersionRecord& r) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Int(r.secret_id).Text(r.version_id).Int(r.created_ms).OptInt(r.last_accessed_ms);
    p.Text(r.kms_key_arn).Bool(r.has_value).Bool(r.is_binary).Bytes(r.sealed_value);
    // (xmax = 0): the row was inserted, not updated by the upsert.
    COFFER_ASSIGN_OR_RETURN(
        pg::Rows rows,
        Run("INSERT INTO secret_versions (secret_id, version_id, created_ms, last_accessed_ms, "
            "kms_key_arn, has_value, is_binary, sealed_value) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (secret_id, version_id) DO UPDATE SET "
            "created_ms = excluded.created_ms, last_accessed_ms = excluded.last_accessed_ms, "
            "kms_key_arn = excluded.kms_key_arn, has_value = excluded.has_value, "
            "is_binary = excluded.is_binary, sealed_value = excluded.sealed_value "
            "RETURNING row_seq, (xmax = 0)",
            p, "PutVersion"));
    if (rows.empty()) return Status::Internal("postgres PutVersion: no row returned");
    const int64_t seq = rows.Int(0, 0);
    if (!rows.Bool(0, 1)) {
      // An updated version may have labels to replace (and a new created_ms).
      pg::Params clear;
      clear.Int(r.secret_id).Text(r.version_id);
      COFFER_RETURN_IF_ERROR(
          Run("DELETE FROM secret_stages WHERE secret_id = $1 AND version_id = $2", clear,
              "PutVersion")
              .status());
    }
    if (r.stages.empty()) return Status::Ok();
    std::vector<std::string_view> labels(r.stages.begin(), r.stages.end());
    pg::Params ins;
    ins.Int(r.secret_id).TextArray(labels).Text(r.version_id).Int(r.created_ms).Int(seq);
    return Run("INSERT INTO secret_stages (secret_id, label, version_id, version_created_ms, "
               "version_seq) SELECT $1, unnest($2::text[]), $3, $4, $5",
               ins, "PutVersion")
        .status();
  });
}

Status PgTxn::DeleteVersion(int64_t secret_id, std::string_view version_id) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Int(secret_id).Text(version_id);
    return Run("WITH v AS (DELETE FROM secret_versions WHERE secret_id = $1 AND version_id = $2) "
               "DELETE FROM secret_stages WHERE secret_id = $1 AND version_id = $2",
               p, "DeleteVersion")
        .status();
  });
}

Status PgTxn::RemoveStage(int64_t secret_id, std::string_view label) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Int(secret_id).Text(label);
    return Run("DELETE FROM secret_stages WHERE secret_id = $1 AND label = $2", p, "RemoveStage")
        .status();
  });
}

Status PgTxn::MoveStage(int64_t secret_id, std::string_view version_id, std::string_view label) {
  return Atomically([&]() -> Status {
    pg::Params p;
    p.Int(secret_id).Text(label).Text(version_id);
    // With the version's place in the version order; no row if the version
    // does not exist.
    COFFER_ASSIGN_OR_RETURN(
        pg::Rows rows,
        Run("INSERT INTO secret_stages (secret_id, label, version_id, version_created_ms, "
            "version_seq) SELECT $1, $2, $3, created_ms, row_seq FROM secret_versions "
            "WHERE secret_id = $1 AND version_id = $3 "
            "ON CONFLICT (secret_id, label) DO UPDATE SET version_id = excluded.version_id, "
            "version_created_ms = excluded.version_created_ms, "
            "version_seq = excluded.version_seq",
            p, "MoveStage"));
    if (rows.affected() == 0) return Status::NotFound("", "version not found");
    return Status::Ok();
  });
}

}  // namespace coffer::storage::postgres
