// Snapshots of a SQLite database for `coffer backup` and `coffer restore`
// (issue 25; docs/operations.md "Backup and restore"): a consistent copy of
// a live database (VACUUM INTO, in one read transaction, while a server
// writes), and a small manifest table the backup file carries beside the
// data (format, time, schema version, optionally the root key).
//
// Thread-safety: plain functions over their own connections.
#pragma once

#include <map>
#include <string>

#include "coffer/result.h"

namespace coffer::storage::sqlite {

// Writes a consistent copy of the database at `db_path` to `out_path`
// (which must not exist). Readers and a writer of `db_path` carry on.
Status SnapshotInto(const std::string& db_path, const std::string& out_path);

// The manifest table of a backup file: name → value.
Status WriteManifest(const std::string& path, const std::map<std::string, std::string>& entries);
// kNotFound when `path` is not a Coffer backup (no manifest table);
// kDataLoss when it is not a SQLite database.
Result<std::map<std::string, std::string>> ReadManifest(const std::string& path);
// Removes the manifest table (a restored database is a plain one again).
Status DropManifest(const std::string& path);

}  // namespace coffer::storage::sqlite
