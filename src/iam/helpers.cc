// Helpers shared by the IAM operations (internal.h).

#include <algorithm>
#include <cstdio>

#include "auth/policy/access.h"
#include "iam/internal.h"

namespace coffer::iam::internal {

using messages::S;

Status Authorize(const RequestContext& ctx, std::string_view op, std::string_view resource) {
  if (!ctx.caller) return Status::Ok();
  const std::string action = "iam:" + S(op);
  auth::policy::AccessRequest req;
  req.action = action;
  req.resource = resource;
  return auth::policy::Authorize(*ctx.caller, req, messages::kAccessDenied);
}

Result<std::unique_ptr<storage::Txn>> Begin(Service& svc, bool write) {
  return svc.store().Begin(write ? storage::TxnMode::kWrite : storage::TxnMode::kRead);
}

namespace {
template <typename T, typename Decode>
Result<T> Load(storage::Txn& txn, std::string_view account, std::string_view kind,
               std::string_view name, Decode decode) {
  COFFER_ASSIGN_OR_RETURN(auto rec, txn.GetIamEntity(account, kind, name));
  if (!rec) return messages::NoSuchNamed(kind, name);
  return decode(*rec);
}
}  // namespace

Result<User> LoadUser(storage::Txn& txn, std::string_view account, std::string_view name) {
  return Load<User>(txn, account, kUser, name, UserFromRecord);
}
Result<Group> LoadGroup(storage::Txn& txn, std::string_view account, std::string_view name) {
  return Load<Group>(txn, account, kGroup, name, GroupFromRecord);
}
Result<Role> LoadRole(storage::Txn& txn, std::string_view account, std::string_view name) {
  return Load<Role>(txn, account, kRole, name, RoleFromRecord);
}

Result<ManagedPolicy> LoadPolicy(storage::Txn& txn, std::string_view account,
                                 std::string_view arn) {
  auto parsed = ParseIamArn(arn);
  if (!parsed || parsed->kind != kPolicy || parsed->account_id != account)
    return messages::NoSuchPolicy(arn);
  COFFER_ASSIGN_OR_RETURN(auto rec, txn.GetIamEntity(account, kPolicy, parsed->name));
  if (!rec || rec->arn != arn) return messages::NoSuchPolicy(arn);
  return PolicyFromRecord(*rec);
}

Result<std::string> CallerUserName(const RequestContext& ctx) {
  auto parsed = ParseIamArn(ctx.principal_arn);
  // AWS's ValidationError for ListAccessKeys & co. without UserName under
  // role credentials (recall, not confirmed in a public record here).
  if (!parsed || parsed->kind != kUser || ctx.principal_arn.starts_with("arn:aws:sts:"))
    return Status::InvalidArgument("ValidationError",
                                   "Must specify userName when calling with non-User credentials");
  return parsed->name;
}

Status MergeTags(const JsonValue& in, std::vector<storage::Tag>& tags) {
  const JsonValue* list = JsonMember(in, "Tags");
  if (list == nullptr || !list->IsArray()) return Status::Ok();
  std::vector<storage::Tag> given;
  for (const auto& t : list->GetArray()) {
    storage::Tag tag{S(JsonString(t, "Key").value_or("")), S(JsonString(t, "Value").value_or(""))};
    for (const auto& g : given)
      // IAM's text as recalled (tag keys are case-insensitive in IAM).
      if (NameEquals(g.key, tag.key))
        return messages::InvalidInput(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
    given.push_back(std::move(tag));
  }
  for (auto& g : given) {
    auto it = std::find_if(tags.begin(), tags.end(),
                           [&](const storage::Tag& t) { return NameEquals(t.key, g.key); });
    if (it != tags.end()) {
      it->value = std::move(g.value);
    } else {
      tags.push_back(std::move(g));
    }
  }
  // Coffer's wording: IAM's text for more than 50 tags was not found.
  if (tags.size() > 50)
    return Status::ResourceExhausted(S(messages::kLimitExceeded),
                                     "The number of tags has reached the maximum limit.");
  return Status::Ok();
}

void RemoveTags(const JsonValue& in, std::vector<storage::Tag>& tags) {
  for (const std::string& key : JsonStringArray(in, "TagKeys"))
    std::erase_if(tags, [&](const storage::Tag& t) { return NameEquals(t.key, key); });
}

void WriteTags(JsonWriter& out, std::string_view key, const std::vector<storage::Tag>& tags) {
  WriteKey(out, key);
  out.StartArray();
  for (const auto& t : tags) {
    out.StartObject();
    WriteString(out, "Key", t.key);
    WriteString(out, "Value", t.value);
    out.EndObject();
  }
  out.EndArray();
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s;
  s.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      s += static_cast<char>(c);
    } else {
      s += '%';
      s += kHex[c >> 4];
      s += kHex[c & 15];
    }
  }
  return s;
}

void WriteBoundary(JsonWriter& out, const std::string& boundary_arn) {
  if (boundary_arn.empty()) return;
  WriteKey(out, "PermissionsBoundary");
  out.StartObject();
  WriteString(out, "PermissionsBoundaryType", "PermissionsBoundaryPolicy");
  WriteString(out, "PermissionsBoundaryArn", boundary_arn);
  out.EndObject();
}

namespace {
void WriteBase(JsonWriter& out, const EntityBase& b, std::string_view name_key,
               std::string_view id_key) {
  WriteString(out, "Path", b.path);
  WriteString(out, name_key, b.name);
  WriteString(out, id_key, b.id);
  WriteString(out, "Arn", b.arn);
  WriteTimestamp(out, "CreateDate", b.created_ms);
}
}  // namespace

void WriteUser(JsonWriter& out, const User& u, bool with_tags) {
  out.StartObject();
  WriteBase(out, u, "UserName", "UserId");
  if (with_tags) {
    WriteBoundary(out, u.boundary_arn);
    if (!u.tags.empty()) WriteTags(out, "Tags", u.tags);
  }
  out.EndObject();
}

void WriteRole(JsonWriter& out, const Role& r, bool full, bool last_used) {
  out.StartObject();
  WriteBase(out, r, "RoleName", "RoleId");
  WriteString(out, "AssumeRolePolicyDocument", UrlEncode(r.trust_policy));
  if (r.description) WriteString(out, "Description", *r.description);
  WriteInt(out, "MaxSessionDuration", r.max_session_duration_s);
  if (full) {
    WriteBoundary(out, r.boundary_arn);
    if (!r.tags.empty()) WriteTags(out, "Tags", r.tags);
  }
  if (last_used) {
    WriteKey(out, "RoleLastUsed");
    out.StartObject();
    out.EndObject();
  }
  out.EndObject();
}

void WriteGroup(JsonWriter& out, const Group& g) {
  out.StartObject();
  WriteBase(out, g, "GroupName", "GroupId");
  out.EndObject();
}

PageRange Paginate(const std::vector<std::string>& keys, const JsonValue& in) {
  PageRange p;
  if (auto marker = JsonString(in, "Marker")) {
    p.begin = static_cast<size_t>(std::lower_bound(keys.begin(), keys.end(), *marker,
                                                   [](const std::string& k, std::string_view m) {
                                                     return std::string_view(k) < m;
                                                   }) -
                                  keys.begin());
  }
  const int64_t max_items = std::clamp<int64_t>(JsonInt(in, "MaxItems").value_or(100), 1, 1000);
  p.end = std::min(keys.size(), p.begin + static_cast<size_t>(max_items));
  if (p.end < keys.size()) p.marker = keys[p.end];
  return p;
}

std::vector<std::string> IndexKeys(size_t n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%06zu", i);
    keys.emplace_back(buf);
  }
  return keys;
}

void WritePageEnd(JsonWriter& out, const PageRange& page) {
  WriteBool(out, "IsTruncated", page.marker.has_value());
  if (page.marker) WriteString(out, "Marker", *page.marker);
}

bool PathMatches(const JsonValue& in, std::string_view path) {
  auto prefix = JsonString(in, "PathPrefix");
  return !prefix || path.starts_with(*prefix);
}

namespace {
template <typename T, typename Decode>
Result<std::vector<T>> All(storage::Txn& txn, std::string_view account, std::string_view kind,
                           Decode decode) {
  COFFER_ASSIGN_OR_RETURN(auto recs, txn.ListIamEntities(account, kind));
  std::vector<T> all;
  all.reserve(recs.size());
  for (const auto& r : recs) {
    COFFER_ASSIGN_OR_RETURN(T v, decode(r));
    all.push_back(std::move(v));
  }
  return all;
}
}  // namespace

Result<std::vector<User>> AllUsers(storage::Txn& txn, std::string_view account) {
  return All<User>(txn, account, kUser, UserFromRecord);
}
Result<std::vector<Role>> AllRoles(storage::Txn& txn, std::string_view account) {
  return All<Role>(txn, account, kRole, RoleFromRecord);
}
Result<std::vector<Group>> AllGroups(storage::Txn& txn, std::string_view account) {
  return All<Group>(txn, account, kGroup, GroupFromRecord);
}

}  // namespace coffer::iam::internal
