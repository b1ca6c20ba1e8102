// Policy document parsing and the broad-access / lockout checks
// (policy_document.h).

#include "auth/policy/policy_document.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cctype>

#include "auth/policy/wildcard.h"

namespace coffer::auth::policy {

namespace {

using rapidjson::Value;

// Indexed by PolicyError. Secrets Manager's texts; secrets/messages.h repeats
// them (kPolicySyntaxError, ...) so that its tests pin the wire text
// independently of this table, and ValidateResourcePolicy's non-JSON answer.
constexpr std::array<std::string_view, 3> kPolicyErrorMessages = {
    "This resource policy contains a syntax error.",
    "This resource policy contains an unsupported principal.",
    "This resource policy contains an invalid service principal.",
};

Status Malformed(PolicyError error) {
  return Status::InvalidArgument(std::string(kMalformedPolicyDocument),
                                 std::string(PolicyErrorMessage(error)));
}
Status Syntax() { return Malformed(PolicyError::kSyntax); }

constexpr std::array<std::string_view, 27> kConditionOperators = {"StringEquals",
                                                                  "StringNotEquals",
                                                                  "StringEqualsIgnoreCase",
                                                                  "StringNotEqualsIgnoreCase",
                                                                  "StringLike",
                                                                  "StringNotLike",
                                                                  "NumericEquals",
                                                                  "NumericNotEquals",
                                                                  "NumericLessThan",
                                                                  "NumericLessThanEquals",
                                                                  "NumericGreaterThan",
                                                                  "NumericGreaterThanEquals",
                                                                  "DateEquals",
                                                                  "DateNotEquals",
                                                                  "DateLessThan",
                                                                  "DateLessThanEquals",
                                                                  "DateGreaterThan",
                                                                  "DateGreaterThanEquals",
                                                                  "Bool",
                                                                  "BinaryEquals",
                                                                  "IpAddress",
                                                                  "NotIpAddress",
                                                                  "ArnEquals",
                                                                  "ArnLike",
                                                                  "ArnNotEquals",
                                                                  "ArnNotLike",
                                                                  "Null"};

constexpr std::array<std::string_view, 8> kPinningKeys = {
    "aws:sourcearn",   "aws:sourcevpc",        "aws:sourcevpce",     "aws:sourceaccount",
    "aws:sourceowner", "aws:principalaccount", "aws:principalorgid", "aws:principalarn"};

constexpr std::array<std::string_view, 5> kPinningOperators = {
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool ValidOperator(std::string_view op) {
  if (op.starts_with("ForAnyValue:"))
    op.remove_prefix(12);
  else if (op.starts_with("ForAllValues:"))
    op.remove_prefix(13);
  if (op.ends_with("IfExists") && op != "IfExists") {
    op.remove_suffix(8);
    if (op == "Null") return false;
  }
  for (std::string_view known : kConditionOperators)
    if (op == known) return true;
  return false;
}

// A string or a non-empty array of strings.
bool ReadStrings(const Value& v, std::vector<std::string>& out) {
  if (v.IsString()) {
    out.emplace_back(v.GetString(), v.GetStringLength());
    return true;
  }
  if (!v.IsArray() || v.Empty()) return false;
  for (const Value& e : v.GetArray()) {
    if (!e.IsString()) return false;
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return true;
}

bool ReadConditionValue(const Value& v, std::vector<std::string>& out) {
  auto one = [&](const Value& e) {
    if (e.IsString()) {
      out.emplace_back(e.GetString(), e.GetStringLength());
    } else if (e.IsBool()) {
      out.emplace_back(e.GetBool() ? "true" : "false");
    } else if (e.IsNumber()) {
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w(buf);
      e.Accept(w);
      out.emplace_back(buf.GetString(), buf.GetSize());
    } else {
      return false;
    }
    return true;
  };
  if (v.IsArray()) {
    if (v.Empty()) return false;
    for (const Value& e : v.GetArray())
      if (!one(e)) return false;
    return true;
  }
  return one(v);
}

// arn:PARTITION:iam::ACCOUNT:(root|user/..|role/..) or
// arn:PARTITION:sts::ACCOUNT:(assumed-role|federated-user)/..
bool ValidAwsPrincipal(std::string_view p) {
  if (p == "*" || IsDigits(p, 12)) return true;
  if (!p.starts_with("arn:")) return false;
  std::vector<std::string_view> f;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = p.find(':', start);
    if (colon == std::string_view::npos) return false;
    f.push_back(p.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view resource = p.substr(start);
  if (!f[1].starts_with("aws") || !f[3].empty() || !IsDigits(f[4], 12)) return false;
  if (f[2] == "iam")
    return resource == "root" || (resource.starts_with("user/") && resource.size() > 5) ||
           (resource.starts_with("role/") && resource.size() > 5);
  if (f[2] == "sts")
    return (resource.starts_with("assumed-role/") && resource.size() > 13) ||
           (resource.starts_with("federated-user/") && resource.size() > 15);
  return false;
}

bool ValidServicePrincipal(std::string_view p) {
  if (p == "*") return true;
  for (std::string_view suffix :
       {std::string_view(".amazonaws.com"), std::string_view(".amazonaws.com.cn")}) {
    if (p.size() > suffix.size() && p.ends_with(suffix)) return true;
  }
  return false;
}

Result<PolicyPrincipal> ReadPrincipal(const Value& v) {
  PolicyPrincipal p;
  if (v.IsString()) {
    if (std::string_view(v.GetString(), v.GetStringLength()) != "*") return Syntax();
    p.wildcard = true;
    return p;
  }
  if (!v.IsObject() || v.MemberCount() == 0) return Syntax();
  for (const auto& m : v.GetObject()) {
    std::string type(m.name.GetString(), m.name.GetStringLength());
    std::vector<std::string> values;
    if (!ReadStrings(m.value, values)) return Syntax();
    if (type == "AWS") {
      for (const auto& s : values)
        if (!ValidAwsPrincipal(s)) return Malformed(PolicyError::kUnsupportedPrincipal);
    } else if (type == "Service") {
      for (const auto& s : values)
        if (!ValidServicePrincipal(s)) return Malformed(PolicyError::kInvalidServicePrincipal);
    } else if (type == "Federated" || type == "CanonicalUser") {
      for (const auto& s : values)
        if (s.empty()) return Syntax();
    } else {
      return Syntax();
    }
    p.by_type.emplace_back(std::move(type), std::move(values));
  }
  return p;
}

bool ValidAction(std::string_view a) {
  if (a == "*") return true;
  size_t colon = a.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == a.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '*' || c == '?' ||
              (i < colon && c == '-') || i == colon;
    if (!ok) return false;
  }
  return true;
}

bool ValidResource(std::string_view r) {
  if (r == "*") return true;
  if (!r.starts_with("arn:")) return false;
  size_t colons = 0;
  for (char c : r) colons += c == ':';
  return colons >= 5;
}

Result<PolicyStatement> ReadStatement(const Value& v, PolicyGrammar grammar) {
  if (!v.IsObject()) return Syntax();
  PolicyStatement s;
  bool has_effect = false, has_action = false, has_resource = false;
  for (const auto& m : v.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    const Value& val = m.value;
    if (name == "Sid") {
      if (!val.IsString()) return Syntax();
      s.sid = std::string(val.GetString(), val.GetStringLength());
    } else if (name == "Effect") {
      if (!val.IsString()) return Syntax();
      std::string_view e(val.GetString(), val.GetStringLength());
      if (e != "Allow" && e != "Deny") return Syntax();
      s.allow = e == "Allow";
      has_effect = true;
    } else if (name == "Principal" || name == "NotPrincipal") {
      if (s.principal || s.not_principal) return Syntax();
      COFFER_ASSIGN_OR_RETURN(PolicyPrincipal p, ReadPrincipal(val));
      (name == "Principal" ? s.principal : s.not_principal) = std::move(p);
    } else if (name == "Action" || name == "NotAction") {
      if (has_action || !ReadStrings(val, s.actions)) return Syntax();
      for (const auto& a : s.actions)
        if (!ValidAction(a)) return Syntax();
      s.not_action = name == "NotAction";
      has_action = true;
    } else if (name == "Resource" || name == "NotResource") {
      if (has_resource || !ReadStrings(val, s.resources)) return Syntax();
      for (const auto& r : s.resources)
        if (!ValidResource(r)) return Syntax();
      s.not_resource = name == "NotResource";
      has_resource = true;
    } else if (name == "Condition") {
      if (!val.IsObject()) return Syntax();
      for (const auto& op : val.GetObject()) {
        std::string op_name(op.name.GetString(), op.name.GetStringLength());
        if (!ValidOperator(op_name) || !op.value.IsObject() || op.value.MemberCount() == 0)
          return Syntax();
        for (const auto& key : op.value.GetObject()) {
          PolicyCondition c;
          c.op = op_name;
          c.key.assign(key.name.GetString(), key.name.GetStringLength());
          if (c.key.empty() || !ReadConditionValue(key.value, c.values)) return Syntax();
          s.conditions.push_back(std::move(c));
        }
      }
    } else {
      return Syntax();
    }
  }
  if (!has_effect || !has_action) return Syntax();
  if (grammar == PolicyGrammar::kIdentity) {
    if (s.principal || s.not_principal || !has_resource) return Syntax();
  } else if (!s.principal && !s.not_principal) {
    return Syntax();
  }
  return s;
}

bool IsWildcardPrincipal(const PolicyPrincipal& p) {
  if (p.wildcard) return true;
  for (const auto& [type, values] : p.by_type)
    for (const auto& v : values)
      if (v.find('*') != std::string::npos) return true;
  return false;
}

bool PinsCaller(const PolicyCondition& c) {
  bool op_ok = false;
  for (std::string_view o : kPinningOperators) op_ok |= c.op == o;
  if (!op_ok) return false;
  std::string key = Lower(c.key);
  bool key_ok = false;
  for (std::string_view k : kPinningKeys) key_ok |= key == k;
  if (!key_ok || c.values.empty()) return false;
  for (const auto& v : c.values)
    if (v.empty() || v.find_first_of("*?") != std::string::npos) return false;
  return true;
}

bool CoversAction(const PolicyStatement& s, std::string_view action) {
  bool any = false;
  for (const auto& a : s.actions) any |= PolicyGlobMatch(a, action);
  return s.not_action ? !any : any;
}

}  // namespace

std::string_view PolicyErrorMessage(PolicyError error) {
  return kPolicyErrorMessages[static_cast<size_t>(error)];
}

std::optional<PolicyError> PolicyErrorOf(const Status& status) {
  if (status.code() != StatusCode::kInvalidArgument || status.reason() != kMalformedPolicyDocument)
    return std::nullopt;
  for (size_t i = 0; i < kPolicyErrorMessages.size(); ++i)
    if (status.message() == kPolicyErrorMessages[i]) return static_cast<PolicyError>(i);
  return std::nullopt;
}

bool PolicyGlobMatch(std::string_view pattern, std::string_view value) {
  return WildcardMatch(pattern, value, /*ignore_case=*/true);
}

Result<PolicyDocument> ParsePolicyDocument(std::string_view text) {
  return ParsePolicyDocument(text, PolicyGrammar::kResource);
}

Result<PolicyDocument> ParsePolicyDocument(std::string_view text, PolicyGrammar grammar) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return Syntax();
  PolicyDocument doc;
  bool has_statement = false;
  for (const auto& m : d.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    const Value& v = m.value;
    if (name == "Version") {
      if (!v.IsString()) return Syntax();
      doc.version.assign(v.GetString(), v.GetStringLength());
      if (doc.version != "2012-10-17" && doc.version != "2008-10-17") return Syntax();
    } else if (name == "Id") {
      if (!v.IsString()) return Syntax();
      doc.id = std::string(v.GetString(), v.GetStringLength());
    } else if (name == "Statement") {
      if (has_statement) return Syntax();
      has_statement = true;
      if (v.IsArray()) {
        if (v.Empty()) return Syntax();
        for (const Value& s : v.GetArray()) {
          COFFER_ASSIGN_OR_RETURN(PolicyStatement st, ReadStatement(s, grammar));
          doc.statements.push_back(std::move(st));
        }
      } else {
        COFFER_ASSIGN_OR_RETURN(PolicyStatement st, ReadStatement(v, grammar));
        doc.statements.push_back(std::move(st));
      }
    } else {
      return Syntax();
    }
  }
  if (!has_statement) return Syntax();
  return doc;
}

bool GrantsBroadAccess(const PolicyDocument& doc) {
  for (const PolicyStatement& s : doc.statements) {
    if (!s.allow) continue;
    bool wildcard =
        s.not_principal.has_value() || (s.principal && IsWildcardPrincipal(*s.principal));
    if (!wildcard) continue;
    bool pinned = false;
    for (const PolicyCondition& c : s.conditions) pinned |= PinsCaller(c);
    if (!pinned) return true;
  }
  return false;
}

bool LocksOut(const PolicyDocument& doc, std::span<const std::string_view> actions) {
  for (const PolicyStatement& s : doc.statements) {
    if (s.allow || !s.principal || !IsWildcardPrincipal(*s.principal) || !s.conditions.empty())
      continue;
    bool every_resource = s.resources.empty();
    if (!s.not_resource)
      for (const auto& r : s.resources) every_resource |= r == "*";
    if (!every_resource) continue;
    for (std::string_view action : actions)
      if (CoversAction(s, action)) return true;
  }
  return false;
}

}  // namespace coffer::auth::policy
