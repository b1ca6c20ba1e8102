// The AWS managed policies Coffer has built in (arn:aws:iam::aws:policy/…):
// read-only, the same in every account, never stored. Their documents are
// reduced but honest: each grants what its name promises over the services
// Coffer serves (Secrets Manager, KMS, IAM, STS), not AWS's full text for
// every AWS service. AdministratorAccess is AWS's exact document.
//
// Thread-safety: immutable static data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace coffer::iam {

struct AwsManagedPolicy {
  std::string_view name;
  std::string_view arn;
  std::string_view id;  // ANPA…
  std::string_view path;
  std::string_view description;
  std::string_view version_id;  // the default (and only) version
  std::string_view document;
  int64_t created_ms;
  int64_t updated_ms;
};

inline constexpr std::string_view kAwsPolicyArnPrefix = "arn:aws:iam::aws:policy/";
inline constexpr std::string_view kAdministratorAccessArn =
    "arn:aws:iam::aws:policy/AdministratorAccess";

std::span<const AwsManagedPolicy> AwsManagedPolicies();
// By ARN; nullptr when Coffer does not have it.
const AwsManagedPolicy* FindAwsManagedPolicy(std::string_view arn);

}  // namespace coffer::iam
