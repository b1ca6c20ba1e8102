// Staging-label movement over one secret's versions (aws-compat §1.4, traces
// A–D of §1.4b), kept in memory for the length of one request and written back
// through a storage transaction.
//
// Rules:
//   * a label sits on at most one version; a version has at most 20 labels;
//   * a new version (PutSecretValue/UpdateSecret) gets the requested labels,
//     or AWSCURRENT when none are requested; each label moves from wherever it
//     was. When AWSCURRENT moves, the version it left gets AWSPREVIOUS (taken
//     from its former holder) and loses AWSPENDING;
//   * UpdateSecretVersionStage moves one label; a label held elsewhere must be
//     named by RemoveFromVersionId; moving AWSCURRENT moves AWSPREVIOUS to the
//     version it left, other labels stay;
//   * versions without labels are deprecated; beyond 100 versions the oldest
//     deprecated ones older than 24 h are removed.
//
// Thread-safety: a VersionSet belongs to one request (one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::secrets {

inline constexpr std::string_view kAwsCurrent = "AWSCURRENT";
inline constexpr std::string_view kAwsPrevious = "AWSPREVIOUS";
inline constexpr std::string_view kAwsPending = "AWSPENDING";
inline constexpr size_t kMaxStagesPerVersion = 20;
inline constexpr size_t kMaxVersions = 100;
inline constexpr int64_t kVersionGraceMs = 24LL * 60 * 60 * 1000;

class VersionSet {
 public:
  // `versions`: versions of one secret as loaded, oldest first: all of them,
  // or (when no pruning can be due) at least every labelled version and the
  // one being written, which are all that label moves touch.
  explicit VersionSet(std::vector<storage::VersionRecord> versions);

  const std::vector<storage::VersionRecord>& versions() const { return current_; }
  const storage::VersionRecord* Find(std::string_view version_id) const;
  const storage::VersionRecord* Holder(std::string_view label) const;

  // Adds `fresh` (no labels yet) with `stages`; empty = [AWSCURRENT].
  // LimitExceededException when a version would carry more than 20 labels.
  Status AddVersion(storage::VersionRecord fresh, std::vector<std::string> stages);

  // Gives the existing version `version_id` the labels `stages` with the same
  // movement rules as AddVersion (the value of a rotation's AWSPENDING
  // placeholder arriving through PutSecretValue). Empty `stages`: no change.
  Status AttachLabels(std::string_view version_id, std::vector<std::string> stages);

  // UpdateSecretVersionStage. The caller has checked that the named versions
  // exist. Errors: InvalidParameterException when the label is held by a
  // version that `remove_from` does not name, or `remove_from` does not hold
  // it; LimitExceededException past 20 labels.
  Status MoveLabel(std::string_view label, std::optional<std::string_view> remove_from,
                   std::optional<std::string_view> move_to);

  // Removes the oldest deprecated versions older than 24 h while there are
  // more than 100 versions. LimitExceededException if still more than 100.
  Status Prune(int64_t now_ms);

  // Writes what changed since construction: deleted versions, then labels
  // that no version holds any more, then new and changed rows and the labels
  // that arrived, each moved from its former holder (Txn::MoveStage), so the
  // engine's one-label-one-version invariant holds after every statement.
  Status Save(storage::Txn& txn) const;

 private:
  storage::VersionRecord* FindMutable(std::string_view version_id);
  void RemoveLabel(std::string_view label);
  static Status AddLabel(storage::VersionRecord& v, std::string_view label);
  Status ApplyNewLabels(std::string_view version_id, std::vector<std::string> stages);

  std::vector<storage::VersionRecord> original_;
  std::vector<storage::VersionRecord> current_;
};

}  // namespace coffer::secrets
