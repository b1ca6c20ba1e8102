// Key tags: TagResource, UntagResource, ListResourceTags. At most 50 tags per
// key; keys beginning with "aws:" are reserved; tagging an existing key
// replaces its value. The AWS managed key cannot be tagged.

#include <algorithm>
#include <set>

#include "kms/internal.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

namespace {

constexpr size_t kMaxTags = 50;  // [docs] tags per KMS key

Status TagError(std::string_view text) {
  return Status::InvalidArgument(std::string(msg::kTag), std::string(text));
}

Result<storage::KmsKeyRecord> KeyForTags(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                                         const JsonValue& in, std::string_view action,
                                         ContextKeys* keys) {
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          ResolveKeyIdOrArn(svc, txn, ctx, JsonString(in, "KeyId").value_or("")));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, action, keys));
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  return key;
}

}  // namespace

Result<std::vector<storage::Tag>> ReadKmsTags(const JsonValue& in) {
  std::vector<storage::Tag> tags;
  const JsonValue* list = JsonMember(in, "Tags");
  if (list == nullptr || !list->IsArray()) return tags;
  std::set<std::string> seen;
  for (const auto& t : list->GetArray()) {
    if (!t.IsObject()) continue;  // the model validator rejects these first
    storage::Tag tag{std::string(JsonString(t, "TagKey").value_or("")),
                     std::string(JsonString(t, "TagValue").value_or(""))};
    if (tag.key.starts_with("aws:")) return TagError(msg::kReservedTag);
    if (!seen.insert(tag.key).second) return TagError(msg::kDuplicateTags);
    tags.push_back(std::move(tag));
  }
  if (tags.size() > kMaxTags) return TagError(msg::kTooManyTags);
  return tags;
}

Status TagResource(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::Tag> tags, ReadKmsTags(in));
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  ContextKeys request_keys;
  AddRequestTags(request_keys, tags);
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForTags(svc, *txn, ctx, in, "TagResource", &request_keys));
  for (storage::Tag& tag : tags) {
    auto it = std::find_if(key.tags.begin(), key.tags.end(),
                           [&](const storage::Tag& t) { return t.key == tag.key; });
    if (it != key.tags.end())
      it->value = std::move(tag.value);
    else
      key.tags.push_back(std::move(tag));
  }
  if (key.tags.size() > kMaxTags) return TagError(msg::kTooManyTags);
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

Status UntagResource(Service& svc, const RequestContext& ctx, const JsonValue& in,
                     JsonWriter& out) {
  const std::vector<std::string> keys = JsonStringArray(in, "TagKeys");
  ContextKeys tag_keys;
  tag_keys.Set("aws:TagKeys", keys);
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key,
                          KeyForTags(svc, *txn, ctx, in, "UntagResource", &tag_keys));
  std::erase_if(key.tags, [&](const storage::Tag& t) {
    return std::find(keys.begin(), keys.end(), t.key) != keys.end();
  });
  COFFER_RETURN_IF_ERROR(txn->PutKmsKey(key));
  return txn->Commit();
}

Status ListResourceTags(Service& svc, const RequestContext& ctx, const JsonValue& in,
                        JsonWriter& out) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kRead));
  COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord key, ResolveRequestKey(svc, *txn, ctx, in));
  COFFER_RETURN_IF_ERROR(AuthorizeKey(svc, ctx, key, "ListResourceTags"));
  std::vector<storage::Tag> tags = std::move(key.tags);
  std::sort(tags.begin(), tags.end(),
            [](const storage::Tag& a, const storage::Tag& b) { return a.key < b.key; });
  COFFER_ASSIGN_OR_RETURN(Page page,
                          Paginate(
                              in, tags.size(), [&](size_t i) { return tags[i].key; }, 50));
  WriteKey(out, "Tags");
  out.StartArray();
  for (size_t i = page.begin; i < page.end; ++i) {
    out.StartObject();
    WriteString(out, "TagKey", tags[i].key);
    WriteString(out, "TagValue", tags[i].value);
    out.EndObject();
  }
  out.EndArray();
  WritePageEnd(out, page);
  return Status::Ok();
}

}  // namespace coffer::kms::internal
