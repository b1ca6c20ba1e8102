// The planning half of `coffer migrate`: what one secret looks like on each
// side (without its values), and what must be written on the target so that
// it holds everything the source has. Pure functions over value types, so
// the diff rules are unit-tested without a server (plan_test.cc).
//
// Rules (docs/operations.md, "Migrating in and out"):
//   * nothing on the target is ever deleted or overwritten: a missing secret
//     is created, missing versions are put (source version id as
//     ClientRequestToken, oldest first, with their labels), missing tags are
//     added, a missing description, resource policy or rotation is set;
//     values that differ (a tag's, the description, the policy, the KMS key)
//     are kept as the target has them and reported as notes;
//   * staging labels follow the source, except a label the target holds on a
//     version the source does not have (written on the target itself), which
//     is left where it is and reported;
//   * KMS keys map by alias name (kms.h's MapKmsKey).
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace coffer::migrate {

// One version of a secret and its staging labels (ListSecretVersionIds).
struct VersionInfo {
  std::string id;
  std::vector<std::string> stages;
  int64_t created_ms = 0;
};

// What DescribeSecret, GetResourcePolicy and ListSecretVersionIds say of one
// secret on one side. No values. A value type.
struct SecretState {
  std::string name;
  std::string arn;
  std::string description;
  std::string kms_key_id;  // as DescribeSecret answers it; empty: the default key
  std::vector<std::pair<std::string, std::string>> tags;  // in the source's order
  std::optional<std::string> policy;                      // the JSON document
  bool rotation_enabled = false;
  std::string rotation_lambda_arn;
  std::string rotation_rules_json;  // the RotationRules object as JSON, "" when none
  bool scheduled_for_deletion = false;
  std::vector<VersionInfo> versions;  // labelled versions (IncludeDeprecated=false)
};

// A staging label to move on the target (UpdateSecretVersionStage).
struct LabelMove {
  std::string label;
  std::string to_version;
  std::string from_version;  // empty: no version holds it on the target
  bool operator==(const LabelMove&) const = default;
};

// What to do for one secret. A value type.
struct SecretPlan {
  std::string name;
  bool create = false;                         // CreateSecret (name, description, tags, kms_key_id)
  std::string kms_key_id;                      // for CreateSecret; empty: the target's default key
  std::optional<std::string> set_description;  // UpdateSecret Description (existing secret)
  std::vector<VersionInfo> put_versions;       // PutSecretValue, oldest first
  std::vector<std::string> compare_versions;   // on both sides: values compared
  std::vector<std::pair<std::string, std::string>> add_tags;  // TagResource
  std::optional<std::string> put_policy;                      // PutResourcePolicy
  bool set_rotation = false;                                  // RotateSecret, not immediately
  std::vector<LabelMove> label_moves;  // expected after the puts (the run re-reads the target)
  std::vector<std::string> notes;      // what is left as it is, and why (no values)
  std::string failure;                 // non-empty: the secret cannot be migrated

  // Whether anything would be written.
  bool HasWrites() const {
    return create || set_description || !put_versions.empty() || !add_tags.empty() || put_policy ||
           set_rotation || !label_moves.empty();
  }
};

// The plan for `source` against `target` (nullopt: not on the target).
// `target_kms_key_id` is the key chosen for a new secret (MapKmsKey's).
SecretPlan PlanSecret(const SecretState& source, const std::optional<SecretState>& target,
                      const std::string& target_kms_key_id);

// `versions` after putting `added` in order with their labels, moving labels
// as Secrets Manager does: a label leaves the version that held it, and the
// version AWSCURRENT leaves gets AWSPREVIOUS. For the dry run's label moves.
std::vector<VersionInfo> ApplyPuts(std::vector<VersionInfo> versions,
                                   const std::vector<VersionInfo>& added);

// The moves that give each source label the source's version on the target,
// AWSCURRENT first, then AWSPREVIOUS, then the others by name. A label held on
// the target by a version the source lacks is left and named in `notes`.
// After AWSCURRENT moves the target moves AWSPREVIOUS by itself, so the run
// applies the first move, re-reads the target and plans again.
std::vector<LabelMove> PlanLabelMoves(const std::vector<VersionInfo>& source,
                                      const std::vector<VersionInfo>& target,
                                      std::vector<std::string>* notes);

// Label -> version id.
std::map<std::string, std::string> LabelHolders(const std::vector<VersionInfo>& versions);

// The one-line summary of a plan for the dry run and the progress lines:
// "create, 3 versions, 2 tags, policy, rotation, 1 label move".
std::string DescribePlan(const SecretPlan& plan);

}  // namespace coffer::migrate
