// The IAM error codes (the model's error `code`, used as Status reason) and
// AWS's message texts, each with where it was seen. Texts marked "Coffer's
// wording" were not found in any public record and follow AWS's style.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "coffer/status.h"

namespace coffer::iam::messages {

inline constexpr std::string_view kNoSuchEntity = "NoSuchEntity";
inline constexpr std::string_view kEntityAlreadyExists = "EntityAlreadyExists";
inline constexpr std::string_view kLimitExceeded = "LimitExceeded";
inline constexpr std::string_view kDeleteConflict = "DeleteConflict";
inline constexpr std::string_view kMalformedPolicyDocument = "MalformedPolicyDocument";
inline constexpr std::string_view kInvalidInput = "InvalidInput";
inline constexpr std::string_view kUnmodifiableEntity = "UnmodifiableEntity";
inline constexpr std::string_view kServiceFailure = "ServiceFailure";
inline constexpr std::string_view kAccessDenied = "AccessDenied";

inline std::string S(std::string_view v) { return std::string(v); }

inline Status NoSuchEntity(std::string message) {
  return Status::NotFound(S(kNoSuchEntity), std::move(message));
}

// "The user with name bob cannot be found." / role / group: seen in GetRole
// failures quoted in jarpy/lambkin#3, amazon-sagemaker-examples#2300.
inline Status NoSuchNamed(std::string_view kind, std::string_view name) {
  return NoSuchEntity("The " + S(kind) + " with name " + S(name) + " cannot be found.");
}
// "The role policy with name X cannot be found." (aws/aws-cli#6139);
// user/group policy alike.
inline Status NoSuchInlinePolicy(std::string_view kind, std::string_view name) {
  return NoSuchEntity("The " + S(kind) + " policy with name " + S(name) + " cannot be found.");
}
// "Policy arn:... was not found." (moto's GetPolicy text, which mirrors AWS;
// recall, not confirmed in a public record here).
inline Status NoSuchPolicy(std::string_view arn) {
  return NoSuchEntity("Policy " + S(arn) + " was not found.");
}
// "Policy ARN does not exist or is not attachable." (getmoto/moto#6482,
// quoting AWS's AttachRolePolicy answer; pulumi/pulumi#7419).
inline Status NotAttachable(std::string_view arn) {
  return NoSuchEntity("Policy " + S(arn) + " does not exist or is not attachable.");
}
// "Policy ARN version v3 does not exist or is not attachable." (moto; recall).
inline Status NoSuchPolicyVersion(std::string_view arn, std::string_view version) {
  return NoSuchEntity("Policy " + S(arn) + " version " + S(version) +
                      " does not exist or is not attachable.");
}
// "The Access Key with id AKIA… cannot be found." (moto's text; recall).
inline Status NoSuchAccessKey(std::string_view id) {
  return NoSuchEntity("The Access Key with id " + S(id) + " cannot be found.");
}

// "User with name bob already exists." / "Role with name X already exists."
// (IAM's CreateUser/CreateRole answers, as the brief and moto give them).
inline Status AlreadyExists(std::string_view kind_title, std::string_view name) {
  return Status::AlreadyExists(S(kEntityAlreadyExists),
                               S(kind_title) + " with name " + S(name) + " already exists.");
}
// "A policy called X already exists. Duplicate names are not allowed."
// (moto; recall).
inline Status PolicyAlreadyExists(std::string_view name) {
  return Status::AlreadyExists(S(kEntityAlreadyExists), "A policy called " + S(name) +
                                                            " already exists. Duplicate names are "
                                                            "not allowed.");
}

// "Cannot exceed quota for AccessKeysPerUser: 2" (simonw/s3-credentials#64,
// bartekj/aws-tools#29); PoliciesPerRole / PoliciesPerUser / GroupsPerUser
// alike (terraform reports of "Cannot exceed quota for PoliciesPerRole: 10").
inline Status Quota(std::string_view quota, int limit) {
  return Status::ResourceExhausted(
      S(kLimitExceeded), "Cannot exceed quota for " + S(quota) + ": " + std::to_string(limit));
}
// 99designs/iamy#21.
inline constexpr std::string_view kTooManyVersions =
    "A managed policy can have up to 5 versions. Before you create a new version, you must "
    "delete an existing version.";

// DeleteConflict texts. "must delete access keys first": AWS's DeleteUser
// answer as the issue quotes it (not found in a public record here). "must remove users from group
// first": DeleteUser and DeleteGroup (hashicorp/terraform#3774, #29147). "must delete policies
// first" (inline) and "must detach all policies first" (managed):
// awslabs/aws-orbit-workbench#633, hashicorp/boundary#5646.
inline constexpr std::string_view kMustDeleteAccessKeys =
    "Cannot delete entity, must delete access keys first.";
inline constexpr std::string_view kMustRemoveFromGroups =
    "Cannot delete entity, must remove users from group first.";
inline constexpr std::string_view kMustDeletePolicies =
    "Cannot delete entity, must delete policies first.";
inline constexpr std::string_view kMustDetachPolicies =
    "Cannot delete entity, must detach all policies first.";
// DeletePolicy: serverless/components#312, terraform-provider-aws#32906;
// versions: redradrat/aws-iam-operator#13.
inline constexpr std::string_view kPolicyAttached = "Cannot delete a policy attached to entities.";
inline constexpr std::string_view kPolicyHasVersions =
    "This policy has more than one version. Before you delete a policy, you must delete the "
    "policy's versions. The default version is deleted with the policy.";
inline constexpr std::string_view kDefaultVersion =
    "Cannot delete the default version of a policy.";

inline Status DeleteConflict(std::string_view message) {
  return Status::FailedPrecondition(S(kDeleteConflict), S(message));
}

// MalformedPolicyDocument: "Syntax errors in policy." (IAM's answer to an
// unparsable document), "Has prohibited field Resource." (a trust policy
// with Resource: devopsacademyau/academy#1368, external-dns#3085), "Policy
// document should not specify a principal." (an identity policy with one).
inline constexpr std::string_view kSyntaxErrors = "Syntax errors in policy.";
inline constexpr std::string_view kProhibitedResource = "Has prohibited field Resource.";
inline constexpr std::string_view kNoPrincipalAllowed =
    "Policy document should not specify a principal.";
inline Status Malformed(std::string_view message) {
  return Status::InvalidArgument(S(kMalformedPolicyDocument), S(message));
}

inline Status InvalidInput(std::string message) {
  return Status::InvalidArgument(S(kInvalidInput), std::move(message));
}
// Coffer's wording: AWS managed policies cannot be changed or deleted.
inline Status AwsManagedPolicy(std::string_view arn) {
  return Status::InvalidArgument(S(kUnmodifiableEntity),
                                 "Policy " + S(arn) +
                                     " is an AWS managed policy and cannot be "
                                     "modified or deleted.");
}

}  // namespace coffer::iam::messages
