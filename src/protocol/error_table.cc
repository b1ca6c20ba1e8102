#include "protocol/error_table.h"

#include <array>

namespace coffer::protocol {
namespace {

constexpr auto kUpper = MessageMember::kUpper;
constexpr auto kLower = MessageMember::kLower;
constexpr auto kSvc = MessageMember::kService;
constexpr auto kNo = StatusCode::kOk;  // no default_for

// Coral's framework errors, whatever the service. Evidence for the types
// and spellings:
//   lowercase "message": the auth layer (InvalidSignatureException
//     aws-sdk-ruby#431, UnrecognizedClientException, IncompleteSignature,
//     ExpiredToken: aws-compat §3.2 [issue]; MissingAuthenticationToken by
//     the same layer), ThrottlingException ({"__type":"com.amazon.coral.
//     availability#ThrottlingException","message":"Rate exceeded"} in
//     several client test suites), ServiceUnavailableException (same
//     availability layer; recall).
//   capital "Message": SerializationException (measured on Athena 2026;
//     {"__type":"com.amazon.coral.service#SerializationException",
//     "Message":null} in flexera-plugins#106).
//   the service's spelling: UnknownOperationException (sent without a
//     message, protocol/errors.h) and the model validator's
//     ValidationException (SM's own shape, com.amazon.AWSMimirService#
//     ValidationException, aws-sdk-js-v3#1215; KMS lowercase).
//   transport rows: what the HTTP layer answers before a service is chosen
//     (aws-compat §10), always with "message".
constexpr std::array<ErrorRow, 16> kFrameworkRows = {{
    {"UnknownOperationException", 400, kSvc},
    {"SerializationException", 400, kUpper},
    {"ValidationException", 400, kSvc},
    {"MissingAuthenticationTokenException", 400, kLower},
    {"IncompleteSignatureException", 400, kLower},
    {"InvalidSignatureException", 400, kLower},
    {"UnrecognizedClientException", 400, kLower, StatusCode::kUnauthenticated},
    {"ExpiredTokenException", 400, kLower},
    {"ThrottlingException", 400, kLower, StatusCode::kResourceExhausted},
    {"ServiceUnavailableException", 503, kLower, StatusCode::kUnavailable, true},
    {"RequestTimeoutException", 408, kLower, StatusCode::kOk, true},
    {"RequestEntityTooLargeException", 413, kLower, StatusCode::kOk, true},
    {"RequestHeaderFieldsTooLargeException", 431, kLower, StatusCode::kOk, true},
    {"InternalFailure", 500, kLower, StatusCode::kOk, true},
    {"NotImplementedException", 501, kLower, StatusCode::kOk, true},
    {"BadRequestException", 400, kLower, StatusCode::kOk, true},
}};

// Secrets Manager: every exception shape of the model (all spell "Message"
// [model]; InternalServiceError is its one fault), plus AccessDenied, which
// SM sends though its model has no shape for it.
constexpr std::array<ErrorRow, 13> kSecretsManagerRows = {{
    {"InvalidParameterException", 400, kUpper, StatusCode::kInvalidArgument},
    {"ResourceNotFoundException", 400, kUpper, StatusCode::kNotFound},
    {"ResourceExistsException", 400, kUpper, StatusCode::kAlreadyExists},
    {"InvalidRequestException", 400, kUpper, StatusCode::kFailedPrecondition},
    {"AccessDeniedException", 400, kUpper, StatusCode::kPermissionDenied},
    {"DecryptionFailure", 400, kUpper},
    {"EncryptionFailure", 400, kUpper},
    {"InternalServiceError", 500, kUpper},
    {"InvalidNextTokenException", 400, kUpper},
    {"LimitExceededException", 400, kUpper},
    {"MalformedPolicyDocumentException", 400, kUpper},
    {"PreconditionNotMetException", 400, kUpper},
    {"PublicPolicyException", 400, kUpper},
}};

// KMS: the model's exception shapes Coffer raises or may raise (all spell
// "message" [model]; three are faults), plus ValidationException and
// AccessDeniedException, which KMS sends outside its model [issue]. The
// crypto layer's reasons (crypto/key_errors.h) are the first rows' names.
constexpr std::array<ErrorRow, 19> kKmsRows = {{
    {"ValidationException", 400, kLower, StatusCode::kInvalidArgument},
    {"NotFoundException", 400, kLower, StatusCode::kNotFound},
    {"AlreadyExistsException", 400, kLower, StatusCode::kAlreadyExists},
    {"KMSInvalidStateException", 400, kLower, StatusCode::kFailedPrecondition},
    {"AccessDeniedException", 400, kLower, StatusCode::kPermissionDenied},
    {"DisabledException", 400, kLower},
    {"InvalidCiphertextException", 400, kLower},
    {"InvalidKeyUsageException", 400, kLower},
    {"LimitExceededException", 400, kLower},
    {"IncorrectKeyException", 400, kLower},
    {"UnsupportedOperationException", 400, kLower},
    {"MalformedPolicyDocumentException", 400, kLower},
    {"TagException", 400, kLower},
    {"InvalidMarkerException", 400, kLower},
    {"NotAuthorizedException", 400, kLower},
    {"DryRunOperationException", 400, kLower},
    {"KMSInternalException", 500, kLower},
    {"DependencyTimeoutException", 500, kLower},
    {"KeyUnavailableException", 500, kLower},
}};

// The Query services' framework errors (IAM, STS): the framework failures
// above under the codes AWS Query services send, each answering the JSON
// reason the raising layer uses (ErrorRow::reason). All spell <Message>.
// Evidence:
//   ValidationError: IAM/STS answer model violations with Code
//     ValidationError and Coral's "N validation error(s) detected: ..." text
//     (AWS Common Errors, 400; IAM's "1 validation error detected: Value ...
//     at 'userName' failed to satisfy constraint: Member must satisfy
//     regular expression pattern: [\w+=,.@-]+", recall).
//   InvalidClientTokenId 403 "The security token included in the request is
//     invalid.": IAM and STS <ErrorResponse> bodies quoted in client test
//     suites (<Type>Sender</Type>, 403). SignatureDoesNotMatch 403,
//     IncompleteSignature 400, MissingAuthenticationToken 403, ExpiredToken
//     403, Throttling 400 ("Rate exceeded"), ServiceUnavailable 503,
//     AccessDenied 403, InternalFailure 500: AWS's common Query errors (AWS
//     API reference, "Common Errors"; recall).
//   MissingAction "Missing Action" and InvalidAction "Could not find
//     operation X for version Y": S3Proxy's STS emulation and Query
//     emulators' test suites (protocol/query.h).
//   MalformedQueryString: the common Query error for a query string that
//     cannot be parsed (AWS Common Errors); the texts are ours.
constexpr std::array<ErrorRow, 13> kQueryFrameworkRows = {{
    {"ValidationError", 400, kUpper, StatusCode::kInvalidArgument, false, "ValidationException"},
    {"InvalidAction", 400, kUpper, kNo, false, "UnknownOperationException"},
    {"MissingAction", 400, kUpper},
    {"MalformedQueryString", 400, kUpper, kNo, false, "SerializationException"},
    {"InvalidClientTokenId", 403, kUpper, StatusCode::kUnauthenticated, false,
     "UnrecognizedClientException"},
    {"SignatureDoesNotMatch", 403, kUpper, kNo, false, "InvalidSignatureException"},
    {"IncompleteSignature", 400, kUpper, kNo, false, "IncompleteSignatureException"},
    {"MissingAuthenticationToken", 403, kUpper, kNo, false, "MissingAuthenticationTokenException"},
    {"ExpiredToken", 403, kUpper, kNo, false, "ExpiredTokenException"},
    {"AccessDenied", 403, kUpper, StatusCode::kPermissionDenied, false, "AccessDeniedException"},
    {"Throttling", 400, kUpper, StatusCode::kResourceExhausted, false, "ThrottlingException"},
    {"ServiceUnavailable", 503, kUpper, StatusCode::kUnavailable, false,
     "ServiceUnavailableException"},
    {"InternalFailure", 500, kUpper},
}};

// IAM: every error shape of the model, with the code and HTTP status of its
// "error" trait [model] (shapes without one: their name and 400, as
// botocore assumes); the shape name is the row's second reason.
// ServiceFailure is IAM's modeled fault, used for internal errors.
constexpr std::array<ErrorRow, 35> kIamRows = {{
    {"AccountNotManagementOrDelegatedAdministratorException", 400, kUpper},
    {"CallerIsNotManagementAccountException", 400, kUpper},
    {"ConcurrentModification", 409, kUpper, kNo, false, "ConcurrentModificationException"},
    {"ReportExpired", 410, kUpper, kNo, false, "CredentialReportExpiredException"},
    {"ReportNotPresent", 410, kUpper, kNo, false, "CredentialReportNotPresentException"},
    {"ReportInProgress", 404, kUpper, kNo, false, "CredentialReportNotReadyException"},
    {"DeleteConflict", 409, kUpper, StatusCode::kFailedPrecondition, false,
     "DeleteConflictException"},
    {"DuplicateCertificate", 409, kUpper, kNo, false, "DuplicateCertificateException"},
    {"DuplicateSSHPublicKey", 400, kUpper, kNo, false, "DuplicateSSHPublicKeyException"},
    {"EntityAlreadyExists", 409, kUpper, StatusCode::kAlreadyExists, false,
     "EntityAlreadyExistsException"},
    {"EntityTemporarilyUnmodifiable", 409, kUpper, kNo, false,
     "EntityTemporarilyUnmodifiableException"},
    {"FeatureDisabled", 404, kUpper, kNo, false, "FeatureDisabledException"},
    {"FeatureEnabled", 409, kUpper, kNo, false, "FeatureEnabledException"},
    {"InvalidAuthenticationCode", 403, kUpper, kNo, false, "InvalidAuthenticationCodeException"},
    {"InvalidCertificate", 400, kUpper, kNo, false, "InvalidCertificateException"},
    {"InvalidInput", 400, kUpper, StatusCode::kInvalidArgument, false, "InvalidInputException"},
    {"InvalidPublicKey", 400, kUpper, kNo, false, "InvalidPublicKeyException"},
    {"InvalidUserType", 400, kUpper, kNo, false, "InvalidUserTypeException"},
    {"KeyPairMismatch", 400, kUpper, kNo, false, "KeyPairMismatchException"},
    {"LimitExceeded", 409, kUpper, kNo, false, "LimitExceededException"},
    {"MalformedCertificate", 400, kUpper, kNo, false, "MalformedCertificateException"},
    {"MalformedPolicyDocument", 400, kUpper, kNo, false, "MalformedPolicyDocumentException"},
    {"NoSuchEntity", 404, kUpper, StatusCode::kNotFound, false, "NoSuchEntityException"},
    {"OpenIdIdpCommunicationError", 400, kUpper, kNo, false,
     "OpenIdIdpCommunicationErrorException"},
    {"OrganizationNotFoundException", 400, kUpper},
    {"OrganizationNotInAllFeaturesModeException", 400, kUpper},
    {"PasswordPolicyViolation", 400, kUpper, kNo, false, "PasswordPolicyViolationException"},
    {"PolicyEvaluation", 500, kUpper, kNo, false, "PolicyEvaluationException"},
    {"PolicyNotAttachable", 400, kUpper, kNo, false, "PolicyNotAttachableException"},
    {"ReportGenerationLimitExceeded", 409, kUpper, kNo, false,
     "ReportGenerationLimitExceededException"},
    {"ServiceAccessNotEnabledException", 400, kUpper},
    {"ServiceFailure", 500, kUpper, kNo, false, "ServiceFailureException"},
    {"NotSupportedService", 404, kUpper, kNo, false, "ServiceNotSupportedException"},
    {"UnmodifiableEntity", 400, kUpper, kNo, false, "UnmodifiableEntityException"},
    {"UnrecognizedPublicKeyEncoding", 400, kUpper, kNo, false,
     "UnrecognizedPublicKeyEncodingException"},
}};

// STS: every error shape of the model, as for IAM [model]. Its
// ExpiredTokenException (a web identity token past its expiry) shadows the
// Query framework's ExpiredToken for the reason "ExpiredTokenException".
constexpr std::array<ErrorRow, 12> kStsRows = {{
    {"ExpiredTokenException", 400, kUpper},
    {"ExpiredTradeInTokenException", 400, kUpper},
    {"IDPCommunicationError", 400, kUpper, kNo, false, "IDPCommunicationErrorException"},
    {"IDPRejectedClaim", 403, kUpper, kNo, false, "IDPRejectedClaimException"},
    {"InvalidAuthorizationMessageException", 400, kUpper},
    {"InvalidIdentityToken", 400, kUpper, kNo, false, "InvalidIdentityTokenException"},
    {"JWTPayloadSizeExceededException", 400, kUpper},
    {"MalformedPolicyDocument", 400, kUpper, kNo, false, "MalformedPolicyDocumentException"},
    {"OutboundWebIdentityFederationDisabledException", 403, kUpper},
    {"PackedPolicyTooLarge", 400, kUpper, kNo, false, "PackedPolicyTooLargeException"},
    {"RegionDisabledException", 403, kUpper},
    {"SessionDurationEscalationException", 403, kUpper},
}};

// Generic texts for faults: AWS's own descriptions of the two shapes
// (SM API reference for InternalServiceError; KMS API reference for
// KMSInternalException).
constexpr ErrorTable kFramework{kFrameworkRows, kLower, "InternalFailure", ""};
constexpr ErrorTable kSecretsManager{kSecretsManagerRows, kUpper, "InternalServiceError",
                                     "An error occurred on the server side."};
constexpr ErrorTable kKms{kKmsRows, kLower, "KMSInternalException",
                          "The request was rejected because an internal exception occurred. "
                          "The request can be retried."};

// Internal errors of the Query services: IAM's modeled fault and the common
// InternalFailure, both with AWS's text for them (IAM ServiceFailureException
// documentation; AWS Common Errors, InternalFailure).
constexpr std::string_view kQueryInternalMessage =
    "The request processing has failed because of an unknown error, exception or failure.";
constexpr ErrorTable kQueryFramework{kQueryFrameworkRows, kUpper, "InternalFailure",
                                     kQueryInternalMessage};
constexpr ErrorTable kIam{kIamRows, kUpper, "ServiceFailure", kQueryInternalMessage};
constexpr ErrorTable kSts{kStsRows, kUpper, "InternalFailure", kQueryInternalMessage};

const ErrorRow* FindIn(const ErrorTable& table, std::string_view type) {
  for (const ErrorRow& row : table.rows)
    if (row.type == type || (!row.reason.empty() && row.reason == type)) return &row;
  return nullptr;
}

const ErrorTable& FrameworkOf(Service service) {
  return IsQueryService(service) ? kQueryFramework : kFramework;
}

const ErrorRow* DefaultIn(const ErrorTable& table, StatusCode code) {
  for (const ErrorRow& row : table.rows)
    if (row.default_for == code) return &row;
  return nullptr;
}

}  // namespace

const ErrorTable& FrameworkErrors() { return kFramework; }
const ErrorTable& SecretsManagerErrors() { return kSecretsManager; }
const ErrorTable& KmsErrors() { return kKms; }
const ErrorTable& IamErrors() { return kIam; }
const ErrorTable& StsErrors() { return kSts; }
const ErrorTable& QueryFrameworkErrors() { return kQueryFramework; }

const ErrorTable& TableOf(Service service) {
  switch (service) {
    case Service::kSecretsManager: return kSecretsManager;
    case Service::kKms: return kKms;
    case Service::kIam: return kIam;
    case Service::kSts: return kSts;
  }
  return kSecretsManager;
}

const ErrorRow* FindErrorRow(Service service, std::string_view reason) {
  if (const ErrorRow* row = FindIn(TableOf(service), reason)) return row;
  return FindIn(FrameworkOf(service), reason);
}

WireError ResolveError(const Status& status, Service service) {
  const ErrorTable& table = TableOf(service);
  WireError out;
  const StatusCode code = status.ok() ? StatusCode::kInternal : status.code();
  if (code == StatusCode::kInternal || code == StatusCode::kDataLoss) {
    // The status message is internal detail, for the log only.
    out.type = table.internal_type;
    out.http_status = 500;
    out.member = table.default_member;
    out.message = table.internal_message;
    return out;
  }
  const ErrorRow* row = nullptr;
  if (status.reason().empty()) {
    row = DefaultIn(table, code);
    if (row == nullptr) row = DefaultIn(FrameworkOf(service), code);
    out.type = row != nullptr ? row->type : table.internal_type;
  } else {
    row = FindErrorRow(service, status.reason());
    // A row found through its `reason` answers with its own type (Query).
    out.type = row != nullptr ? row->type : std::string_view(status.reason());
  }
  out.http_status = code == StatusCode::kUnavailable ? 503
                    : row != nullptr                 ? row->http_status
                                                     : 400;
  MessageMember member = row != nullptr ? row->member : MessageMember::kService;
  out.member = member == MessageMember::kService ? table.default_member : member;
  out.message = status.message();
  return out;
}

const ErrorRow& TransportErrorRow(int http_status) {
  const ErrorRow* bad_request = nullptr;
  for (const ErrorRow& row : kFrameworkRows) {
    if (!row.transport) continue;
    if (row.http_status == http_status) return row;
    if (row.type == "BadRequestException") bad_request = &row;
  }
  return *bad_request;
}

}  // namespace coffer::protocol
