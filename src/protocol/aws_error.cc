#include "protocol/aws_error.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>

#include "protocol/errors.h"

namespace coffer::protocol {
namespace {

// Generic texts for faults: AWS's own descriptions of the two shapes
// (SM API reference for InternalServiceError; KMS API reference for
// KMSInternalException).
constexpr std::string_view kSmInternalMessage = "An error occurred on the server side.";
constexpr std::string_view kKmsInternalMessage =
    "The request was rejected because an internal exception occurred. The request can be "
    "retried.";

std::string_view DefaultType(StatusCode code, Service service) {
  bool kms = service == Service::kKms;
  switch (code) {
    case StatusCode::kInvalidArgument: return kms ? "ValidationException" : "InvalidParameterException";
    case StatusCode::kNotFound: return kms ? "NotFoundException" : "ResourceNotFoundException";
    case StatusCode::kAlreadyExists: return kms ? "AlreadyExistsException" : "ResourceExistsException";
    case StatusCode::kFailedPrecondition:
      return kms ? "KMSInvalidStateException" : "InvalidRequestException";
    case StatusCode::kPermissionDenied: return "AccessDeniedException";
    case StatusCode::kUnauthenticated: return "UnrecognizedClientException";
    case StatusCode::kResourceExhausted: return "ThrottlingException";
    case StatusCode::kUnavailable: return "ServiceUnavailableException";
    default: return kms ? "KMSInternalException" : "InternalServiceError";
  }
}

bool IsModeledFault(std::string_view type) {
  // "fault": true in the embedded models (SM: InternalServiceError; KMS:
  // KMSInternalException, DependencyTimeoutException, KeyUnavailableException).
  static constexpr std::array<std::string_view, 4> kFaults = {
      "InternalServiceError", "KMSInternalException", "DependencyTimeoutException",
      "KeyUnavailableException"};
  for (auto f : kFaults)
    if (f == type) return true;
  return false;
}

}  // namespace

std::string_view MessageKey(std::string_view type, Service service) {
  // Coral framework errors, whatever the service:
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
  static constexpr std::array<std::string_view, 7> kLower = {
      "InvalidSignatureException", "IncompleteSignatureException",
      "MissingAuthenticationTokenException", "UnrecognizedClientException",
      "ExpiredTokenException", "ThrottlingException", "ServiceUnavailableException"};
  for (auto t : kLower)
    if (t == type) return "message";
  if (type == kSerializationException) return "Message";
  // Everything else follows the service's own exception shapes: every
  // Secrets Manager shape has "Message", every KMS shape "message" [model].
  // That covers SM's ValidationException, which is SM's own shape
  // (com.amazon.AWSMimirService#ValidationException, aws-sdk-js-v3#1215),
  // and AccessDeniedException (DynamoDB records it with "Message"; KMS is
  // lowercase throughout). Clients read either spelling (aws-compat §2).
  return service == Service::kKms ? "message" : "Message";
}

EncodedError EncodeError(const Status& status, Service service) {
  EncodedError out;
  std::string_view message = status.message();
  StatusCode code = status.ok() ? StatusCode::kInternal : status.code();
  if (code == StatusCode::kInternal || code == StatusCode::kDataLoss) {
    out.http_status = 500;
    out.type = service == Service::kKms ? "KMSInternalException" : "InternalServiceError";
    message = service == Service::kKms ? kKmsInternalMessage : kSmInternalMessage;
  } else {
    out.type = status.reason().empty() ? std::string(DefaultType(code, service)) : status.reason();
    out.http_status = code == StatusCode::kUnavailable ? 503 : IsModeledFault(out.type) ? 500 : 400;
  }
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  WriteString(w, "__type", out.type);
  if (!message.empty()) WriteString(w, MessageKey(out.type, service), message);
  w.EndObject();
  out.body.assign(buffer.GetString(), buffer.GetSize());
  return out;
}

EncodedResponse EncodeSuccess(const std::function<void(JsonWriter&)>& fill) {
  JsonBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  if (fill) fill(w);
  w.EndObject();
  return EncodedResponse{200, std::string(buffer.GetString(), buffer.GetSize())};
}

EncodedResponse EncodeEmptySuccess() { return EncodedResponse{200, ""}; }

std::array<Header, 2> ResponseHeaders(std::string_view request_id) {
  return {{{"Content-Type", kJsonContentType}, {"x-amzn-RequestId", request_id}}};
}

}  // namespace coffer::protocol
