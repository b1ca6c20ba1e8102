// HttpRequestView: a read-only view of one HTTP request as SigV4 needs it,
// kept independent of the http module. Also the small lookup helpers the
// canonicalisation and verification steps share.
//
// The view owns nothing: every field points into storage the caller keeps
// alive for as long as the view is used. Thread-safety: a view may be read
// from several threads at once; the functions here are pure.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffer::auth::sigv4 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequestView {
  std::string_view method;  // e.g. "POST", as received
  std::string_view target;  // raw origin-form "path?query" as received
  // Header names as received (any case); duplicates kept in arrival order.
  // May be null, meaning no headers.
  const HeaderList* headers = nullptr;
  std::string_view body;
};

// The path and query parts of a request target, split at the first '?'.
struct TargetParts {
  std::string_view path;
  std::string_view query;  // without the '?'; empty when there is none
};
TargetParts SplitTarget(std::string_view target);

// ASCII case-insensitive equality (header names, hex).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The value of the first header named `name` (case-insensitive), or null.
const std::string* FindHeader(const HttpRequestView& req, std::string_view name);

}  // namespace coffer::auth::sigv4
