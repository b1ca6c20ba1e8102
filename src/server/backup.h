// Backup and restore of a data directory (issue 25 item 1;
// docs/operations.md "Backup and restore"), for the embedded SQLite store:
//
//   coffer backup  --data-dir DIR --out FILE [--include-root-key] [--root-key-file F]
//   coffer restore --from FILE --data-dir DIR [--root-key-file F] [--replace]
//
// `backup` runs while `coffer serve` serves: a consistent snapshot of
// DIR/coffer.db (SQLite's VACUUM INTO, one read transaction) written to
// FILE.tmp, checked to open with the root key, given a manifest table
// (format, time, schema version, and the root key only with
// --include-root-key, which it then says loudly), made 0600, synced and
// renamed to FILE. Without the root key the file alone decrypts nothing:
// keep the key elsewhere.
//
// `restore` takes DIR's lock (no server may run on it), reads the manifest,
// takes the root key from the file or as serve does (--root-key-file,
// COFFER_ROOT_KEY, DIR/root.key), and checks on a copy that the key opens
// the backup's access keys before anything in DIR is replaced. Then it
// renames the copy over DIR/coffer.db (only with --replace when one
// exists), writes DIR/root.key when the file carried it, and writes
// DIR/credentials for the default account's administrator from its sealed
// key. The audit trail is not part of a backup (it is a log; keep it with
// your logs).
//
// PostgreSQL stores are backed up with PostgreSQL's own tools (pg_dump,
// base backups); both commands refuse a --store-url/COFFER_STORE_URL.
//
// Thread-safety: call once, from main.
#pragma once

namespace coffer::server {

// argv[0] is "backup" / "restore". Exit codes: 0 done, 1 failed, 2 usage.
int BackupMain(int argc, char** argv);
int RestoreMain(int argc, char** argv);

}  // namespace coffer::server
