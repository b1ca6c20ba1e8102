// Migrator: copies every secret of one Secrets Manager endpoint to another
// (`coffer migrate`, command.h): for each secret it reads both sides
// (endpoint.h), plans (plan.h, kms_map.h) and writes what the target lacks:
// CreateSecret without a value, PutSecretValue per version with the source
// version id as ClientRequestToken and the source's labels, then
// UpdateSecretVersionStage until the labels sit where the source has them,
// TagResource, PutResourcePolicy, RotateSecret (RotateImmediately=false; a
// refusal is a note, not a failure). Every step is idempotent, so a run
// after a crash continues where the last one stopped. Values pass through
// memory only and are wiped; they are never printed.
//
// Thread-safety: one Migrator runs on one thread.
#pragma once

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "coffer/result.h"
#include "migrate/endpoint.h"
#include "migrate/kms_map.h"
#include "migrate/plan.h"

namespace coffer::migrate {

struct MigrateOptions {
  bool dry_run = false;
  std::string name_prefix;
  std::map<std::string, std::string> key_map;  // ParseKeyMap's
};

// What a run did. A value type.
struct MigrateSummary {
  int total = 0;
  int copied = 0;         // something was written (or, dry run: would be)
  int already_there = 0;  // nothing to write
  std::vector<std::pair<std::string, std::string>> failed;  // name, reason
};

class Migrator {
 public:
  // `progress` gets a line per secret and the notes; `plan_out` the dry
  // run's plan (stdout).
  Migrator(const Side& source, const Side& target, MigrateOptions options, std::FILE* progress,
           std::FILE* plan_out);

  // Lists the source and migrates each secret. An error only when the
  // source cannot be listed or the target cannot be reached; per-secret
  // failures are in the summary.
  Result<MigrateSummary> Run();

 private:
  // One secret: "copied", "already there", or an error saying why not.
  Result<bool> MigrateOne(const std::string& name, std::vector<std::string>& notes);
  Result<KmsChoice> ChooseKey(const SecretState& source, const std::optional<SecretState>& target);
  Status CopyVersion(const std::string& name, const VersionInfo& version,
                     const std::vector<std::string>& stages);
  Status CompareVersion(const std::string& name, const std::string& version_id);
  Status FixLabels(const SecretState& source, std::vector<std::string>& notes);

  const Side& source_;
  const Side& target_;
  const MigrateOptions options_;
  std::FILE* const progress_;
  std::FILE* const plan_out_;
  std::optional<std::vector<AliasEntry>> source_aliases_;  // loaded when first needed
  std::optional<std::vector<AliasEntry>> target_aliases_;
  std::string source_aliases_error_;  // why the source's ListAliases failed, if it did
};

}  // namespace coffer::migrate
