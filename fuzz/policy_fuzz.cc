// Fuzzes resource policy documents (src/auth/policy/policy_document.h): parsing
// and grammar validation, then the evaluations PutResourcePolicy and
// ValidateResourcePolicy run on a parsed document (broad access, lockout),
// and the IAM glob matcher on the document's own actions and resources.
// Input: the policy text.
#include <cstdint>
#include <string_view>

#include "auth/policy/policy_document.h"

using namespace coffer::auth::policy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = ParsePolicyDocument(text);
  if (!doc.ok()) {
    if (doc.status().reason() != "MalformedPolicyDocumentException") __builtin_trap();
    return 0;
  }
  (void)GrantsBroadAccess(*doc);
  constexpr std::string_view kManagement[] = {"secretsmanager:PutResourcePolicy",
                                              "secretsmanager:DeleteResourcePolicy"};
  (void)LocksOut(*doc, kManagement);
  int budget = 64;
  for (const auto& st : doc->statements) {
    for (const auto& a : st.actions) {
      if (--budget < 0) return 0;
      (void)PolicyGlobMatch(a, "secretsmanager:PutResourcePolicy");
      for (const auto& r : st.resources) {
        (void)PolicyGlobMatch(r, a);
        (void)PolicyGlobMatch(r, "arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf");
      }
    }
  }
  return 0;
}
