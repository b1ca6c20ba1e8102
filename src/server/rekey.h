// Root-key rotation (issue 25 item 2; docs/operations.md "Rotating the root
// key"), offline, for the embedded SQLite store:
//
//   coffer rekey --data-dir DIR --new-root-key-file NEW [--root-key-file OLD]
//
// Everything the root key seals — every access key's secret and every
// version of every KMS key's material (secret values are sealed by data keys
// under that material, so they are not touched) — is opened with the old key
// and sealed with the new one in ONE write transaction, so the database is
// either wholly under the old key or wholly under the new one.
//
// When the old key is DIR/root.key (no --root-key-file, no COFFER_ROOT_KEY),
// the new key is first written to DIR/root.key.next (0600, synced); after
// the commit it is renamed over DIR/root.key. A kill -9 at any moment leaves:
//   * before the commit: the old database and root.key (a stale .next, which
//     the next start deletes);
//   * after the commit, before the rename: the new database, the old
//     root.key and the new .next: the next start (FinishInterruptedRekey)
//     finds that root.key no longer opens the database and .next does, and
//     completes the rename;
//   * after the rename: done.
// With the old key elsewhere the operator moves the keys: the command says
// which to start with. Either way the old key opens nothing afterwards.
// Temporary STS credentials and page tokens issued under the old key stop
// working.
//
// Thread-safety: call once, from main, with no server on DIR (it takes
// DIR's lock).
#pragma once

#include "coffer/result.h"
#include "server/bootstrap.h"
#include "server/config.h"

namespace coffer::server {

// argv[0] is "rekey". Exit codes: 0 done, 1 failed, 2 usage.
int RekeyMain(int argc, char** argv);

// For OpenDataDir, when the root key does not open DIR's database: completes
// a rekey stopped after its commit (see above). true when it did (dd's
// barrier and token key are then the new key's); false when there is no
// such rekey to finish.
Result<bool> FinishInterruptedRekey(const Config& config, DataDir& dd);
// For OpenDataDir, when the root key opens the database: deletes a
// DIR/root.key.next left by a rekey stopped before its commit.
void DropStaleNextKey(const Config& config);

}  // namespace coffer::server
