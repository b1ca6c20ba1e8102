// AWS-visible message texts of Secrets Manager, in one place (aws-compat §1.3).
// Tests compare against these; change them only with evidence from AWS.
// "[guess; none found]": the issue 18 review (2026-12; AWS and SDK docs, LocalStack
// snapshots, public issue threads quoting AWS) found no recording of AWS's text.
//
// Thread-safety: constants.
#pragma once

#include <string_view>

namespace coffer::secrets::messages {

// __type values: each is a row of the Secrets Manager table in
// protocol/error_table.cc (HTTP status, message spelling), checked by
// server/error_vocabulary_test.cc.
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
// Coral's framework errors, raised here as the protocol layer would (their rows are
// in protocol/error_table.cc's framework table).
inline constexpr std::string_view kUnknownOperation = "UnknownOperationException";

// messages
inline constexpr std::string_view kSecretNotFound =
    "Secrets Manager can't find the specified secret.";
// AccessDeniedException when the caller may not use the secret's KMS key
// through Secrets Manager, on reads and writes alike [issue:
// aws-samples/aws-secrets-manager-rotation-lambdas#53 (GetSecretValue),
// aws/aws-cdk#7677 (CreateSecret), external-secrets/external-secrets#390].
inline constexpr std::string_view kKmsAccessDenied = "Access to KMS is not allowed";
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
// [snap: LocalStack raw-HTTP recording; aws-compat §2] InvalidRequestException on
// CreateSecret/UpdateSecret/PutSecretValue, InvalidParameterException on RotateSecret.
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

// --- added by the secrets module; provenance noted per line ---
// [moto/mocks, unverified on AWS]
inline constexpr std::string_view kBothValueTypes =
    "You can't specify both a binary secret value and a string secret value in the same secret.";
// [guess; none found]. Model-level length checks (ValidationException) normally answer first.
inline constexpr std::string_view kValueTooLarge =
    "The secret value exceeds the maximum allowed size of 65536 bytes.";
// [docs wording "You can't modify an existing version, you can only create a new version."]
inline constexpr std::string_view kVersionExists =
    "You can't modify an existing version, you can only create a new version.";
// [moto]
inline constexpr std::string_view kRecoveryWindowRange =
    "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).";
// [moto]
inline constexpr std::string_view kForceWithWindow =
    "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.";
// [issue: gruntwork-io/cloud-nuke#435 (2023), rebuy-de/aws-nuke#1127 (2023, 2024) quote
// AWS: InvalidParameterException "You can't delete secret <ARN> that still has replica
// regions [eu-west-2, eu-south-1]."] + ARN + kPrimaryHasReplicasMiddle + regions + "]."
inline constexpr std::string_view kPrimaryHasReplicasPrefix = "You can't delete secret ";
inline constexpr std::string_view kPrimaryHasReplicasMiddle = " that still has replica regions [";
// [issue: cloud-custodian/cloud-custodian#9093 (2023) quotes AWS TagResource:
// InvalidParameterException "You can't modify system tags. Tag key:
// 'aws:cloudformation:stack-name'."]
// kReservedTagPrefix + key + kReservedTagSuffix. (Was a guess: "You can't use the aws: prefix…".)
inline constexpr std::string_view kReservedTagPrefix = "You can't modify system tags. Tag key: '";
inline constexpr std::string_view kReservedTagSuffix = "'.";
// [guess; none found]
inline constexpr std::string_view kDuplicateTagKeys = "You can't specify duplicate tag keys.";
// [guess; none found] (50 is AWS's tagging quota [docs])
inline constexpr std::string_view kTooManyTags = "You can't add more than 50 tags to a secret.";
// [guess; none found] (20 labels per version [model: VersionStages 1-20])
inline constexpr std::string_view kTooManyLabels =
    "You can't attach more than 20 staging labels to a version of a secret.";
// [guess; none found]; the quota (100 versions, >24 h) is [docs]
inline constexpr std::string_view kTooManyVersions =
    "You can't create more versions of this secret: it has reached the maximum of 100 "
    "versions and none of the unlabeled versions is older than 24 hours.";
// [moto] + label + kRemoveFromRequiredMiddle + version id + kRemoveFromRequiredEnd
inline constexpr std::string_view kRemoveFromRequiredStart =
    "The parameter RemoveFromVersionId can't be empty. Staging label ";
inline constexpr std::string_view kRemoveFromRequiredMiddle = " is currently attached to version ";
inline constexpr std::string_view kRemoveFromRequiredEnd =
    ", so you must explicitly reference that version in RemoveFromVersionId.";
// [guess; none found]. "The staging label " + label + " is not attached to version " + id + "."
inline constexpr std::string_view kLabelNotOnVersionStart = "The staging label ";
inline constexpr std::string_view kLabelNotOnVersionMiddle = " is not attached to version ";
// [model docs, DecryptionFailure shape documentation]
inline constexpr std::string_view kCannotDecrypt =
    "Secrets Manager can't decrypt the protected secret text using the provided KMS key.";
// [model docs, EncryptionFailure shape documentation]
inline constexpr std::string_view kCannotEncrypt =
    "Secrets Manager can't encrypt the protected secret text using the provided KMS key. Check "
    "that the KMS key is available, enabled, and not in an invalid state.";

// [issue: AWS's answer quoted in public Terraform configs and deployment notes,
// "InvalidRequestException: You must provide either SecretString or SecretBinary."; moto's
// test asserts the same] PutSecretValue without a value: InvalidRequestException.
inline constexpr std::string_view kValueRequired =
    "You must provide either SecretString or SecretBinary.";
// [issue: gruntwork-io/cloud-nuke#435 (2023), rebuy-de/aws-nuke#1127 (2024, DeleteSecret on a
// replica), lgallard/terraform-aws-secrets-manager#188 (2026, PutResourcePolicy) quote AWS:
// InvalidParameterException with this text.] (Was a guess: "Operation is not permitted…".)
inline constexpr std::string_view kReplicaReadOnly =
    "Operation not permitted on a replica secret. Call must be made in primary secret's region.";
// [guess; none found]
inline constexpr std::string_view kCannotRemoveCurrent =
    "You can't remove the staging label AWSCURRENT from a version without attaching it to "
    "another version. Use MoveToVersionId.";
// [guess; none found]
inline constexpr std::string_view kMoveOrRemoveRequired =
    "You must specify MoveToVersionId, RemoveFromVersionId, or both.";
// [guess; none found] (floci, an emulator, uses the same words; not a recording)
inline constexpr std::string_view kInvalidNextTokenText = "The NextToken value is invalid.";
// [guess; none found]
inline constexpr std::string_view kInvalidReplicaRegion =
    "Invalid replica region: you can't replicate a secret to its own Region or list a Region "
    "twice.";

}  // namespace coffer::secrets::messages

// --- ListSecrets, BatchGetSecretValue, GetRandomPassword, resource policies,
// --- rotation, replication (secrets engineer 2). Evidence tag per constant.
namespace coffer::secrets::messages {

// [guess; none found] (the model's enum makes this unreachable through the protocol layer)
inline constexpr std::string_view kInvalidFilterKey = "The filter key is not valid.";
// [moto] texts of moto's BatchGetSecretValue, modelled on AWS; not recorded on AWS.
inline constexpr std::string_view kBatchIdsOrFilters =
    "Either 'SecretIdList' or 'Filters' must be provided, but not both.";
inline constexpr std::string_view kBatchMaxResultsNeedsFilters =
    "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.";
// [moto; quoted by third-party CloudFormation preflight rules as AWS's text]
inline constexpr std::string_view kPasswordTooShort =
    "Password length is too short based on the required types.";
// [third-party, "measured" against AWS; not confirmed here]
inline constexpr std::string_view kAllCharactersExcluded =
    "All characters have been excluded from selection.";
inline constexpr std::string_view kTypeCharactersExcluded =
    "All characters of the desired type have been excluded.";
// [docs: archived awsdocs manage_secret-policy.md]
inline constexpr std::string_view kPolicySyntaxError =
    "This resource policy contains a syntax error.";
inline constexpr std::string_view kPolicyUnsupportedPrincipal =
    "This resource policy contains an unsupported principal.";
inline constexpr std::string_view kPolicyInvalidServicePrincipal =
    "This resource policy contains an invalid service principal.";
inline constexpr std::string_view kPolicyBroadAccess =
    "This resource policy grants broad access to your secret. Secrets Manager does not allow "
    "creating and applying such policies in the console.";
inline constexpr std::string_view kPolicyLockout =
    "Your requested changes will not allow you to manage this secret in the future.";
// [model: PublicPolicyException documentation; aws-compat §6.3]
inline constexpr std::string_view kPublicPolicyBlocked =
    "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent "
    "broad access to the secret.";
// [guess] ValidateResourcePolicy CheckName values: [none found]. floci (an emulator, 2026) says
// AWS reports a wildcard principal as REFLEXIVE_PRINCIPAL_CHECK but cites no recording:
// not adopted.
inline constexpr std::string_view kCheckBroadAccess = "BROAD_ACCESS_CHECK";
inline constexpr std::string_view kCheckSyntax = "SYNTAX_CHECK";
inline constexpr std::string_view kCheckLockout = "LOCKOUT_CHECK";
// [issue: hashicorp/terraform-provider-aws changelog quoting AWS]
inline constexpr std::string_view kRotationBothSchedules =
    "You cannot specify both rotation frequency and schedule expression together.";
// [guess; none found]
inline constexpr std::string_view kRotationNoSchedule =
    "You must specify either rotation frequency or schedule expression.";
// [third-party CloudFormation preflight rules quoting AWS; not confirmed here]
inline constexpr std::string_view kInvalidScheduleExpression = "Invalid schedule expression.";
inline constexpr std::string_view kRateHoursRange =
    "Rate in hour should be least 4 and less than 24.";
inline constexpr std::string_view kRateDaysRange =
    "Rate in day should be greater than 0 and less than 1000.";
inline constexpr std::string_view kDurationRange =
    "Duration must be at least 1 hour, at most 24 hour.";
inline constexpr std::string_view kDurationExceedsRate =
    "Duration cannot be greater than Rate in hour.";
inline constexpr std::string_view kWindowCrossesDay =
    "Starting hour and duration must be within a day.";
// [recall]
// A RotationToken that was not issued for this secret and version, or has
// expired. [guess; AWS's text for this case is not published]
inline constexpr std::string_view kInvalidRotationToken =
    "The rotation token is not valid for this secret version.";
inline constexpr std::string_view kRotationInProgress =
    "A previous rotation isn't complete. That rotation will be reattempted.";
// [guess; none found]
inline constexpr std::string_view kNotAReplica = "The secret is not a replica secret.";

}  // namespace coffer::secrets::messages
