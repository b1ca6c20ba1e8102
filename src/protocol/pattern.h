// Pattern: the model's "pattern" constraints, compiled once into a small
// Thompson NFA and matched by simulation (Pike VM without captures). Matching
// takes O(input × program) time and constant stack whatever the input length,
// unlike std::regex, which recurses per character and overflows the stack on
// a 65,536-character SecretString.
//
// Semantics follow the Smithy pattern trait: an ECMA-262 expression that is
// NOT implicitly anchored (a value is valid if the expression matches some
// substring; models write ^...$ when they mean the whole value). Supported:
// literals, '.', classes with ranges and negation, \d \D \w \W \s \S, \uXXXX,
// \p{L} \p{N} \p{Z} and their \P negations (unicode_categories.h),
// \xHH, \t \n \r \f \v, escaped punctuation, groups (...) and (?:...), '|',
// '^', '$', and the quantifiers * + ? {m} {m,} {m,n} (lazy '?' suffixes are
// accepted; they do not change whether a match exists). Backreferences,
// lookaround and \b are rejected at compile time. Input is matched by code
// point (UTF-8 decoded; malformed bytes count as U+FFFD).
//
// Thread-safety: a compiled Pattern is immutable; Matches may be called
// concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"

namespace coffer::protocol {

class Pattern {
 public:
  // Errors: kInvalidArgument for syntax this engine does not support.
  static Result<Pattern> Compile(std::string_view expression);

  // True when the expression matches somewhere in `utf8` (search semantics).
  bool Matches(std::string_view utf8) const;

  size_t program_size() const { return program_.size(); }

 private:
  friend class PatternCompiler;

  // A set of code points: a 128-bit ASCII bitmap plus sorted ranges above.
  struct CharSet {
    std::array<uint64_t, 2> ascii{};
    std::vector<std::pair<uint32_t, uint32_t>> high;  // inclusive, >= 0x80
    bool Contains(uint32_t cp) const;
  };

  enum class Op : uint8_t { kChar, kSplit, kJump, kBegin, kEnd, kMatch };
  struct Inst {
    Op op;
    uint32_t x = 0;  // kChar: set index; kSplit/kJump: target
    uint32_t y = 0;  // kSplit: second target
  };

  std::vector<Inst> program_;
  std::vector<CharSet> sets_;
  bool anchored_start_ = false;  // every match must begin at position 0
};

}  // namespace coffer::protocol
