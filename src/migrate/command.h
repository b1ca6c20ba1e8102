// `coffer migrate`: copies every secret between two Secrets Manager endpoints
// (AWS, LocalStack, another Coffer) with its versions and labels,
// description, tags, resource policy, rotation rules and KMS key by alias
// (migrator.h). docs/operations.md, "Migrating in and out".
//
//   coffer migrate [--from-endpoint URL] [--from-profile P] [--from-region R]
//                  [--to-endpoint URL] [--to-profile P] [--to-region R]
//                  [--dry-run] [--name-prefix PFX] [--kms-key-map alias/src=alias/dst ...]
//
// Exit status: 0 when every secret is copied or already there, 1 when any
// failed or a side cannot be reached, 2 for a bad command line.
// Thread-safety: a process entry point; call once.
#pragma once

namespace coffer::migrate {

// argv[0] is "migrate".
int MigrateMain(int argc, char** argv);

}  // namespace coffer::migrate
