// Wire encoding of AWS JSON 1.1 responses: errors (Status → HTTP status,
// __type and message body, per service) and the framing of successful
// responses (status 200, standard headers). The only place that turns a
// coffer::Status into bytes for a client (style.md §5.3).
//
// Errors: the JSON 1.1 encoder of the error vocabulary (error_table.h),
// which says for each (service, reason) the __type, the HTTP status, the
// message member's spelling and, for kInternal / kDataLoss, the fixed generic
// message that replaces the internal detail. The body is {"__type":"…",
// "Message"|"message":"…"}, the message member omitted when the message is
// empty (AWS sends only __type for UnknownOperationException and malformed
// bodies).
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

// The body of an error the HTTP transport answers itself (`http_status` 408,
// 413, 431, 500, 501, 503; any other is BadRequestException), always with a
// "message" member: {"__type":"RequestEntityTooLargeException","message":…}.
EncodedError EncodeTransportError(int http_status, std::string_view message);

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
