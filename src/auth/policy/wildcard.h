// A compiled IAM string pattern (IAM User Guide: "IAM JSON policy elements:
// Action / Resource", wildcards; "Policy variables"): literal text, the
// wildcards * and ? (when enabled), policy variables ${key} and
// ${key, 'default'} (when enabled), and the escapes ${*} ${?} ${$} that stand
// for the literal characters. Compiled once when a policy is stored; matching
// allocates only when the pattern holds a variable. A variable whose key is
// absent (or multivalued) and has no default makes the pattern match nothing.
//
// Thread-safety: immutable after Compile; concurrent const use is safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy/context.h"

namespace coffer::auth::policy {

class Pattern {
 public:
  static Pattern Compile(std::string_view text, bool wildcards, bool variables);

  // Whether `value` matches; ignore_case folds ASCII letters.
  bool Match(std::string_view value, const ContextKeys& keys, bool ignore_case) const;
  // The text with variables substituted and wildcards taken literally (for
  // the Equals operators); nullopt when a variable cannot be resolved.
  std::optional<std::string> Resolve(const ContextKeys& keys) const;
  bool has_variables() const { return has_variables_; }

 private:
  // chars_[i] is a literal when kinds_[i] == 'l', a wildcard when '*' or
  // '?', and when 'v' the variable vars_[chars_[i]].
  std::string chars_;
  std::string kinds_;
  struct Variable {
    std::string key;  // lowercased
    std::optional<std::string> fallback;
  };
  std::vector<Variable> vars_;
  bool has_variables_ = false;
  bool has_wildcards_ = false;

  bool Expand(const ContextKeys& keys, std::string& chars, std::string& kinds) const;
};

// * and ? glob over `value`; case-insensitive when ignore_case.
bool WildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case);

}  // namespace coffer::auth::policy
