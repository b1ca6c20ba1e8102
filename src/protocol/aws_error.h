// Wire encoding of AWS JSON 1.1 responses: errors (Status → HTTP status,
// __type and message body, per service) and the framing of successful
// responses (status 200, standard headers). The only place that turns a
// coffer::Status into bytes for a client (style.md §5.3).
//
// Error mapping:
//   - __type is status.reason(); when empty, a per-service default for the
//     code (Secrets Manager: InvalidParameterException, ResourceNotFound-
//     Exception, ResourceExistsException, InvalidRequestException, …; KMS:
//     ValidationException, NotFoundException, AlreadyExistsException,
//     KMSInvalidStateException, …).
//   - kInternal / kDataLoss → 500 InternalServiceError (SM) or
//     KMSInternalException (KMS) with a fixed generic message; the status
//     message (internal detail) is never sent.
//   - kUnavailable → 503 (ServiceUnavailableException unless a reason is set).
//   - Modeled faults (InternalServiceError, KMSInternalException,
//     DependencyTimeoutException, KeyUnavailableException: "fault": true in
//     the models) → 500.
//   - Everything else, throttling included, → 400.
//   - Message member: omitted when the message is empty (AWS sends only
//     __type for UnknownOperationException and malformed bodies). Otherwise
//     "message" or "Message" as AWS spells it for that __type: see
//     MessageKey in aws_error.cc for the table and evidence.
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/status.h"
#include "common/json.h"
#include "protocol/target.h"

namespace coffer::protocol {

inline constexpr std::string_view kJsonContentType = "application/x-amz-json-1.1";

struct EncodedError {
  int http_status = 500;
  std::string body;  // {"__type":"…","Message":"…"}
  std::string type;  // the __type, for logs and metrics
};

// REQUIRES: !status.ok() (an OK status is encoded as an internal error).
EncodedError EncodeError(const Status& status, Service service);

// The member name carrying the message for errors of `type` from `service`:
// "Message" or "message".
std::string_view MessageKey(std::string_view type, Service service);

struct EncodedResponse {
  int http_status = 200;
  std::string body;
};

// A successful response whose JSON object members are written by `fill`
// (between the braces), e.g. WriteString(w, "ARN", arn).
EncodedResponse EncodeSuccess(const std::function<void(JsonWriter&)>& fill);
// A successful response of an operation without output: 200 and an empty
// body, as the awsJson1_1 spec says such operations SHOULD send.
EncodedResponse EncodeEmptySuccess();

struct Header {
  std::string_view name;
  std::string_view value;
};

// Headers every response carries, success or error (aws-compat §2, §10):
// Content-Type: application/x-amz-json-1.1 and x-amzn-RequestId (a view of
// `request_id`).
std::array<Header, 2> ResponseHeaders(std::string_view request_id);

}  // namespace coffer::protocol
