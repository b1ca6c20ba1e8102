// Request body parsing for the AWS JSON 1.1 protocol: turns the raw HTTP body
// into a RapidJSON document, rejecting everything Coral's deserializer
// rejects before the model is consulted.
//
// The parser never recurses (RapidJSON kParseIterativeFlag), caps nesting at
// kMaxJsonDepth, checks every decoded string and member name for well-formed
// UTF-8 (so "\udc00" escapes are caught too) and rejects duplicate member
// names. Errors are SerializationException, 400 (errors.h).
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

#include "coffer/result.h"
#include "common/json.h"

namespace coffer::protocol {

// The deepest legitimate input of either model nests 4 containers
// (ListSecrets → Filters → Filter → Values); anything near this is abuse.
inline constexpr int kMaxJsonDepth = 64;

// Parses a request body. An empty body is the empty object {} (the awsJson1_1
// spec lets clients omit the body of an empty input; aws-compat §2). Real AWS
// (Athena, measured) answers an empty body with SerializationException
// instead; we follow the spec.
// Errors (SerializationException, 400):
//   - malformed JSON, trailing data, a top level other than an object or
//     array, invalid UTF-8, nesting deeper than kMaxJsonDepth, duplicate
//     member names: no message (AWS sends none for malformed bodies);
//   - a top-level array: "Start of list found where not expected" (measured).
Result<JsonDocument> ParseRequestBody(std::string_view body);

}  // namespace coffer::protocol
