// Scalar text conversions of the AWS Query protocol (protocol/query.h):
// parameter values to numbers, booleans and timestamps, and back to XML text.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::protocol::query_values {

// A decimal integer: an optional '-' then digits, nothing else; nullopt
// when malformed or outside int64.
std::optional<int64_t> ParseInteger(std::string_view text);
// A finite decimal floating-point number (strtod syntax, nothing after it).
std::optional<double> ParseDouble(std::string_view text);
// "true" / "false", case-insensitive.
std::optional<bool> ParseBoolean(std::string_view text);
// An ISO 8601 / RFC 3339 date-time, "2015-01-25T08:00:00Z", with optional
// fractional seconds and a "Z" or ±HH:MM offset (botocore sends
// "%Y-%m-%dT%H:%M:%SZ" or with ".%fZ"), or epoch seconds as a number.
// Returns epoch seconds.
std::optional<double> ParseTimestamp(std::string_view text);

// Epoch seconds → "2026-12-07T21:15:47Z", IAM's format (fractions dropped).
std::string FormatTimestamp(double epoch_seconds);
// Shortest text that reads back as `value` ("1.5", "1e+300").
std::string FormatDouble(double value);

// Appends `text` with & < > " ' escaped as entities, and CR as &#xD; (an XML
// parser would otherwise fold CRLF into LF).
void AppendXmlEscaped(std::string* out, std::string_view text);

}  // namespace coffer::protocol::query_values
