// Percent-encoding as SigV4 canonicalisation defines it (IAM UG "Create a
// signed AWS API request", step 1): every byte except the unreserved
// characters A-Z a-z 0-9 - _ . ~ becomes %XY with uppercase hex; '/' is kept
// only where the caller says so (paths). Plus the matching decoder and the
// query-string splitter built on it.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffer::auth::sigv4 {

// Appends the SigV4 URI encoding of `in` to `*out`. '/' is left alone when
// `keep_slash` is true (canonical URI), encoded as %2F otherwise.
void AppendUriEncoded(std::string_view in, bool keep_slash, std::string* out);
std::string UriEncode(std::string_view in, bool keep_slash);

// Decodes %XY escapes (either hex case). A '%' not followed by two hex digits
// is kept literally; '+' is kept as '+' (SigV4 clients encode spaces as %20).
std::string PercentDecode(std::string_view in);

// Splits a raw query ("a=1&b&c=") into decoded (name, value) pairs in order.
// Empty segments ("a=1&&b=2") are skipped; a segment without '=' has an
// empty value.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace coffer::auth::sigv4
