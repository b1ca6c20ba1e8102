// Request members shared by KMS operations (request_members.h).

#include "kms/request_members.h"

#include <algorithm>

#include "common/encoding.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

crypto::EncryptionContext ReadContext(const JsonValue& in, const char* name) {
  crypto::EncryptionContext context;
  const JsonValue* m = JsonMember(in, name);
  if (m == nullptr || !m->IsObject()) return context;
  for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
    if (!it->value.IsString()) continue;  // the model validator rejects these first
    context.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()),
                         std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  return context;
}

Result<std::optional<std::string>> ReadBlob(const JsonValue& in, const char* name) {
  std::optional<std::string_view> text = JsonString(in, name);
  if (!text) return std::optional<std::string>();
  std::optional<std::string> bytes = Base64Decode(*text);
  if (!bytes)
    return Status::InvalidArgument(std::string(msg::kSerialization), "");  // as the protocol layer
  return bytes;
}

Status Unsupported(std::string_view what) {
  return Status::InvalidArgument(std::string(msg::kUnsupported),
                                 std::string(msg::kUnsupportedPrefix) + std::string(what) + ".");
}

Result<Page> Paginate(const JsonValue& in, size_t n,
                      const std::function<std::string(size_t)>& key_of, int64_t default_limit) {
  const int64_t limit = JsonInt(in, "Limit").value_or(default_limit);
  Page page;
  if (std::optional<std::string_view> marker = JsonString(in, "Marker")) {
    std::optional<std::string> after = Base64Decode(*marker);
    if (!after || after->empty()) {
      return Status::InvalidArgument(std::string(msg::kInvalidMarker),
                                     std::string(msg::kInvalidMarkerMessage));
    }
    // First item strictly after the marker's key.
    size_t lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (key_of(mid) <= *after)
        lo = mid + 1;
      else
        hi = mid;
    }
    page.begin = lo;
  }
  page.end = std::min(n, page.begin + static_cast<size_t>(std::max<int64_t>(limit, 1)));
  if (page.end < n && page.end > page.begin) page.next_marker = Base64Encode(key_of(page.end - 1));
  return page;
}

void WritePageEnd(JsonWriter& w, const Page& page) {
  if (!page.next_marker.empty()) WriteString(w, "NextMarker", page.next_marker);
  WriteBool(w, "Truncated", !page.next_marker.empty());
}

}  // namespace coffer::kms::internal
