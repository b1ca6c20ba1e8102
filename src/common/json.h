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
#include <utility>
#include <vector>

#include "common/wiping_allocator.h"

namespace coffer {

using JsonValue = rapidjson::Value;

// Overwrites the characters of every string value in `v` (not member names)
// with zeros, in place. The tree keeps its shape.
void WipeStrings(JsonValue& v);

// A RapidJSON document that wipes its strings when destroyed, and whose
// parse stack is wiped when freed: a request's strings (a SecretString, a
// KMS Plaintext) pass through both. A moved-from document is null.
class JsonDocument
    : public rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                        WipingJsonAllocator> {
 public:
  using Base = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                          WipingJsonAllocator>;
  // A request's document holds a few values on its parse stack (16 bytes
  // each): a small first block is less to wipe (RapidJSON's is 1 KB).
  JsonDocument() : Base(nullptr, 256) {}
  JsonDocument(JsonDocument&& o) noexcept : Base(std::move(o)) {}
  JsonDocument& operator=(JsonDocument&& o) noexcept {
    WipeStrings(*this);
    Base::operator=(std::move(o));
    return *this;
  }
  ~JsonDocument() { WipeStrings(*this); }
};

// What a JsonWriter writes into. Its blocks are wiped when freed: a response
// holds secret values, and a buffer that grows frees its first part.
using JsonBuffer = rapidjson::GenericStringBuffer<rapidjson::UTF8<>, WipingJsonAllocator>;

// RapidJSON's Writer with a faster String and Key: runs of bytes that need no
// escaping are found and copied 8 at a time, where Writer::WriteString looks
// each byte up in its escape table and appends it alone (coffer::WriteString
// was 5% of a GetSecretValue profile). The output is byte for byte
// Writer::String's: \" \\ \b \f \n \r \t, \u00XX for other control
// bytes, everything else (UTF-8 included) as is.
class JsonWriter : public rapidjson::Writer<JsonBuffer> {
 public:
  using Writer::String;
  using Writer::Writer;
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
