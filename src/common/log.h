// Structured logging: one JSON object per line on stderr, e.g.
//   {"time":"2026-11-28T15:08:01.123Z","level":"info","msg":"listening","url":"http://..."}
// Callers pass only metadata (request ids, operation names, secret names or
// ARNs, error types). Never pass a secret value, key or access-key secret.
//
// Thread-safety: Log() may be called from any thread; each line is written
// with one write(2) so lines never interleave.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

namespace coffer {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError };

using LogField = std::pair<std::string_view, std::string_view>;

void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

inline void LogInfo(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, msg, f);
}
inline void LogWarn(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, msg, f);
}
inline void LogError(std::string_view msg, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, msg, f);
}

}  // namespace coffer
