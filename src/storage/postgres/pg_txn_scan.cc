// PgTxn: reading many secrets at once: ScanSecrets (a page of ListSecrets,
// keyset-paginated on (sort key, id) as in the SQLite engine), and the
// secrets background work looks for (purge, rotation, unfinished rotations,
// replicas of a primary).
#include <array>
#include <charconv>
#include <string>

#include "storage/postgres/pg_txn.h"
#include "storage/postgres/secret_columns.h"
#include "storage/scan_sql.h"

namespace coffer::storage::postgres {
namespace {

const std::string& ScanSql(SecretSort sort, bool descending, bool has_position) {
  static const ScanSqlTable kScans(kSelectSecret, '$');
  return kScans.Get(sort, descending, has_position);
}

}  // namespace

Result<std::vector<SecretRecord>> PgTxn::ScanSecrets(const SecretScan& scan) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  const bool has_position = scan.has_position && !scan.after_key.empty();
  int64_t after_ms = 0;
  if (has_position && scan.sort != SecretSort::kName) {
    const char* end = scan.after_key.data() + scan.after_key.size();
    auto parsed = std::from_chars(scan.after_key.data(), end, after_ms);
    if (parsed.ec != std::errc() || parsed.ptr != end) {
      return Status::InvalidArgument("", "invalid pagination position");
    }
  }
  pg::Params p;
  p.Text(scan.account_id).Text(scan.region).Bool(scan.include_deleted).Int(ClampLimit(scan.limit));
  if (has_position) {
    if (scan.sort == SecretSort::kName) {
      p.Text(scan.after_key);
    } else {
      p.Int(after_ms);
    }
    p.Int(scan.after_id);
  }
  return QuerySecrets(ScanSql(scan.sort, scan.descending, has_position), p, "ScanSecrets");
}

Result<std::vector<SecretRecord>> PgTxn::SecretsDueForPurge(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectSecret) +
                                  "WHERE deletion_date_ms IS NOT NULL AND deletion_date_ms <= $1 "
                                  "ORDER BY deletion_date_ms, id LIMIT $2";
  pg::Params p;
  p.Int(now_ms).Int(ClampLimit(limit));
  return QuerySecrets(kSql, p, "SecretsDueForPurge");
}

Result<std::vector<SecretRecord>> PgTxn::SecretsDueForRotation(int64_t now_ms, size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  // The WHERE clause repeats secrets_by_rotation's, so the partial index serves it.
  static const std::string kSql = std::string(kSelectSecret) +
                                  "WHERE rotation_enabled AND next_rotation_ms IS NOT NULL "
                                  "AND next_rotation_ms <= $1 ORDER BY next_rotation_ms, id "
                                  "LIMIT $2";
  pg::Params p;
  p.Int(now_ms).Int(ClampLimit(limit));
  return QuerySecrets(kSql, p, "SecretsDueForRotation");
}

Result<std::vector<SecretRecord>> PgTxn::SecretsWithPendingRotation(int64_t after_id,
                                                                    size_t limit) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql =
      std::string(kSelectSecret) +
      "WHERE rotation_enabled AND id > $1 AND EXISTS (SELECT 1 FROM secret_stages AS p "
      "WHERE p.secret_id = secrets.id AND p.label = 'AWSPENDING' AND NOT EXISTS (SELECT 1 "
      "FROM secret_stages AS c WHERE c.secret_id = secrets.id AND c.label = 'AWSCURRENT' "
      "AND c.version_id = p.version_id)) ORDER BY id LIMIT $2";
  pg::Params p;
  p.Int(after_id).Int(ClampLimit(limit));
  return QuerySecrets(kSql, p, "SecretsWithPendingRotation");
}

Result<std::vector<SecretRecord>> PgTxn::ListReplicas(int64_t primary_id) {
  COFFER_RETURN_IF_ERROR(Ready(false));
  static const std::string kSql = std::string(kSelectSecret) + "WHERE replica_of = $1 ORDER BY id";
  pg::Params p;
  p.Int(primary_id);
  return QuerySecrets(kSql, p, "ListReplicas");
}

}  // namespace coffer::storage::postgres
