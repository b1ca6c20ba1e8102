// JSON helpers over RapidJSON: reading members of a request document that the
// protocol layer has already validated against the service model, and writing
// AWS JSON 1.1 responses (timestamps as epoch seconds with millisecond
// fraction, blobs as base64, absent members omitted).
//
// Service code reads `const JsonValue&` and writes through `JsonWriter&`;
// nothing here knows about HTTP or AWS errors.
//
// Thread-safety: functions are pure; a JsonWriter belongs to one thread.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffer {

using JsonValue = rapidjson::Value;
using JsonDocument = rapidjson::Document;

// RapidJSON's Writer with a faster String and Key: runs of bytes that need no
// escaping are found and copied 8 at a time, where Writer::WriteString looks
// each byte up in its escape table and appends it alone (coffer::WriteString
// was 5% of a GetSecretValue profile). The output is byte for byte
// Writer::String's: \" \\ \b \f \n \r \t, \u00XX for other control
// bytes, everything else (UTF-8 included) as is.
class JsonWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Writer::Writer;
  using Writer::String;
  bool String(const char* s, rapidjson::SizeType n, bool copy = false);
  bool Key(const char* s, rapidjson::SizeType n, bool copy = false) { return String(s, n, copy); }
  // Epoch seconds with a millisecond fraction (1523477145.713), written in
  // place: RawValue copies its text a byte at a time.
  bool Timestamp(int64_t epoch_ms);
};

// Member accessors: nullopt when the member is absent or JSON null.
std::optional<std::string_view> JsonString(const JsonValue& obj, const char* name);
std::optional<int64_t> JsonInt(const JsonValue& obj, const char* name);
std::optional<bool> JsonBool(const JsonValue& obj, const char* name);
const JsonValue* JsonMember(const JsonValue& obj, const char* name);  // nullptr if absent/null
// The strings of an array member (empty when absent).
std::vector<std::string> JsonStringArray(const JsonValue& obj, const char* name);

// Writers.
void WriteString(JsonWriter& w, std::string_view key, std::string_view value);
void WriteBool(JsonWriter& w, std::string_view key, bool value);
void WriteInt(JsonWriter& w, std::string_view key, int64_t value);
// Epoch seconds with a millisecond fraction, e.g. 1523477145.713.
void WriteTimestamp(JsonWriter& w, std::string_view key, int64_t epoch_ms);
void WriteBlob(JsonWriter& w, std::string_view key, std::string_view bytes);  // base64
void WriteKey(JsonWriter& w, std::string_view key);
void WriteStringArray(JsonWriter& w, std::string_view key, const std::vector<std::string>& v);

// Parses `text` (which must be valid JSON) into a string->string map when it
// is a flat object of strings; nullopt otherwise.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseFlatStringObject(
    std::string_view text);

}  // namespace coffer
