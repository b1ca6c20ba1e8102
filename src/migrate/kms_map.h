// How `coffer migrate` picks a secret's KMS key on the target: by alias name.
// The source's KmsKeyId (an alias name, an alias ARN, a key id or a key ARN)
// is resolved to an alias with the source's ListAliases; on the target, the
// same alias name if it exists there, else the --kms-key-map entry for it,
// else the target's default key (with a note saying so). The AWS managed
// default key (alias/aws/secretsmanager, or no KmsKeyId) maps to the target's
// default.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "coffer/result.h"

namespace coffer::migrate {

// One ListAliases entry.
struct AliasEntry {
  std::string name;           // alias/app
  std::string target_key_id;  // the key's id (not its ARN); empty for an unused alias
};

// The chosen key. A value type.
struct KmsChoice {
  std::string key_id;   // for CreateSecret's KmsKeyId; empty: the target's default
  std::string note;     // non-empty when the default was chosen for want of a match
  std::string failure;  // non-empty: a mapping names an alias the target lacks
};

// The key id in a key ARN ("arn:aws:kms:r:a:key/ID" -> "ID"), an alias name in
// an alias ARN ("arn:aws:kms:r:a:alias/x" -> "alias/x"); anything else as is.
std::string ShortKeyId(const std::string& key);

// Parses "--kms-key-map alias/src=alias/dst" entries (src may also be a key
// id or ARN). InvalidArgument for an entry without "=" or with an empty side.
Result<std::map<std::string, std::string>> ParseKeyMap(const std::vector<std::string>& entries);

KmsChoice MapKmsKey(const std::string& source_kms_key_id,
                    const std::vector<AliasEntry>& source_aliases,
                    const std::vector<AliasEntry>& target_aliases,
                    const std::map<std::string, std::string>& key_map);

}  // namespace coffer::migrate
