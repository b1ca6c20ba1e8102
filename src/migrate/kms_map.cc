#include "migrate/kms_map.h"

#include <algorithm>

namespace coffer::migrate {
namespace {

constexpr char kDefaultAlias[] = "alias/aws/secretsmanager";

bool HasAlias(const std::vector<AliasEntry>& aliases, const std::string& name) {
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const AliasEntry& a) { return a.name == name; });
}

}  // namespace

std::string ShortKeyId(const std::string& key) {
  if (key.rfind("arn:", 0) != 0) return key;
  const size_t colon = key.rfind(':');
  std::string resource = key.substr(colon + 1);
  if (resource.rfind("key/", 0) == 0) return resource.substr(4);
  return resource;  // alias/x
}

Result<std::map<std::string, std::string>> ParseKeyMap(const std::vector<std::string>& entries) {
  std::map<std::string, std::string> map;
  for (const std::string& e : entries) {
    const size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == e.size()) {
      return Status::InvalidArgument("",
                                     "--kms-key-map takes SOURCE=TARGET (alias/src=alias/dst), "
                                     "not " +
                                         e);
    }
    map[ShortKeyId(e.substr(0, eq))] = e.substr(eq + 1);
  }
  return map;
}

KmsChoice MapKmsKey(const std::string& source_kms_key_id,
                    const std::vector<AliasEntry>& source_aliases,
                    const std::vector<AliasEntry>& target_aliases,
                    const std::map<std::string, std::string>& key_map) {
  KmsChoice choice;
  const std::string key = ShortKeyId(source_kms_key_id);
  if (key.empty() || key == kDefaultAlias) return choice;
  // The source's alias names for the key, user aliases before AWS's, by name.
  std::vector<std::string> names;
  if (key.rfind("alias/", 0) == 0) {
    names.push_back(key);
  } else {
    for (const AliasEntry& a : source_aliases) {
      if (a.target_key_id == key) names.push_back(a.name);
    }
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      const bool aws_a = a.rfind("alias/aws/", 0) == 0, aws_b = b.rfind("alias/aws/", 0) == 0;
      return aws_a != aws_b ? aws_b : a < b;
    });
  }
  for (const std::string& name : names) {
    if (name == kDefaultAlias) return choice;
    if (HasAlias(target_aliases, name)) {
      choice.key_id = name;
      return choice;
    }
  }
  std::vector<std::string> lookups = names;
  lookups.push_back(key);
  for (const std::string& name : lookups) {
    auto it = key_map.find(name);
    if (it == key_map.end()) continue;
    const std::string& dst = it->second;
    if (dst.rfind("alias/", 0) == 0 && !HasAlias(target_aliases, dst)) {
      choice.failure = "--kms-key-map maps " + name + " to " + dst + ", which the target lacks";
      return choice;
    }
    choice.key_id = dst;
    return choice;
  }
  choice.note = "KMS key " + (names.empty() ? key : names.front()) +
                " has no alias on the target and no --kms-key-map entry: the target's default "
                "key is used";
  return choice;
}

}  // namespace coffer::migrate
