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
inline constexpr int kSchemaVersion = 5;

// Switches `conn`'s database to WAL and applies pending migrations.
// Errors: kFailedPrecondition when the file's version is newer than ours;
// whatever the statements fail with otherwise (nothing is applied then).
Status Migrate(Connection& conn);

// Reads PRAGMA user_version.
Result<int> SchemaVersionOf(Connection& conn);

// The columns of a SecretRecord, in the order ReadSecretRow (sqlite_txn.cc)
// expects; prefix for every SELECT of secrets.
extern const std::string_view kSelectSecret;  // "SELECT <columns> FROM secrets "

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
