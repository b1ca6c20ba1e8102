// AWS-visible message texts of Secrets Manager, in one place (aws-compat §1.3).
// Tests compare against these; change them only with evidence from AWS.
#pragma once

#include <string_view>

namespace coffer::secrets::messages {

// __type values
inline constexpr std::string_view kResourceNotFound = "ResourceNotFoundException";
inline constexpr std::string_view kInvalidParameter = "InvalidParameterException";
inline constexpr std::string_view kInvalidRequest = "InvalidRequestException";
inline constexpr std::string_view kResourceExists = "ResourceExistsException";
inline constexpr std::string_view kLimitExceeded = "LimitExceededException";
inline constexpr std::string_view kEncryptionFailure = "EncryptionFailure";
inline constexpr std::string_view kDecryptionFailure = "DecryptionFailure";
inline constexpr std::string_view kMalformedPolicy = "MalformedPolicyDocumentException";
inline constexpr std::string_view kPublicPolicy = "PublicPolicyException";
inline constexpr std::string_view kInvalidNextToken = "InvalidNextTokenException";
inline constexpr std::string_view kValidation = "ValidationException";
inline constexpr std::string_view kAccessDenied = "AccessDeniedException";
inline constexpr std::string_view kPreconditionNotMet = "PreconditionNotMetException";

// messages
inline constexpr std::string_view kSecretNotFound = "Secrets Manager can't find the specified secret.";
inline constexpr std::string_view kValueNotFoundForStage =
    "Secrets Manager can't find the specified secret value for staging label: ";  // + label
inline constexpr std::string_view kValueNotFoundForVersion =
    "Secrets Manager can't find the specified secret value for VersionId: ";  // + id
inline constexpr std::string_view kStageNotOnVersion =
    "You provided a VersionStage that is not associated to the provided VersionId.";
inline constexpr std::string_view kMarkedForDeletion =
    "You can't perform this operation on the secret because it was marked for deletion.";
inline constexpr std::string_view kNameScheduledForDeletion =
    "You can't create this secret because a secret with this name is already scheduled for "
    "deletion.";
inline constexpr std::string_view kMissingClientRequestToken =
    "You must provide a ClientRequestToken value. We recommend a UUID-type value.";
inline constexpr std::string_view kInvalidName =
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
    "following: -/_+=.@!";
inline constexpr std::string_view kNoRotationLambda =
    "No Lambda rotation function ARN is associated with this secret.";
inline constexpr std::string_view kCannotInvokeLambda =
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function "
    "policy grants access to the principal secretsmanager.amazonaws.com.";
inline constexpr std::string_view kAlreadyDeleted =
    "You tried to perform the operation on a secret that's currently marked deleted.";

}  // namespace coffer::secrets::messages
