// TagResource, and the Tags reader shared with CreateSecret (internal.h).

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

constexpr size_t kMaxTags = 50;  // AWS tagging quota per resource

bool ReservedKey(std::string_view key) {
  if (key.size() < 4) return false;
  auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
  return lower(key[0]) == 'a' && lower(key[1]) == 'w' && lower(key[2]) == 's' && key[3] == ':';
}

Status InvalidParameter(std::string_view text) {
  return Status::InvalidArgument(std::string(msg::kInvalidParameter), std::string(text));
}

}  // namespace

Result<std::vector<storage::Tag>> ReadTags(const JsonValue& in, const char* member) {
  std::vector<storage::Tag> tags;
  const JsonValue* list = JsonMember(in, member);
  if (!list || !list->IsArray()) return tags;
  for (const auto& e : list->GetArray()) {
    storage::Tag t{std::string(JsonString(e, "Key").value_or("")),
                   std::string(JsonString(e, "Value").value_or(""))};
    if (ReservedKey(t.key))
      return InvalidParameter(std::string(msg::kReservedTagPrefix) + t.key +
                              std::string(msg::kReservedTagSuffix));
    bool duplicate = std::any_of(tags.begin(), tags.end(),
                                 [&](const storage::Tag& o) { return o.key == t.key; });
    if (duplicate) return InvalidParameter(msg::kDuplicateTagKeys);
    tags.push_back(std::move(t));
  }
  if (tags.size() > kMaxTags)
    return Status::ResourceExhausted(std::string(msg::kLimitExceeded),
                                     std::string(msg::kTooManyTags));
  return tags;
}

Status TagResource(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  ContextKeys keys;
  {
    auto request_tags = ReadTags(in, "Tags");
    if (request_tags.ok()) AddRequestTags(keys, *request_tags);
  }
  COFFER_ASSIGN_OR_RETURN(
      storage::SecretRecord s,
      ResolveAuthorized(svc, *txn, ctx, secret_id, SmAction("TagResource"), &keys));
  COFFER_RETURN_IF_ERROR(RequireNotDeleted(s));
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::Tag> tags, ReadTags(in, "Tags"));
  for (auto& t : tags) {
    auto it = std::find_if(s.tags.begin(), s.tags.end(),
                           [&](const storage::Tag& o) { return o.key == t.key; });
    if (it != s.tags.end()) {
      it->value = std::move(t.value);  // an existing key takes the new value
    } else {
      s.tags.push_back(std::move(t));
    }
  }
  if (s.tags.size() > kMaxTags)
    return Status::ResourceExhausted(std::string(msg::kLimitExceeded),
                                     std::string(msg::kTooManyTags));
  s.tags_set = true;
  s.last_changed_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  return txn->Commit();
}

}  // namespace coffer::secrets::internal
