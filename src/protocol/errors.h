// Error types produced by the AWS JSON 1.1 framework layer itself (dispatch,
// body deserialization, model validation), as opposed to the modeled errors
// a service raises. These are Coral's framework errors; their __type and
// message texts are what real AWS sends (evidence in each comment).
//
// All are client errors (StatusCode::kInvalidArgument, HTTP 400; rows of the
// framework table in error_table.cc). An empty message means AWS sends no
// message member at all; EncodeError omits it.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <string>
#include <string_view>

#include "coffer/status.h"

namespace coffer::protocol {

// __type values.
inline constexpr std::string_view kUnknownOperationException = "UnknownOperationException";
inline constexpr std::string_view kSerializationException = "SerializationException";
inline constexpr std::string_view kValidationException = "ValidationException";

// Missing, empty, malformed or unknown X-Amz-Target. Measured on a Coral JSON
// 1.1 service (Athena, 2026-09-23, third-party emulator test suite): for an
// unknown op, a target without the prefix, a lowercased target, an empty
// header and no header at all, AWS answers 400 with exactly
// {"__type":"UnknownOperationException"} (no message member).
inline Status UnknownOperationError() {
  return Status::InvalidArgument(std::string(kUnknownOperationException), "");
}

// The body could not be deserialized into the operation's input shape.
// `message` is one of the k*Message texts below, or empty where AWS sends no
// message (malformed JSON, non-object body: same Athena measurement;
// Firehose answers {"__type":"SerializationException"} too, aws-sdk-perl#237).
inline Status SerializationError(std::string message) {
  return Status::InvalidArgument(std::string(kSerializationException), std::move(message));
}

// Jackson-token texts Coral uses when a JSON value has the wrong type
// (measured on Athena, see above; DynamoDB answers "Expected null" for a
// scalar where a structure belongs, aws-sdk-js#44).
inline constexpr std::string_view kStartOfListMessage = "Start of list found where not expected";
inline constexpr std::string_view kStartOfObjectMessage =
    "Start of structure or map found where not expected.";
inline constexpr std::string_view kExpectedListMessage = "Expected list or null";
inline constexpr std::string_view kExpectedStructureMessage = "Expected null";

}  // namespace coffer::protocol
