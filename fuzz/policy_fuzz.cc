// Fuzzes resource policy documents (src/auth/policy/policy_document.h): parsing
// and grammar validation, then the evaluations PutResourcePolicy and
// ValidateResourcePolicy run on a parsed document (broad access, lockout),
// the IAM glob matcher on the document's own actions and resources, the
// identity grammar, and the evaluator (evaluator.h) on the compiled document
// against a fixed request.
// Input: the policy text.
#include <cstdint>
#include <string_view>

#include "auth/policy/evaluator.h"
#include "auth/policy/policy_document.h"

using namespace coffer::auth::policy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ParsePolicyDocument(text, PolicyGrammar::kIdentity);
  auto doc = ParsePolicyDocument(text);
  if (!doc.ok()) {
    if (doc.status().reason() != "MalformedPolicyDocumentException") __builtin_trap();
    return 0;
  }
  (void)GrantsBroadAccess(*doc);
  constexpr std::string_view kManagement[] = {"secretsmanager:PutResourcePolicy",
                                              "secretsmanager:DeleteResourcePolicy"};
  (void)LocksOut(*doc, kManagement);
  // The evaluator over the same document, as a resource and as an identity
  // policy, against a fixed request (auth/policy/evaluator.h).
  if (auto compiled = CompiledPolicy::Compile(*doc); compiled.ok()) {
    RequestContext request;
    request.principal = {PrincipalType::kAssumedRole, "arn:aws:sts::123456789012:assumed-role/r/s",
                         "123456789012", "arn:aws:iam::123456789012:role/r", ""};
    request.action = "secretsmanager:GetSecretValue";
    request.resource = "arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf";
    request.resource_account = "210987654321";
    request.keys.Set("aws:username", "s");
    request.keys.Set("aws:SourceIp", "10.1.2.3");
    request.keys.Set("aws:CurrentTime", "2026-12-07T19:00:00Z");
    request.keys.Set("aws:TagKeys", std::vector<std::string>{"env", "team"});
    const CompiledPolicy* one[] = {&*compiled};
    PolicySet set;
    set.identity = one;
    set.session = one;
    set.resource = &*compiled;
    (void)Evaluate(request, set);
  }
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
