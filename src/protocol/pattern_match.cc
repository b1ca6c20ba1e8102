// Pattern matching: the compiled program run as a Pike VM (pattern.h); the
// compiler is in pattern.cc.
#include <algorithm>
#include <vector>

#include "common/encoding.h"
#include "protocol/pattern.h"

namespace coffer::protocol {

bool Pattern::CharSet::Contains(uint32_t cp) const {
  if (cp < 0x80) return (ascii[cp >> 6] >> (cp & 63)) & 1;
  // The first range ending at or after cp (ranges are sorted and disjoint).
  auto it = std::lower_bound(
      high.begin(), high.end(), cp,
      [](const std::pair<uint32_t, uint32_t>& r, uint32_t c) { return r.second < c; });
  return it != high.end() && it->first <= cp;
}

bool Pattern::Matches(std::string_view s) const {
  const size_t n = program_.size();
  std::vector<uint32_t> current, next, stack;
  std::vector<uint32_t> mark(n, 0);
  uint32_t generation = 0;
  current.reserve(n);
  next.reserve(n);
  bool matched = false;

  // Adds `start` and everything reachable from it by empty transitions at
  // byte offset `pos` to `list`. Explicit stack: no recursion.
  auto add = [&](std::vector<uint32_t>& list, uint32_t start, size_t pos) {
    stack.push_back(start);
    while (!stack.empty()) {
      uint32_t pc = stack.back();
      stack.pop_back();
      if (mark[pc] == generation) continue;
      mark[pc] = generation;
      const Inst& inst = program_[pc];
      switch (inst.op) {
        case Op::kChar: list.push_back(pc); break;
        case Op::kJump: stack.push_back(inst.x); break;
        case Op::kSplit:
          stack.push_back(inst.y);
          stack.push_back(inst.x);
          break;
        case Op::kBegin:
          if (pos == 0) stack.push_back(pc + 1);
          break;
        case Op::kEnd:
          if (pos == s.size()) stack.push_back(pc + 1);
          break;
        case Op::kMatch: matched = true; break;
      }
    }
  };

  ++generation;
  add(current, 0, 0);
  size_t i = 0;
  while (!matched && i < s.size()) {
    if (current.empty() && anchored_start_) return false;
    uint32_t cp = DecodeUtf8(s, &i);
    ++generation;
    next.clear();
    for (uint32_t pc : current)
      if (sets_[program_[pc].x].Contains(cp)) add(next, pc + 1, i);
    if (!anchored_start_) add(next, 0, i);  // a match may start here too
    current.swap(next);
  }
  return matched;
}

}  // namespace coffer::protocol
