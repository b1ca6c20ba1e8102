#include "storage/sqlite/schema.h"

#include "storage/scan_sql.h"
#include "storage/sqlite/migrations.h"

#include <array>
#include <string>

namespace coffer::storage::sqlite {
namespace {

Status ExecScript(Connection& conn, const std::string& sql, const char* op) {
  int rc = sqlite3_exec(conn.db(), sql.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : conn.Error(rc, op);
}

Status CheckForeignKeys(Connection& conn) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn.Prepare("PRAGMA foreign_key_check"));
  Stmt st(conn, s, "migrate");
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) {
    return Status::Internal("sqlite migrate: a foreign key of table " + st.ColText(0) +
                            " has no parent row");
  }
  return Status::Ok();
}

// Applies the migrations above the file's version, then checks the foreign
// keys if any was applied: the check reads every child table (0.5 s at
// 1,000,000 secrets), so it must not run at every start-up.
Status MigrateLocked(Connection& conn) {
  COFFER_ASSIGN_OR_RETURN(int current, SchemaVersionOf(conn));
  if (current > kSchemaVersion) {
    return Status::FailedPrecondition(
        "", "the database was written by a newer version of Coffer (schema version " +
                std::to_string(current) + ", this build knows " + std::to_string(kSchemaVersion) +
                ")");
  }
  int applied = 0;
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    COFFER_RETURN_IF_ERROR(ExecScript(conn, m.sql, "migrate"));
    COFFER_RETURN_IF_ERROR(
        ExecScript(conn, "PRAGMA user_version = " + std::to_string(m.version), "migrate"));
    ++applied;
  }
  return applied > 0 ? CheckForeignKeys(conn) : Status::Ok();
}

}  // namespace

// The three column lists, and the SELECTs built from them, as literals (the
// SQL texts must live for the process, Connection::Prepare keeps pointers).
#define COFFER_SECRET_LIST_COLUMNS                                        \
  "id, name, arn, description, kms_key_id, created_ms, last_changed_ms, " \
  "last_accessed_ms, deleted_ms, tags_set, primary_region, replica_of"
#define COFFER_SECRET_EXTRA_COLUMNS                                                      \
  "type, deletion_date_ms, rotation_configured, rotation_enabled, rotation_lambda_arn, " \
  "rotation_rules_json, last_rotated_ms, next_rotation_ms, "                             \
  "external_rotation_metadata_json, external_rotation_role_arn, owning_service, "        \
  "resource_policy"

const std::string_view kSelectSecret =
    "SELECT " COFFER_SECRET_LIST_COLUMNS ", account_id, region, " COFFER_SECRET_EXTRA_COLUMNS
    " FROM secrets ";
const std::string_view kSelectScannedSecret =
    "SELECT " COFFER_SECRET_LIST_COLUMNS ", has_extras FROM secrets ";
const std::string_view kSelectSecretExtras =
    "SELECT id, " COFFER_SECRET_EXTRA_COLUMNS " FROM secrets ";
#undef COFFER_SECRET_LIST_COLUMNS
#undef COFFER_SECRET_EXTRA_COLUMNS

const std::string_view kSelectVersion =
    "SELECT secret_id, version_id, created_ms, last_accessed_ms, kms_key_arn, has_value, "
    "is_binary, sealed_value FROM secret_versions ";

std::string_view LabeledVersionsSql() {
  // `+created_ms`: ordering by an expression keeps the planner from walking
  // an index in that order; the few rows found are sorted instead.
  static const std::string kSql =
      std::string(kSelectVersion) +
      "WHERE secret_id = ?1 AND version_id IN (SELECT version_id FROM secret_stages "
      "WHERE secret_id = ?1 UNION ALL SELECT ?2) ORDER BY +created_ms, secret_versions.rowid";
  return kSql;
}

Result<int> SchemaVersionOf(Connection& conn) {
  COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn.Prepare("PRAGMA user_version"));
  Stmt st(conn, s, "schema version");
  COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("sqlite schema version: no row");
  return static_cast<int>(st.ColInt(0));
}

Status Migrate(Connection& conn) {
  {
    COFFER_ASSIGN_OR_RETURN(sqlite3_stmt * s, conn.Prepare("PRAGMA journal_mode = WAL"));
    Stmt st(conn, s, "enable wal");
    COFFER_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.ColText(0) != "wal") return Status::Internal("sqlite: could not enable WAL");
  }
  // Foreign keys off while migrating (the pragma is a no-op inside a
  // transaction): a migration that rebuilds a parent table must not cascade
  // its DROP to the children. MigrateLocked's foreign_key_check proves the
  // result consistent before COMMIT.
  COFFER_RETURN_IF_ERROR(conn.Exec("PRAGMA foreign_keys = OFF", "migrate"));
  Status s = conn.Exec("BEGIN IMMEDIATE", "migrate");
  if (s.ok()) s = MigrateLocked(conn);
  if (s.ok()) s = conn.Exec("COMMIT", "migrate");
  if (!s.ok() && !sqlite3_get_autocommit(conn.db())) (void)conn.Exec("ROLLBACK", "migrate");
  Status on = conn.Exec("PRAGMA foreign_keys = ON", "migrate");
  return s.ok() ? on : s;
}

std::string_view ScanSql(SecretSort sort, bool descending, bool has_position) {
  // Built once; the strings live for the process, as Connection::Prepare needs.
  static const ScanSqlTable kScans(kSelectScannedSecret, '?');
  return kScans.Get(sort, descending, has_position);
}

}  // namespace coffer::storage::sqlite
