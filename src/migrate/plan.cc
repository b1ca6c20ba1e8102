#include "migrate/plan.h"

#include <algorithm>
#include <set>
#include <utility>

namespace coffer::migrate {
namespace {

constexpr char kCurrent[] = "AWSCURRENT";
constexpr char kPrevious[] = "AWSPREVIOUS";

const VersionInfo* FindVersion(const std::vector<VersionInfo>& versions, const std::string& id) {
  for (const VersionInfo& v : versions) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

void RemoveLabel(std::vector<std::string>& stages, const std::string& label) {
  stages.erase(std::remove(stages.begin(), stages.end(), label), stages.end());
}

bool HasLabel(const std::vector<std::string>& stages, const std::string& label) {
  return std::find(stages.begin(), stages.end(), label) != stages.end();
}

// The source's labels in the order they are moved.
std::vector<std::string> LabelOrder(const std::map<std::string, std::string>& holders) {
  std::vector<std::string> order;
  if (holders.count(kCurrent)) order.push_back(kCurrent);
  if (holders.count(kPrevious)) order.push_back(kPrevious);
  for (const auto& [label, id] : holders) {
    if (label != kCurrent && label != kPrevious) order.push_back(label);
  }
  return order;
}

}  // namespace

std::map<std::string, std::string> LabelHolders(const std::vector<VersionInfo>& versions) {
  std::map<std::string, std::string> holders;
  for (const VersionInfo& v : versions) {
    for (const std::string& label : v.stages) holders[label] = v.id;
  }
  return holders;
}

std::vector<VersionInfo> ApplyPuts(std::vector<VersionInfo> versions,
                                   const std::vector<VersionInfo>& added) {
  for (const VersionInfo& put : added) {
    if (FindVersion(versions, put.id)) continue;  // an idempotent retry changes nothing
    std::vector<std::string> stages = put.stages;
    if (stages.empty()) stages.push_back(kCurrent);
    for (const std::string& label : stages) {
      for (VersionInfo& v : versions) {
        if (!HasLabel(v.stages, label)) continue;
        RemoveLabel(v.stages, label);
        if (label == kCurrent && !HasLabel(stages, kPrevious)) {
          for (VersionInfo& w : versions) RemoveLabel(w.stages, kPrevious);
          v.stages.push_back(kPrevious);
        }
      }
    }
    VersionInfo fresh = put;
    fresh.stages = stages;
    versions.push_back(std::move(fresh));
  }
  return versions;
}

std::vector<LabelMove> PlanLabelMoves(const std::vector<VersionInfo>& source,
                                      const std::vector<VersionInfo>& target,
                                      std::vector<std::string>* notes) {
  std::vector<LabelMove> moves;
  const std::map<std::string, std::string> want = LabelHolders(source);
  const std::map<std::string, std::string> have = LabelHolders(target);
  for (const std::string& label : LabelOrder(want)) {
    const std::string& to = want.at(label);
    auto held = have.find(label);
    if (held != have.end() && held->second == to) continue;
    if (!FindVersion(target, to)) continue;  // not put (yet): nothing to move to
    if (held != have.end() && !FindVersion(source, held->second)) {
      if (notes) {
        notes->push_back(label + " is on version " + held->second +
                         ", which only the target has: left there");
      }
      continue;
    }
    moves.push_back({label, to, held == have.end() ? std::string() : held->second});
  }
  return moves;
}

SecretPlan PlanSecret(const SecretState& source, const std::optional<SecretState>& target,
                      const std::string& target_kms_key_id) {
  SecretPlan plan;
  plan.name = source.name;
  std::vector<VersionInfo> ordered = source.versions;
  std::stable_sort(ordered.begin(), ordered.end(), [](const VersionInfo& a, const VersionInfo& b) {
    return a.created_ms < b.created_ms;
  });
  if (!target) {
    plan.create = true;
    plan.kms_key_id = target_kms_key_id;
    plan.add_tags = source.tags;
    plan.put_versions = ordered;
    plan.put_policy = source.policy;
    plan.set_rotation = source.rotation_enabled;
    std::vector<VersionInfo> after = ApplyPuts({}, ordered);
    plan.label_moves = PlanLabelMoves(source.versions, after, &plan.notes);
    return plan;
  }
  if (target->scheduled_for_deletion) {
    plan.failure = "the target's secret of this name is scheduled for deletion";
    return plan;
  }
  if (!source.description.empty() && target->description.empty()) {
    plan.set_description = source.description;
  } else if (source.description != target->description) {
    plan.notes.push_back("description differs: the target's is kept");
  }
  if (target->kms_key_id != target_kms_key_id) {
    plan.notes.push_back(
        "KMS key differs (target: " +
        (target->kms_key_id.empty() ? std::string("default") : target->kms_key_id) +
        "): the target's is kept");
  }
  for (const VersionInfo& v : ordered) {
    if (FindVersion(target->versions, v.id)) {
      plan.compare_versions.push_back(v.id);
    } else {
      plan.put_versions.push_back(v);
    }
  }
  for (const auto& [key, value] : source.tags) {
    auto it = std::find_if(target->tags.begin(), target->tags.end(),
                           [&](const auto& t) { return t.first == key; });
    if (it == target->tags.end()) {
      plan.add_tags.emplace_back(key, value);
    } else if (it->second != value) {
      plan.notes.push_back("tag " + key + " differs: the target's value is kept");
    }
  }
  if (source.policy && !target->policy) {
    plan.put_policy = source.policy;
  } else if (source.policy && *source.policy != *target->policy) {
    plan.notes.push_back("resource policy differs: the target's is kept");
  }
  if (source.rotation_enabled && !target->rotation_enabled) plan.set_rotation = true;
  std::vector<VersionInfo> after = ApplyPuts(target->versions, plan.put_versions);
  plan.label_moves = PlanLabelMoves(source.versions, after, &plan.notes);
  return plan;
}

std::string DescribePlan(const SecretPlan& plan) {
  if (!plan.failure.empty()) return "cannot migrate: " + plan.failure;
  if (!plan.HasWrites()) return "already there";
  std::vector<std::string> parts;
  auto count = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  if (plan.create) {
    parts.push_back(plan.kms_key_id.empty() ? "create (default key)"
                                            : "create (key " + plan.kms_key_id + ")");
  }
  if (plan.set_description) parts.push_back("description");
  if (!plan.put_versions.empty())
    parts.push_back(count(plan.put_versions.size(), "version", "versions"));
  if (!plan.add_tags.empty()) parts.push_back(count(plan.add_tags.size(), "tag", "tags"));
  if (plan.put_policy) parts.push_back("policy");
  if (plan.set_rotation) parts.push_back("rotation");
  if (!plan.label_moves.empty()) {
    parts.push_back(count(plan.label_moves.size(), "label move", "label moves"));
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace coffer::migrate
