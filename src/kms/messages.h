// AWS-visible texts of the KMS API, in one place. Each line carries its
// evidence: [model] the KMS service model, [docs] AWS documentation, [snap] a
// response recorded from AWS (aws-compat §5), [issue] an AWS answer quoted in
// a public bug report, [moto] moto's emulation, [guess] our best wording.
// Change them only with better evidence. "[none found]": the issue 18 review
// (2026-12; AWS docs, public issue threads) found no recording of AWS's text.
//
// Thread-safety: constants.
#pragma once

#include <string_view>

namespace coffer::kms::messages {

// __type values [model]: each is a row of the KMS table in
// protocol/error_table.cc (HTTP status, message spelling), checked by
// server/error_vocabulary_test.cc.
inline constexpr std::string_view kNotFound = "NotFoundException";
inline constexpr std::string_view kValidation = "ValidationException";
inline constexpr std::string_view kAlreadyExists = "AlreadyExistsException";
inline constexpr std::string_view kDisabled = "DisabledException";
inline constexpr std::string_view kInvalidState = "KMSInvalidStateException";
inline constexpr std::string_view kInvalidCiphertext = "InvalidCiphertextException";
inline constexpr std::string_view kIncorrectKey = "IncorrectKeyException";
inline constexpr std::string_view kInvalidKeyUsage = "InvalidKeyUsageException";
inline constexpr std::string_view kUnsupported = "UnsupportedOperationException";
inline constexpr std::string_view kMalformedPolicy = "MalformedPolicyDocumentException";
inline constexpr std::string_view kTag = "TagException";
inline constexpr std::string_view kLimitExceeded = "LimitExceededException";
inline constexpr std::string_view kInvalidMarker = "InvalidMarkerException";
inline constexpr std::string_view kNotAuthorized = "NotAuthorizedException";
inline constexpr std::string_view kAccessDenied = "AccessDeniedException";  // [issue]
inline constexpr std::string_view kDryRun = "DryRunOperationException";
// Coral's framework error for a body member that does not deserialize (raised here
// as the protocol layer would; its row is in protocol/error_table.cc).
inline constexpr std::string_view kSerialization = "SerializationException";

// [snap] (aws-compat §5.2)
inline constexpr std::string_view kAliasPrefix =
    "Alias must start with the prefix \"alias/\". Please see "
    "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html";
// [snap]
inline constexpr std::string_view kIncorrectKeyMessage =
    "The key ID in the request does not identify a CMK that can perform this operation.";
// [snap]
inline constexpr std::string_view kNumberOfBytesRequired = "NumberOfBytes is required.";
// [snap] TagException texts (aws-compat §5.2)
inline constexpr std::string_view kReservedTag = "Tags beginning with aws: are reserved";
inline constexpr std::string_view kDuplicateTags = "Duplicate tag keys";
inline constexpr std::string_view kTooManyTags = "Too many tags";
// [moto] "Alias <alias arn> is not found." is produced by crypto::Keyring.
// [moto] + alias ARN + " already exists"
inline constexpr std::string_view kAliasExistsPrefix = "An alias with the name ";
// [moto]
inline constexpr std::string_view kAliasTargetsAlias = "Aliases must refer to keys. Not aliases";
// [moto]
inline constexpr std::string_view kNoSuchPolicy = "No such policy exists";
// [guess, partly sourced] KeySpec/NumberOfBytes given together. nsmithuk/local-kms#6 (2019)
// quotes AWS for neither given: "Please specify either number of bytes or key spec."; the
// ", not both" ending is ours.
inline constexpr std::string_view kKeySpecAndBytes =
    "Please specify either number of bytes or key spec, not both.";
// [docs] DryRunOperationException description
inline constexpr std::string_view kDryRunMessage =
    "The request would have succeeded, but the DryRun option is set.";
// [guess; none found]
inline constexpr std::string_view kInvalidMarkerMessage = "Invalid marker";
// [guess] suffix after "<key arn>". [none found] (AWS's "<key arn> is pending deletion." for
// KMSInvalidStateException is quoted in hashicorp/terraform-provider-aws#17889.)
inline constexpr std::string_view kNotPendingDeletionSuffix = " is not pending deletion.";
// [docs: "You can perform on-demand rotation a maximum of 10 times per KMS key"]
// [guess; none found] wording
inline constexpr std::string_view kTooManyOnDemandRotations =
    "The key has reached the maximum of 10 on-demand rotations.";
// [guess] Coffer serves only symmetric encryption keys
inline constexpr std::string_view kUnsupportedPrefix = "Coffer does not support ";
// [guess] MalformedPolicyDocumentException texts: [none found]
inline constexpr std::string_view kPolicyNotJson = "The policy is not valid JSON.";
inline constexpr std::string_view kPolicyNoStatement =
    "Policy contains a statement with no Statement element.";
inline constexpr std::string_view kPolicyBadStatement =
    "Policy contains a statement that is not an object.";
inline constexpr std::string_view kPolicyBadEffect =
    "Policy contains a statement with an invalid Effect. Valid values are Allow and Deny.";
inline constexpr std::string_view kPolicyNoPrincipal =
    "Policy contains a statement with no principal.";
// [snap-like wording of AWS's principal error]
inline constexpr std::string_view kPolicyBadPrincipal =
    "Policy contains a statement with one or more invalid principals.";
inline constexpr std::string_view kPolicyNoAction = "Policy contains a statement with no Action.";
// The policy lockout safety check of CreateKey/PutKeyPolicy [issue:
// trussworks/terraform-aws-cloudtrail#178, terraform-aws-modules/terraform-aws-kms#14].
inline constexpr std::string_view kPolicyLockout =
    "The new key policy will not allow you to update the key policy in the future.";
inline constexpr std::string_view kPolicyBadVersion =
    "Policy contains an unsupported Version. Valid values are 2012-10-17 and 2008-10-17.";
// [guess] a ciphertext from another account or region
// (InvalidCiphertextException with an empty message, as for other damage [snap]).

// AccessDeniedException's text is auth::policy::AccessDeniedMessage's, e.g. for
// what an AWS managed key's policy does not allow
// [issue: elastic/cloudbeat#1749 quotes "User: <principal> is not authorized to
// perform: kms:<Action> on resource: <key arn> because no resource-based
// policy allows the kms:<Action> action"].

}  // namespace coffer::kms::messages
