// Schema: the numbered migrations of the SQLite engine and the SQL shared by
// the transaction code (the secret column list and the ListSecrets scans).
//
// The database's PRAGMA user_version is the number of the last migration
// applied. Migrate() applies the missing ones, in order, inside one
// BEGIN IMMEDIATE transaction (so two processes opening the same new file do
// not race), and refuses a file whose version is above kSchemaVersion. The
// tables are documented in docs/storage_format.md; a change to the schema is a
// new migration appended to the list in schema.cc, never an edit of an old one.
//
// Thread-safety: the functions are pure or take a Connection the caller owns
// exclusively.
#pragma once

#include <string_view>

#include "coffer/status.h"
#include "storage/sqlite/connection.h"
#include "storage/store.h"

namespace coffer::storage::sqlite {

// The version a database has after Migrate() (the highest migration number).
inline constexpr int kSchemaVersion = 10;

// Switches `conn`'s database to WAL and applies pending migrations.
// Errors: kFailedPrecondition when the file's version is newer than ours;
// whatever the statements fail with otherwise (nothing is applied then).
Status Migrate(Connection& conn);

// Reads PRAGMA user_version.
Result<int> SchemaVersionOf(Connection& conn);

// The columns of a SecretRecord come in three lists (sqlite_txn_secrets.cc
// reads them in this order):
//   list columns (0-11): id, name, arn, description, kms_key_id, created_ms,
//     last_changed_ms, last_accessed_ms, deleted_ms, tags_set,
//     primary_region, replica_of: what every ListSecrets entry shows;
//   account_id, region: known to a scan from its WHERE clause;
//   extra columns (12): type, deletion_date_ms, rotation_configured,
//     rotation_enabled, rotation_lambda_arn, rotation_rules_json,
//     last_rotated_ms, next_rotation_ms, external_rotation_metadata_json,
//     external_rotation_role_arn, owning_service, resource_policy: unset in
//     most secrets; has_extras is 1 when any is set.
// Decoding a column costs ~20 ns even when it is NULL, so a scan reads the
// extra columns only for the rows with has_extras.

// Every column: list columns, account_id, region, extra columns. Prefix for
// the SELECTs of one secret (by id, name, ARN).
extern const std::string_view kSelectSecret;  // "SELECT <columns> FROM secrets "
// The list columns and has_extras: the prefix of ScanSql.
extern const std::string_view kSelectScannedSecret;
// id and the extra columns.
extern const std::string_view kSelectSecretExtras;

// The columns of a VersionRecord, in the order ReadVersion
// (sqlite_txn_secrets.cc) expects; prefix for every SELECT of secret_versions.
extern const std::string_view kSelectVersion;  // "SELECT <columns> FROM secret_versions "

// ListLabeledVersions: the versions of secret ?1 that carry a label, and
// version ?2, oldest first. Looks each one up by (secret_id, version_id):
// walking secret_versions_by_age for the order (the planner's choice for
// `version_id = ?2 OR version_id IN (…)`) fetched every version's row, 50 of
// them for a secret with 50 versions, on every PutSecretValue.
std::string_view LabeledVersionsSql();

// The keyset-paginated scan for ListSecrets. Parameters:
//   ?1 account_id, ?2 region, ?3 include_deleted (0/1), ?4 limit,
//   and when has_position: ?5 after_key (TEXT for kName, INTEGER otherwise),
//   ?6 after_id.
// Each variant walks one index (secrets_by_created, _by_accessed, _by_changed,
// _by_name) forward or backward without a sort step.
std::string_view ScanSql(SecretSort sort, bool descending, bool has_position);

}  // namespace coffer::storage::sqlite
