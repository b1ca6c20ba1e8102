// Seeding (issue 25 item 6; docs/operations.md "Seeding for development and
// CI"): `coffer serve --seed FILE` (TOML `seed`, COFFER_SEED) applies a JSON
// file of KMS keys, secrets and IAM users to the default account at every
// start, like LocalStack's init hooks, before the server listens:
//
//   {"Region": "us-east-1",
//    "KmsKeys": [{"AliasName": "alias/app", "Description": "…"}],
//    "Secrets": [{"Name": "prod/db", "SecretString": "…", "KmsKeyId": "alias/app",
//                 "Description": "…", "Tags": [{"Key": "team", "Value": "data"}],
//                 "ResourcePolicy": {…}}],
//    "Users": [{"UserName": "ci", "Policies": {"read": {…policy document…}}}]}
//
// Members are the APIs' own (CreateSecret's, CreateKey's, CreateUser's),
// so an entry can be copied from `--cli-input-json`. Idempotent: a key
// whose alias exists, a secret whose name exists and a user that exists are
// left as they are (a seed never overwrites a value someone changed); a
// user's policies are put again. The whole file is checked before anything
// is applied; an error names the entry. Values never reach the log.
//
// Thread-safety: call once, at start, before the server serves.
#pragma once

#include <string>

#include "coffer/result.h"
#include "common/clock.h"
#include "iam/service.h"
#include "kms/service.h"
#include "secrets/service.h"

namespace coffer::server {

struct SeedReport {
  int created = 0;  // keys, secrets and users made now
  int existing = 0;  // left as they were
};

// Applies the seed at `path` to `account_id` (in the file's Region, else
// `region`) as Coffer's own work (no caller to authorize).
Result<SeedReport> ApplySeed(const std::string& path, const std::string& account_id,
                             const std::string& region, secrets::Service& secrets,
                             kms::Service& kms, iam::Service& iam, const Clock& clock);

}  // namespace coffer::server
