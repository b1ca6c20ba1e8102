// The request context a policy is evaluated against (IAM User Guide: "Policy
// evaluation logic", request context): who calls (the principal), the action,
// the resource ARN, and the condition keys with their values. Condition keys
// are case-insensitive and may carry several values (multivalued context keys,
// e.g. aws:TagKeys); policy variables (${aws:username},
// ${aws:PrincipalTag/team}) are read from the same keys.
//
// Thread-safety: plain values; concurrent const use is safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffer::auth::policy {

// Condition key -> values. Keys are stored lowercased; a handful per request,
// so a flat vector beats a hash map. Clear keeps the storage, so a ContextKeys
// reused for request after request (a thread's scratch) sets its keys
// without allocating once its strings have grown to fit.
class ContextKeys {
 public:
  // Replaces the key's values; a key with no values is present but empty
  // (ForAllValues over an empty set). `key` in any case.
  void Set(std::string_view key, std::vector<std::string> values);
  void Set(std::string_view key, std::string_view value);
  void Set(std::string_view key, std::span<const std::string_view> values);
  // The values of `lower_key` (already lowercased), or nullptr when absent
  // here and in the parent.
  const std::vector<std::string>* Find(std::string_view lower_key) const;
  // Keys not set here are looked up in `parent` (which must outlive this):
  // a request's own keys over the caller's keys, shared by every decision of
  // the request without a copy.
  void SetParent(const ContextKeys* parent) { parent_ = parent; }
  // Removes every key and the parent, keeping the storage for reuse.
  void Clear() {
    size_ = 0;
    parent_ = nullptr;
  }

 private:
  struct Entry {
    std::string key;  // lowercased
    std::vector<std::string> values;
  };
  // The entry of `key` (any case), added (reusing a cleared one) if absent.
  Entry& Slot(std::string_view key);

  std::vector<Entry> entries_;  // the first size_ are set; the rest kept for reuse
  size_t size_ = 0;
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

// The same, viewing what the caller already holds (what the evaluator reads:
// a decision copies none of these strings). Everything viewed must outlive it.
struct RequestView {
  const Principal& principal;
  std::string_view action;
  std::string_view resource;
  std::string_view resource_account;
  const ContextKeys& keys;

  explicit RequestView(const RequestContext& c)
      : principal(c.principal),
        action(c.action),
        resource(c.resource),
        resource_account(c.resource_account),
        keys(c.keys) {}
  RequestView(const Principal& p, std::string_view act, std::string_view res,
              std::string_view res_account, const ContextKeys& k)
      : principal(p), action(act), resource(res), resource_account(res_account), keys(k) {}
};

}  // namespace coffer::auth::policy
