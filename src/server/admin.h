// Admin: `coffer admin …`, operator commands run against a data directory,
// safe while `coffer serve` runs on it (SQLite serialises the writers; admin
// never takes serve's exclusive data-directory lock).
//
//   coffer admin access-key list       --data-dir DIR
//   coffer admin access-key create     --data-dir DIR [--account-id ID] [--principal-arn ARN]
//   coffer admin access-key deactivate --data-dir DIR --access-key-id AKID
//   coffer admin access-key activate   --data-dir DIR --access-key-id AKID
//   coffer admin access-key delete     --data-dir DIR --access-key-id AKID
//   coffer admin account create  --data-dir DIR --name NAME [--credentials-out FILE]
//   coffer admin account list    --data-dir DIR
//   coffer admin account disable --data-dir DIR --account-id ID
//   coffer admin account enable  --data-dir DIR --account-id ID
//   (each also takes --root-key-file F; else COFFER_ROOT_KEY_FILE,
//    COFFER_ROOT_KEY, DIR/root.key, as serve)
//
// The root key is needed because an access key's status is bound into its
// sealed secret (credential_cache.h): activating or deactivating reseals it.
// A running server notices every change within its auth poll interval
// (auth_poll_interval_ms, 250 ms by default). `create` prints the new key in
// the shared-credentials format, the only time its secret is shown. Until the
// IAM API lands (issue 20) this is how keys are revoked.
//
// `account create` makes a 12-digit account and its administrator
// (arn:aws:iam::ID:user/admin) in one transaction and writes the
// administrator's key in the shared-credentials format to --credentials-out
// (0600, never overwriting a file) or stdout. `account disable` refuses every
// key of the account on running servers within the auth poll interval (the
// status change moves the auth generation); its data stays.
//
// Thread-safety: call once, from main.
#pragma once

namespace coffer::server {

// argv[0] is "admin". Returns the process exit code: 0 done, 1 failed,
// 2 usage error.
int AdminMain(int argc, char** argv);

}  // namespace coffer::server
