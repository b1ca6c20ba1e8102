// The request context a policy is evaluated against (IAM User Guide: "Policy
// evaluation logic", request context): who calls (the principal), the action,
// the resource ARN, and the condition keys with their values. Condition keys
// are case-insensitive and may carry several values (multivalued context keys,
// e.g. aws:TagKeys); policy variables (${aws:username},
// ${aws:PrincipalTag/team}) are read from the same keys.
//
// Thread-safety: plain values; concurrent const use is safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffer::auth::policy {

// Condition key -> values. Keys are stored lowercased; a handful per request,
// so a flat vector beats a hash map.
class ContextKeys {
 public:
  // Replaces the key's values; a key with no values is present but empty
  // (ForAllValues over an empty set).
  void Set(std::string_view key, std::vector<std::string> values);
  void Set(std::string_view key, std::string value) { Set(key, std::vector{std::move(value)}); }
  // The values of `lower_key` (already lowercased), or nullptr when absent
  // here and in the parent.
  const std::vector<std::string>* Find(std::string_view lower_key) const;
  // Keys not set here are looked up in `parent` (which must outlive this):
  // a request's own keys over the caller's keys, shared by every decision of
  // the request without a copy.
  void SetParent(const ContextKeys* parent) { parent_ = parent; }

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> entries_;
  const ContextKeys* parent_ = nullptr;
};

enum class PrincipalType : unsigned char {
  kRoot,           // the account's root user: arn:aws:iam::ACCT:root
  kUser,           // an IAM user: arn:aws:iam::ACCT:user/NAME
  kAssumedRole,    // a role session: arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
  kFederatedUser,  // arn:aws:sts::ACCT:federated-user/NAME
  kService,        // an AWS service principal, e.g. lambda.amazonaws.com
  kAnonymous,      // an unsigned request
};

struct Principal {
  PrincipalType type = PrincipalType::kAnonymous;
  std::string arn;       // as above; empty for anonymous and services
  std::string account;   // 12 digits; empty for anonymous and services
  std::string role_arn;  // kAssumedRole: arn:aws:iam::ACCT:role/ROLE
  std::string service;   // kService: the service principal name
};

struct RequestContext {
  Principal principal;
  std::string action;            // "secretsmanager:GetSecretValue"
  std::string resource;          // the resource ARN
  std::string resource_account;  // the resource owner; empty: the principal's
  ContextKeys keys;
};

}  // namespace coffer::auth::policy
