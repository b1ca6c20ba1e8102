// Request members several KMS operations read the same way: an encryption
// context, a base64 blob, Limit/Marker pagination; and the error for what
// Coffer does not serve.
//
// Part of the kms module's internals (namespace internal): for its operation
// files only, not for use outside src/kms.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "coffer/result.h"
#include "common/json.h"
#include "crypto/keyring.h"

namespace coffer::kms::internal {

// The EncryptionContext member `name` (a string map) as a context.
crypto::EncryptionContext ReadContext(const JsonValue& in, const char* name);

// A blob member (base64 on the wire); nullopt when absent. Bad base64 ->
// ValidationException is left to the caller via the returned status.
Result<std::optional<std::string>> ReadBlob(const JsonValue& in, const char* name);

// Writes the standard KMS error for a missing/unsupported algorithm etc.
Status Unsupported(std::string_view what);

// Limit/Marker pagination over `n` items sorted by `key_of(i)` (strictly
// increasing). Returns [begin, end) and writes NextMarker/Truncated through
// Finish(). A marker is the opaque (base64) key of the last item returned.
struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::string next_marker;  // empty when not truncated
};
Result<Page> Paginate(const JsonValue& in, size_t n,
                      const std::function<std::string(size_t)>& key_of, int64_t default_limit);
void WritePageEnd(JsonWriter& w, const Page& page);

}  // namespace coffer::kms::internal
