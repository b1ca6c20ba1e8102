// Staging-label movement (stages.h).

#include "secrets/stages.h"

#include <algorithm>
#include <utility>

#include "secrets/messages.h"

namespace coffer::secrets {

namespace msg = messages;

namespace {

bool HasLabel(const storage::VersionRecord& v, std::string_view label) {
  return std::find(v.stages.begin(), v.stages.end(), label) != v.stages.end();
}

Status InvalidParameter(std::string text) {
  return Status::InvalidArgument(std::string(msg::kInvalidParameter), std::move(text));
}

const storage::VersionRecord* FindIn(const std::vector<storage::VersionRecord>& vs,
                                     std::string_view id) {
  for (const auto& v : vs)
    if (v.version_id == id) return &v;
  return nullptr;
}

}  // namespace

VersionSet::VersionSet(std::vector<storage::VersionRecord> versions)
    : original_(versions), current_(std::move(versions)) {}

const storage::VersionRecord* VersionSet::Find(std::string_view version_id) const {
  return FindIn(current_, version_id);
}

storage::VersionRecord* VersionSet::FindMutable(std::string_view version_id) {
  for (auto& v : current_)
    if (v.version_id == version_id) return &v;
  return nullptr;
}

const storage::VersionRecord* VersionSet::Holder(std::string_view label) const {
  for (const auto& v : current_)
    if (HasLabel(v, label)) return &v;
  return nullptr;
}

void VersionSet::RemoveLabel(std::string_view label) {
  for (auto& v : current_) std::erase(v.stages, label);
}

Status VersionSet::AddLabel(storage::VersionRecord& v, std::string_view label) {
  if (HasLabel(v, label)) return Status::Ok();
  if (v.stages.size() >= kMaxStagesPerVersion)
    return Status::ResourceExhausted(std::string(msg::kLimitExceeded),
                                     std::string(msg::kTooManyLabels));
  v.stages.emplace_back(label);
  std::sort(v.stages.begin(), v.stages.end());
  return Status::Ok();
}

Status VersionSet::AddVersion(storage::VersionRecord fresh, std::vector<std::string> stages) {
  if (stages.empty()) stages.emplace_back(kAwsCurrent);
  fresh.stages.clear();
  std::string id = fresh.version_id;
  current_.push_back(std::move(fresh));
  return ApplyNewLabels(id, std::move(stages));
}

Status VersionSet::AttachLabels(std::string_view version_id, std::vector<std::string> stages) {
  if (stages.empty()) return Status::Ok();
  return ApplyNewLabels(version_id, std::move(stages));
}

Status VersionSet::ApplyNewLabels(std::string_view version_id, std::vector<std::string> stages) {
  std::sort(stages.begin(), stages.end());
  stages.erase(std::unique(stages.begin(), stages.end()), stages.end());
  const bool takes_current = std::find(stages.begin(), stages.end(), kAwsCurrent) != stages.end();
  const bool takes_previous = std::find(stages.begin(), stages.end(), kAwsPrevious) != stages.end();
  std::string old_current;
  if (const auto* h = Holder(kAwsCurrent); h && takes_current && h->version_id != version_id)
    old_current = h->version_id;

  for (const auto& label : stages) {
    for (auto& v : current_)
      if (v.version_id != version_id) std::erase(v.stages, label);
    COFFER_RETURN_IF_ERROR(AddLabel(*FindMutable(version_id), label));
  }
  if (!old_current.empty() && !takes_previous) {
    // The version AWSCURRENT left becomes AWSPREVIOUS; a rotation that was
    // pending on it is over (trace A step 4).
    RemoveLabel(kAwsPrevious);
    storage::VersionRecord* prev = FindMutable(old_current);
    std::erase(prev->stages, kAwsPending);
    COFFER_RETURN_IF_ERROR(AddLabel(*prev, kAwsPrevious));
  }
  return Status::Ok();
}

Status VersionSet::MoveLabel(std::string_view label, std::optional<std::string_view> remove_from,
                             std::optional<std::string_view> move_to) {
  const storage::VersionRecord* holder = Holder(label);
  std::string holder_id = holder ? holder->version_id : "";
  if (!move_to && !remove_from) return InvalidParameter(std::string(msg::kMoveOrRemoveRequired));
  if (remove_from && *remove_from != holder_id) {
    return InvalidParameter(std::string(msg::kLabelNotOnVersionStart) + std::string(label) +
                            std::string(msg::kLabelNotOnVersionMiddle) + std::string(*remove_from) +
                            ".");
  }
  if (!move_to) {
    // Only removing. AWSCURRENT must stay on some version.
    if (label == kAwsCurrent) return InvalidParameter(std::string(msg::kCannotRemoveCurrent));
    RemoveLabel(label);
    return Status::Ok();
  }
  if (holder_id == *move_to) return Status::Ok();  // already there
  if (!holder_id.empty() && !remove_from) {
    return InvalidParameter(std::string(msg::kRemoveFromRequiredStart) + std::string(label) +
                            std::string(msg::kRemoveFromRequiredMiddle) + holder_id +
                            std::string(msg::kRemoveFromRequiredEnd));
  }
  RemoveLabel(label);
  COFFER_RETURN_IF_ERROR(AddLabel(*FindMutable(*move_to), label));
  if (label == kAwsCurrent && !holder_id.empty()) {
    RemoveLabel(kAwsPrevious);
    COFFER_RETURN_IF_ERROR(AddLabel(*FindMutable(holder_id), kAwsPrevious));
  }
  return Status::Ok();
}

Status VersionSet::Prune(int64_t now_ms) {
  // current_ is oldest first; new versions are appended at the end.
  for (auto it = current_.begin(); current_.size() > kMaxVersions && it != current_.end();) {
    if (it->stages.empty() && now_ms - it->created_ms > kVersionGraceMs) {
      it = current_.erase(it);
    } else {
      ++it;
    }
  }
  if (current_.size() > kMaxVersions)
    return Status::ResourceExhausted(std::string(msg::kLimitExceeded),
                                     std::string(msg::kTooManyVersions));
  return Status::Ok();
}

Status VersionSet::Save(storage::Txn& txn) const {
  // 1. Versions that are gone (their labels go with them).
  for (const auto& o : original_)
    if (!FindIn(current_, o.version_id))
      COFFER_RETURN_IF_ERROR(txn.DeleteVersion(o.secret_id, o.version_id));
  // 2. Labels that left a surviving version and that no version holds now.
  // (A label that moved to another version is moved in step 3.)
  for (const auto& o : original_) {
    const storage::VersionRecord* c = FindIn(current_, o.version_id);
    if (!c) continue;
    for (const auto& label : o.stages)
      if (!HasLabel(*c, label) && !Holder(label))
        COFFER_RETURN_IF_ERROR(txn.RemoveStage(o.secret_id, label));
  }
  // 3. New versions and changed rows in full, with the labels they kept;
  // then every label that arrived on a version, moved from wherever it was.
  // A PutSecretValue is one row and two moves (AWSCURRENT to the new
  // version, AWSPREVIOUS to the one it left): 3 statements where a remove
  // and an add per label were 6 (docs/performance.md §6).
  for (const auto& c : current_) {
    const storage::VersionRecord* o = FindIn(original_, c.version_id);
    if (!o || !storage::SameExceptStages(*o, c)) {
      storage::VersionRecord row = c;
      row.stages.clear();
      if (o)
        for (const auto& label : c.stages)
          if (HasLabel(*o, label)) row.stages.push_back(label);
      COFFER_RETURN_IF_ERROR(txn.PutVersion(row));
    }
    for (const auto& label : c.stages)
      if (!o || !HasLabel(*o, label))
        COFFER_RETURN_IF_ERROR(txn.MoveStage(c.secret_id, c.version_id, label));
  }
  return Status::Ok();
}

}  // namespace coffer::secrets
