// Unicode general categories for the pattern engine's \p{..} escapes
// (pattern.h): the models' tag patterns use \p{L} (letters), \p{Z}
// (separators) and \p{N} (numbers), as Java's java.util.regex reads them.
//
// Thread-safety: constant tables.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace coffer::protocol {

struct UnicodeRange {
  uint32_t lo;  // inclusive
  uint32_t hi;  // inclusive
};

// The sorted, disjoint code point ranges of the one-letter general category
// `name` ("L", "N", "Z"; also "Letter", "Number", "Separator"); empty for a
// category this table lacks.
std::span<const UnicodeRange> UnicodeCategory(std::string_view name);

}  // namespace coffer::protocol
