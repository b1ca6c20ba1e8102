// Reading a request's secret value (request_value.h).

#include "secrets/request_value.h"

#include "common/encoding.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

constexpr size_t kMaxValueBytes = 65536;

}  // namespace

Result<RequestValue> ReadRequestValue(const JsonValue& in) {
  std::optional<std::string_view> str = JsonString(in, "SecretString");
  std::optional<std::string_view> bin = JsonString(in, "SecretBinary");
  RequestValue value;
  if (str && bin)
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kBothValueTypes));
  if (str) {
    value.present = true;
    value.bytes = SecureString(*str);
  } else if (bin) {
    std::optional<std::string> decoded = Base64Decode(*bin);
    if (!decoded)
      return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                     "SecretBinary must be base64-encoded.");
    value.present = true;
    value.binary = true;
    value.bytes = SecureString(std::move(*decoded));
  }
  if (value.bytes.size() > kMaxValueBytes)
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kValueTooLarge));
  return value;
}

}  // namespace coffer::secrets::internal
