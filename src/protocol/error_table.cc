#include "protocol/error_table.h"

#include <array>

namespace coffer::protocol {
namespace {

constexpr auto kUpper = MessageMember::kUpper;
constexpr auto kLower = MessageMember::kLower;
constexpr auto kSvc = MessageMember::kService;

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

// Generic texts for faults: AWS's own descriptions of the two shapes
// (SM API reference for InternalServiceError; KMS API reference for
// KMSInternalException).
constexpr ErrorTable kFramework{kFrameworkRows, kLower, "InternalFailure", ""};
constexpr ErrorTable kSecretsManager{kSecretsManagerRows, kUpper, "InternalServiceError",
                                     "An error occurred on the server side."};
constexpr ErrorTable kKms{kKmsRows, kLower, "KMSInternalException",
                          "The request was rejected because an internal exception occurred. "
                          "The request can be retried."};

const ErrorRow* FindIn(const ErrorTable& table, std::string_view type) {
  for (const ErrorRow& row : table.rows)
    if (row.type == type) return &row;
  return nullptr;
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

const ErrorTable& TableOf(Service service) {
  switch (service) {
    case Service::kSecretsManager: return kSecretsManager;
    case Service::kKms: return kKms;
  }
  return kSecretsManager;
}

const ErrorRow* FindErrorRow(Service service, std::string_view reason) {
  if (const ErrorRow* row = FindIn(TableOf(service), reason)) return row;
  return FindIn(kFramework, reason);
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
    if (row == nullptr) row = DefaultIn(kFramework, code);
    out.type = row != nullptr ? row->type : table.internal_type;
  } else {
    out.type = status.reason();
    row = FindErrorRow(service, out.type);
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
