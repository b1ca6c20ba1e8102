// ListSecrets / BatchGetSecretValue filters (aws-compat §1.4): parsing the
// `Filters` request member and matching a secret's metadata against it.
//
// Semantics (validated against real AWS by LocalStack's
// test_list_secrets_filtering, see aws-compat §1.4):
//   * filters are AND-ed; the values of one filter are OR-ed;
//   * name, tag-key, tag-value, primary-region, owning-service: case-sensitive
//     prefix of the whole attribute ("testing1 one" is not split into words);
//   * description: case-insensitive word prefix: every word of the value must
//     be the prefix of some word of the description ("a secret" matches
//     "an secret", not "asecret");
//   * all: like description, over the words of every attribute (name,
//     description, tag keys and values, primary region, owning service);
//   * a leading '!' negates the value: it matches exactly when the value
//     without '!' would not.
// Words are maximal runs of ASCII letters and digits, on both sides.
//
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "storage/records.h"

namespace coffer::secrets {

enum class FilterKey {
  kDescription,
  kName,
  kTagKey,
  kTagValue,
  kPrimaryRegion,
  kOwningService,
  kAll
};

struct ListFilter {
  FilterKey key = FilterKey::kName;
  std::vector<std::string> values;
};

// Reads the `Filters` array member of `in` (absent -> empty). The protocol
// layer has checked the shape; an unknown key still yields
// InvalidParameterException rather than being ignored.
Result<std::vector<ListFilter>> ParseFilters(const JsonValue& in);

// True when `s` passes every filter (an empty list passes everything).
bool MatchesFilters(const std::vector<ListFilter>& filters, const storage::SecretRecord& s);
bool MatchesFilter(const ListFilter& filter, const storage::SecretRecord& s);

// A canonical, unambiguous text form of `filters` (for binding page tokens to
// the query that produced them).
std::string CanonicalFilters(const std::vector<ListFilter>& filters);

// Exposed for tests: the words of `text`, lower-cased.
std::vector<std::string> FilterWords(std::string_view text);

}  // namespace coffer::secrets
