#include "kms/key_policy_document.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "kms/messages.h"

namespace coffer::kms {
namespace {

namespace msg = messages;

Status Malformed(std::string_view text) {
  return Status::InvalidArgument(std::string(msg::kMalformedPolicy), std::string(text));
}

bool IsStringOrStrings(const rapidjson::Value& v) {
  if (v.IsString()) return v.GetStringLength() > 0;
  if (!v.IsArray() || v.Empty()) return false;
  for (const auto& e : v.GetArray())
    if (!e.IsString() || e.GetStringLength() == 0) return false;
  return true;
}

bool ValidPrincipal(const rapidjson::Value& p) {
  if (p.IsString()) return std::string_view(p.GetString(), p.GetStringLength()) == "*";
  if (!p.IsObject() || p.MemberCount() == 0) return false;
  for (auto it = p.MemberBegin(); it != p.MemberEnd(); ++it) {
    std::string_view kind(it->name.GetString(), it->name.GetStringLength());
    if (kind != "AWS" && kind != "Service" && kind != "Federated" && kind != "CanonicalUser") {
      return false;
    }
    if (!IsStringOrStrings(it->value)) return false;
  }
  return true;
}

Status CheckStatement(const rapidjson::Value& st) {
  if (!st.IsObject()) return Malformed(msg::kPolicyBadStatement);
  auto effect = st.FindMember("Effect");
  if (effect == st.MemberEnd() || !effect->value.IsString() ||
      (std::string_view(effect->value.GetString()) != "Allow" &&
       std::string_view(effect->value.GetString()) != "Deny")) {
    return Malformed(msg::kPolicyBadEffect);
  }
  auto principal = st.FindMember("Principal");
  auto not_principal = st.FindMember("NotPrincipal");
  if (principal == st.MemberEnd() && not_principal == st.MemberEnd()) {
    return Malformed(msg::kPolicyNoPrincipal);
  }
  const rapidjson::Value& p = principal != st.MemberEnd() ? principal->value : not_principal->value;
  if (!ValidPrincipal(p)) return Malformed(msg::kPolicyBadPrincipal);
  auto action = st.FindMember("Action");
  auto not_action = st.FindMember("NotAction");
  const bool has_action = action != st.MemberEnd() && IsStringOrStrings(action->value);
  const bool has_not_action = not_action != st.MemberEnd() && IsStringOrStrings(not_action->value);
  if (!has_action && !has_not_action) return Malformed(msg::kPolicyNoAction);
  return Status::Ok();
}

}  // namespace

std::string DefaultKeyPolicy(std::string_view account_id) {
  // account_id is 12 digits (from the caller's credentials): no escaping needed.
  return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n"
         "  \"Statement\" : [ {\n    \"Sid\" : \"Enable IAM User Permissions\",\n"
         "    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n"
         "      \"AWS\" : \"arn:aws:iam::" +
         std::string(account_id) +
         ":root\"\n    },\n    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
}

Status ValidateKeyPolicy(std::string_view policy) {
  rapidjson::Document doc;
  doc.Parse(policy.data(), policy.size());
  if (doc.HasParseError() || !doc.IsObject()) return Malformed(msg::kPolicyNotJson);
  auto version = doc.FindMember("Version");
  if (version != doc.MemberEnd()) {
    if (!version->value.IsString() ||
        (std::string_view(version->value.GetString()) != "2012-10-17" &&
         std::string_view(version->value.GetString()) != "2008-10-17")) {
      return Malformed(msg::kPolicyBadVersion);
    }
  }
  auto statement = doc.FindMember("Statement");
  if (statement == doc.MemberEnd()) return Malformed(msg::kPolicyNoStatement);
  if (statement->value.IsArray()) {
    if (statement->value.Empty()) return Malformed(msg::kPolicyNoStatement);
    for (const auto& st : statement->value.GetArray()) {
      if (Status s = CheckStatement(st); !s.ok()) return s;
    }
    return Status::Ok();
  }
  return CheckStatement(statement->value);
}

}  // namespace coffer::kms
