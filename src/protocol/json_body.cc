#include "protocol/json_body.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/encoding.h"
#include "protocol/errors.h"

namespace coffer::protocol {
namespace {

using rapidjson::SizeType;

// Forwards SAX events to the document while enforcing the depth limit and
// UTF-8 validity of decoded strings. Returning false stops the parse.
class GuardedHandler {
 public:
  explicit GuardedHandler(JsonDocument::Base& doc) : doc_(doc) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
  bool String(const char* s, SizeType n, bool copy) {
    return IsValidUtf8(std::string_view(s, n)) && doc_.String(s, n, copy);
  }
  bool Key(const char* s, SizeType n, bool copy) { return String(s, n, copy); }
  bool StartObject() { return Enter() && doc_.StartObject(); }
  bool EndObject(SizeType n) {
    --depth_;
    return doc_.EndObject(n);
  }
  bool StartArray() { return Enter() && doc_.StartArray(); }
  bool EndArray(SizeType n) {
    --depth_;
    return doc_.EndArray(n);
  }

 private:
  bool Enter() { return ++depth_ <= kMaxJsonDepth; }

  JsonDocument::Base& doc_;
  int depth_ = 0;
};

bool SameName(const JsonValue& a, const JsonValue& b) {
  return a.GetStringLength() == b.GetStringLength() &&
         std::equal(a.GetString(), a.GetString() + a.GetStringLength(), b.GetString());
}

// True when some object in the tree repeats a member name. Recursion depth is
// bounded by kMaxJsonDepth, which the parse already enforced.
bool HasDuplicateMembers(const JsonValue& v) {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray())
      if (HasDuplicateMembers(e)) return true;
    return false;
  }
  if (!v.IsObject()) return false;
  SizeType n = v.MemberCount();
  if (n <= 16) {
    for (auto i = v.MemberBegin(); i != v.MemberEnd(); ++i)
      for (auto j = i + 1; j != v.MemberEnd(); ++j)
        if (SameName(i->name, j->name)) return true;
  } else {
    std::vector<std::string_view> names;
    names.reserve(n);
    for (const auto& m : v.GetObject())
      names.emplace_back(m.name.GetString(), m.name.GetStringLength());
    std::sort(names.begin(), names.end());
    if (std::adjacent_find(names.begin(), names.end()) != names.end()) return true;
  }
  for (const auto& m : v.GetObject())
    if (HasDuplicateMembers(m.value)) return true;
  return false;
}

}  // namespace

Result<JsonDocument> ParseRequestBody(std::string_view body) {
  JsonDocument doc;
  if (body.empty()) {
    doc.SetObject();
    return doc;
  }
  bool parsed = false;
  auto generator = [&](JsonDocument::Base& target) {
    GuardedHandler handler(target);
    rapidjson::MemoryStream stream(body.data(), body.size());
    // Its stack holds each decoded string: wiped when freed.
    rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, WipingJsonAllocator> reader;
    // kParseIterativeFlag: constant stack whatever the nesting. No
    // kParseValidateEncodingFlag: the handler validates decoded strings.
    parsed = !reader.Parse<rapidjson::kParseIterativeFlag>(stream, handler).IsError() &&
             stream.Tell() == body.size();  // RapidJSON stops at an embedded NUL
    return parsed;
  };
  doc.Populate(generator);
  if (!parsed) return SerializationError("");
  if (doc.IsArray()) return SerializationError(std::string(kStartOfListMessage));
  if (!doc.IsObject()) return SerializationError("");
  if (HasDuplicateMembers(doc)) return SerializationError("");
  return doc;
}

}  // namespace coffer::protocol
