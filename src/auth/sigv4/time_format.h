// The two request-time formats SigV4 accepts and the one it prints:
// X-Amz-Date's ISO 8601 basic form "yyyyMMdd'T'HHmmss'Z'" and the RFC 1123
// Date header ("Sun, 30 Aug 2015 12:36:00 GMT"). Times are milliseconds since
// the Unix epoch, UTC.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::auth::sigv4 {

// Parses "20150830T123600Z". Nullopt unless the text has exactly that shape
// and names a real calendar second (years 1970-9999).
std::optional<int64_t> ParseAmzDate(std::string_view text);

// Parses an RFC 1123 date "Sun, 30 Aug 2015 12:36:00 GMT" (the weekday name
// must be a valid one but is not cross-checked). Nullopt otherwise.
std::optional<int64_t> ParseHttpDate(std::string_view text);

// Formats as "20150830T123600Z", dropping milliseconds. Times before the
// epoch print as the epoch.
std::string FormatAmzDate(int64_t ms);

}  // namespace coffer::auth::sigv4
