// Test callers: the auth::policy::Caller of a role session whose identity
// policies are given as JSON texts, for the authorization tests of the
// services (secrets, kms, sts). Test-only, header-only (gtest assertions
// report a policy that does not parse or compile).
//
// Thread-safety: builds fresh values; no shared state.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/policy/access.h"

namespace coffer::testing {

// `text` compiled as an identity policy; null (and a test failure) when it
// does not parse or compile.
inline std::shared_ptr<const auth::policy::CompiledPolicy> CompileIdentityPolicy(
    const std::string& text) {
  auto doc = auth::policy::ParsePolicyDocument(text, auth::policy::PolicyGrammar::kIdentity);
  EXPECT_TRUE(doc.ok()) << text << ": " << doc.status().ToString();
  if (!doc.ok()) return nullptr;
  auto compiled = auth::policy::CompiledPolicy::Compile(*doc);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  if (!compiled.ok()) return nullptr;
  return std::make_shared<const auth::policy::CompiledPolicy>(std::move(compiled).value());
}

// The session arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION of role
// arn:aws:iam::ACCOUNT:role/ROLE with identity policies `identity`, and the
// keys aws:PrincipalAccount and aws:PrincipalArn.
inline std::shared_ptr<auth::policy::Caller> RoleSessionCaller(
    const std::string& account, const std::vector<std::string>& identity,
    const std::string& role = "runner", const std::string& session = "s1") {
  auto caller = std::make_shared<auth::policy::Caller>();
  caller->principal.type = auth::policy::PrincipalType::kAssumedRole;
  caller->principal.arn = "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session;
  caller->principal.role_arn = "arn:aws:iam::" + account + ":role/" + role;
  caller->principal.account = account;
  auto policies = std::make_shared<auth::policy::PrincipalPolicies>();
  for (const std::string& text : identity) {
    if (auto compiled = CompileIdentityPolicy(text)) policies->identity.push_back(compiled);
  }
  policies->Seal();
  caller->policies = std::move(policies);
  caller->keys.Set("aws:PrincipalAccount", account);
  caller->keys.Set("aws:PrincipalArn", caller->principal.role_arn);
  return caller;
}

}  // namespace coffer::testing
