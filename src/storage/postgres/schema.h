// The PostgreSQL engine's schema: its migrations, recorded in the table
// coffer_schema (one row per migration applied: version, applied_ms), and
// the runner that applies the missing ones.
//
// The first migration is numbered 10: it creates, in one step, what the
// SQLite engine's migrations 1-10 built (storage/sqlite/migrations.cc),
// translated to PostgreSQL types (BIGINT for integers and millisecond
// times, BOOLEAN for flags, BYTEA for sealed blobs, TEXT COLLATE "C" so that
// every order is bytewise as in SQLite). A later schema change takes the
// next number in both engines. docs/postgres.md lists the differences.
//
// Migrate() runs under a session advisory lock (kMigrationLockKey), so of
// two nodes starting at once on an empty database one migrates and the
// other waits, then finds nothing to do. Each migration and its version row
// commit together.
//
// Thread-safety: functions over a Connection the caller owns exclusively.
#pragma once

#include "coffer/result.h"
#include "pg/connection.h"

namespace coffer::storage::postgres {

// The schema version the code reads and writes (the SQLite engine's too).
inline constexpr int kPgSchemaVersion = 10;

// Applies the missing migrations; returns how many it applied.
// Errors: kFailedPrecondition when the database's version is above ours;
// otherwise what the statements fail with (nothing of a failed migration is
// applied).
Result<int> Migrate(pg::Connection& conn);

// The highest version in coffer_schema (0: none, or no such table).
Result<int> SchemaVersionOf(pg::Connection& conn);

}  // namespace coffer::storage::postgres
