// Fuzzes RotateSecret's schedules (src/secrets/rotation_rules.h): the
// RotationRules object (AutomaticallyAfterDays, Duration, ScheduleExpression:
// rate() and cron()), its validation, the next-window computation from a
// base time, and the JSON round trip DescribeSecret relies on.
// Input: 8 bytes of base time (little-endian ms, folded into 1970..2200),
// then the RotationRules JSON object.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/json.h"
#include "secrets/rotation_rules.h"

using namespace coffer;
using namespace coffer::secrets;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t raw = 0;
  std::memcpy(&raw, data, 8);
  const int64_t kMaxMs = 7258118400000;  // 2200-01-01
  int64_t base_ms = static_cast<int64_t>(raw % static_cast<uint64_t>(kMaxMs));
  std::string json(reinterpret_cast<const char*>(data + 8), size - 8);
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError()) return 0;
  auto rules = ParseRotationRules(d);
  if (!rules.ok()) return 0;
  if (!ValidateRotationRules(*rules).ok()) return 0;
  std::string stored = RotationRulesToJson(*rules);
  auto back = RotationRulesFromJson(stored);
  if (!back.ok() || !(*back == *rules)) __builtin_trap();
  auto window = NextRotationWindow(*rules, base_ms);
  if (window.ok()) {
    if (window->end_ms <= window->start_ms) __builtin_trap();
    auto date = NextRotationDate(*rules, base_ms);
    if (!date.ok()) __builtin_trap();
    // A second window after the first must be later.
    auto next = NextRotationWindow(*rules, window->end_ms);
    if (next.ok() && next->start_ms < window->start_ms) __builtin_trap();
  }
  return 0;
}
