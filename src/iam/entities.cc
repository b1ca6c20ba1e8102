#include "iam/entities.h"

#include <rapidjson/document.h>

#include "auth/policy/policy_document.h"
#include "common/ascii.h"
#include "common/json.h"
#include "common/random.h"
#include "iam/messages.h"

namespace coffer::iam {
namespace {

// The documents are written and read with the JSON helpers of
// common/json.h; these add the shapes only IAM documents have.
void Tags(JsonWriter& w, const std::vector<storage::Tag>& tags) {
  WriteKey(w, "Tags");
  w.StartArray();
  for (const auto& t : tags) {
    w.StartObject();
    WriteString(w, "Key", t.key);
    WriteString(w, "Value", t.value);
    w.EndObject();
  }
  w.EndArray();
}
void Inline(JsonWriter& w, const std::vector<InlinePolicy>& policies) {
  WriteKey(w, "InlinePolicies");
  w.StartArray();
  for (const auto& p : policies) {
    w.StartObject();
    WriteString(w, "Name", p.name);
    WriteString(w, "Document", p.document);
    w.EndObject();
  }
  w.EndArray();
}

storage::IamEntityRecord Record(const EntityBase& b, std::string_view kind, const JsonBuffer& doc) {
  storage::IamEntityRecord r;
  r.account_id = b.account_id;
  r.kind = std::string(kind);
  r.name = b.name;
  r.id = b.id;
  r.path = b.path;
  r.arn = b.arn;
  r.created_ms = b.created_ms;
  r.document.assign(doc.GetString(), doc.GetSize());
  return r;
}

void Base(const storage::IamEntityRecord& r, EntityBase& b) {
  b.account_id = r.account_id;
  b.name = r.name;
  b.id = r.id;
  b.path = r.path;
  b.arn = r.arn;
  b.created_ms = r.created_ms;
}

std::string GetStr(const JsonValue& o, const char* key) {
  return std::string(JsonString(o, key).value_or(""));
}
std::optional<std::string> GetOptStr(const JsonValue& o, const char* key) {
  auto v = JsonString(o, key);
  return v ? std::optional<std::string>(*v) : std::nullopt;
}

std::vector<storage::Tag> GetTags(const JsonValue& o) {
  std::vector<storage::Tag> v;
  auto it = o.FindMember("Tags");
  if (it == o.MemberEnd() || !it->value.IsArray()) return v;
  for (const auto& e : it->value.GetArray())
    if (e.IsObject()) v.push_back({GetStr(e, "Key"), GetStr(e, "Value")});
  return v;
}
std::vector<InlinePolicy> GetInline(const JsonValue& o) {
  std::vector<InlinePolicy> v;
  auto it = o.FindMember("InlinePolicies");
  if (it == o.MemberEnd() || !it->value.IsArray()) return v;
  for (const auto& e : it->value.GetArray())
    if (e.IsObject()) v.push_back({GetStr(e, "Name"), GetStr(e, "Document")});
  return v;
}

Result<rapidjson::Document> ParseDoc(const storage::IamEntityRecord& rec, std::string_view kind) {
  rapidjson::Document d;
  d.Parse(rec.document.data(), rec.document.size());
  if (d.HasParseError() || !d.IsObject() || rec.kind != kind)
    return Status::DataLoss("IAM entity " + rec.arn + " has an unreadable document");
  return d;
}

}  // namespace

const PolicyVersion* ManagedPolicy::FindVersion(std::string_view version_id) const {
  for (const auto& v : versions)
    if (v.version_id == version_id) return &v;
  return nullptr;
}

storage::IamEntityRecord ToRecord(const User& u) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  Tags(w, u.tags);
  WriteString(w, "PermissionsBoundary", u.boundary_arn);
  Inline(w, u.inline_policies);
  WriteStringArray(w, "Attached", u.attached);
  WriteStringArray(w, "Groups", u.groups);
  w.EndObject();
  return Record(u, kUser, buf);
}

storage::IamEntityRecord ToRecord(const Group& g) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  Inline(w, g.inline_policies);
  WriteStringArray(w, "Attached", g.attached);
  WriteStringArray(w, "Members", g.members);
  w.EndObject();
  return Record(g, kGroup, buf);
}

storage::IamEntityRecord ToRecord(const Role& r) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteString(w, "AssumeRolePolicyDocument", r.trust_policy);
  if (r.description) WriteString(w, "Description", *r.description);
  WriteInt(w, "MaxSessionDuration", r.max_session_duration_s);
  Tags(w, r.tags);
  WriteString(w, "PermissionsBoundary", r.boundary_arn);
  Inline(w, r.inline_policies);
  WriteStringArray(w, "Attached", r.attached);
  w.EndObject();
  return Record(r, kRole, buf);
}

storage::IamEntityRecord ToRecord(const ManagedPolicy& p) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  if (p.description) WriteString(w, "Description", *p.description);
  WriteString(w, "DefaultVersionId", p.default_version_id);
  WriteKey(w, "Versions");
  w.StartArray();
  for (const auto& v : p.versions) {
    w.StartObject();
    WriteString(w, "VersionId", v.version_id);
    WriteString(w, "Document", v.document);
    WriteInt(w, "CreateDate", v.created_ms);
    w.EndObject();
  }
  w.EndArray();
  WriteInt(w, "NextVersion", p.next_version);
  WriteInt(w, "AttachmentCount", p.attachment_count);
  WriteInt(w, "PermissionsBoundaryUsageCount", p.boundary_usage_count);
  WriteInt(w, "UpdateDate", p.updated_ms);
  Tags(w, p.tags);
  w.EndObject();
  return Record(p, kPolicy, buf);
}

Result<User> UserFromRecord(const storage::IamEntityRecord& rec) {
  COFFER_ASSIGN_OR_RETURN(rapidjson::Document d, ParseDoc(rec, kUser));
  User u;
  Base(rec, u);
  u.tags = GetTags(d);
  u.boundary_arn = GetStr(d, "PermissionsBoundary");
  u.inline_policies = GetInline(d);
  u.attached = JsonStringArray(d, "Attached");
  u.groups = JsonStringArray(d, "Groups");
  return u;
}

Result<Group> GroupFromRecord(const storage::IamEntityRecord& rec) {
  COFFER_ASSIGN_OR_RETURN(rapidjson::Document d, ParseDoc(rec, kGroup));
  Group g;
  Base(rec, g);
  g.inline_policies = GetInline(d);
  g.attached = JsonStringArray(d, "Attached");
  g.members = JsonStringArray(d, "Members");
  return g;
}

Result<Role> RoleFromRecord(const storage::IamEntityRecord& rec) {
  COFFER_ASSIGN_OR_RETURN(rapidjson::Document d, ParseDoc(rec, kRole));
  Role r;
  Base(rec, r);
  r.trust_policy = GetStr(d, "AssumeRolePolicyDocument");
  r.description = GetOptStr(d, "Description");
  r.max_session_duration_s = JsonInt(d, "MaxSessionDuration").value_or(3600);
  r.tags = GetTags(d);
  r.boundary_arn = GetStr(d, "PermissionsBoundary");
  r.inline_policies = GetInline(d);
  r.attached = JsonStringArray(d, "Attached");
  return r;
}

Result<ManagedPolicy> PolicyFromRecord(const storage::IamEntityRecord& rec) {
  COFFER_ASSIGN_OR_RETURN(rapidjson::Document d, ParseDoc(rec, kPolicy));
  ManagedPolicy p;
  Base(rec, p);
  p.description = GetOptStr(d, "Description");
  p.default_version_id = GetStr(d, "DefaultVersionId");
  auto it = d.FindMember("Versions");
  if (it != d.MemberEnd() && it->value.IsArray()) {
    for (const auto& v : it->value.GetArray()) {
      if (!v.IsObject()) continue;
      p.versions.push_back(
          {GetStr(v, "VersionId"), GetStr(v, "Document"), JsonInt(v, "CreateDate").value_or(0)});
    }
  }
  p.next_version = JsonInt(d, "NextVersion").value_or(static_cast<int64_t>(p.versions.size()) + 1);
  p.attachment_count = JsonInt(d, "AttachmentCount").value_or(0);
  p.boundary_usage_count = JsonInt(d, "PermissionsBoundaryUsageCount").value_or(0);
  p.updated_ms = JsonInt(d, "UpdateDate").value_or(rec.created_ms);
  p.tags = GetTags(d);
  return p;
}

std::string NewEntityId(std::string_view prefix) {
  return std::string(prefix) + RandomString(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
}

std::string EntityArn(std::string_view account_id, std::string_view kind, std::string_view path,
                      std::string_view name) {
  std::string arn = "arn:aws:iam::";
  arn += account_id;
  arn += ':';
  arn += kind;
  arn += path.empty() ? std::string_view("/") : path;
  arn += name;
  return arn;
}

std::optional<ParsedArn> ParseIamArn(std::string_view arn) {
  constexpr std::string_view kIam = "arn:aws:iam::";
  constexpr std::string_view kSts = "arn:aws:sts::";
  const bool sts = arn.starts_with(kSts);
  if (!sts && !arn.starts_with(kIam)) return std::nullopt;
  std::string_view rest = arn.substr(kIam.size());
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  ParsedArn p;
  p.account_id = std::string(rest.substr(0, colon));
  rest = rest.substr(colon + 1);
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || p.account_id.empty()) return std::nullopt;
  const std::string_view kind = rest.substr(0, slash);
  std::string_view tail = rest.substr(slash);  // "/path/name"
  if (sts) {
    if (kind != "assumed-role") return std::nullopt;
    tail.remove_prefix(1);
    const size_t s2 = tail.find('/');
    if (s2 == 0 || s2 == std::string_view::npos) return std::nullopt;
    p.kind = std::string(kRole);
    p.path = "/";
    p.name = std::string(tail.substr(0, s2));
    return p;
  }
  if (kind != kUser && kind != kGroup && kind != kRole && kind != kPolicy) return std::nullopt;
  const size_t last = tail.rfind('/');
  if (last + 1 >= tail.size()) return std::nullopt;
  p.kind = std::string(kind);
  p.path = std::string(tail.substr(0, last + 1));
  p.name = std::string(tail.substr(last + 1));
  return p;
}

Status ValidateIdentityPolicy(std::string_view text) {
  using auth::policy::PolicyGrammar;
  if (auth::policy::ParsePolicyDocument(text, PolicyGrammar::kIdentity).ok()) return Status::Ok();
  // Parses as a resource policy: it names a principal.
  if (auth::policy::ParsePolicyDocument(text, PolicyGrammar::kResource).ok())
    return messages::Malformed(messages::kNoPrincipalAllowed);
  return messages::Malformed(messages::kSyntaxErrors);
}

Status ValidateTrustPolicy(std::string_view text) {
  auto doc = auth::policy::ParsePolicyDocument(text, auth::policy::PolicyGrammar::kResource);
  if (!doc.ok()) return messages::Malformed(messages::kSyntaxErrors);
  for (const auto& s : doc->statements)
    if (!s.resources.empty()) return messages::Malformed(messages::kProhibitedResource);
  return Status::Ok();
}

bool NameEquals(std::string_view a, std::string_view b) { return AsciiEqualsIgnoreCase(a, b); }

std::string FoldName(std::string_view name) { return AsciiLowered(name); }

}  // namespace coffer::iam
