#include "common/json.h"

#include <bit>
#include <charconv>
#include <cstring>

#include <openssl/crypto.h>

#include "common/encoding.h"

namespace coffer {

// Recursive: a request document's depth is capped by its parse
// (protocol::kMaxJsonDepth).
void WipeStrings(JsonValue& v) {
  if (v.IsString()) {
    OPENSSL_cleanse(const_cast<char*>(v.GetString()), v.GetStringLength());
  } else if (v.IsArray()) {
    for (JsonValue& e : v.GetArray()) WipeStrings(e);
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject()) WipeStrings(m.value);
  }
}

const JsonValue* JsonMember(const JsonValue& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::optional<std::string_view> JsonString(const JsonValue& obj, const char* name) {
  const JsonValue* v = JsonMember(obj, name);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string_view(v->GetString(), v->GetStringLength());
}

std::optional<int64_t> JsonInt(const JsonValue& obj, const char* name) {
  const JsonValue* v = JsonMember(obj, name);
  if (!v || !v->IsInt64()) return std::nullopt;
  return v->GetInt64();
}

std::optional<bool> JsonBool(const JsonValue& obj, const char* name) {
  const JsonValue* v = JsonMember(obj, name);
  if (!v || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

std::vector<std::string> JsonStringArray(const JsonValue& obj, const char* name) {
  std::vector<std::string> out;
  const JsonValue* v = JsonMember(obj, name);
  if (!v || !v->IsArray()) return out;
  for (const auto& e : v->GetArray())
    if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
  return out;
}

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// A mask whose lowest set bit is the high bit of the first (lowest-address)
// of the 8 bytes of `x` that is below 0x20, '"' or '\\', and 0 when none is
// (the "has less" and "has zero" tests of Bit Twiddling Hacks; a borrow only
// ever marks bytes above a true match, so the lowest mark is exact).
static_assert(std::endian::native == std::endian::little, "EscapeMask reads bytes little-endian");
inline uint64_t EscapeMask(uint64_t x) {
  const uint64_t control = (x - kOnes * 0x20) & ~x & kHighs;
  const uint64_t q = x ^ (kOnes * '"');
  const uint64_t b = x ^ (kOnes * '\\');
  return control | ((q - kOnes) & ~q & kHighs) | ((b - kOnes) & ~b & kHighs);
}

// Appends byte `c`, escaped as RapidJSON's Writer would, at `p`.
inline char* PutEscaped(char* p, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  if (c >= 0x20 && c != '"' && c != '\\') {
    *p++ = static_cast<char>(c);
    return p;
  }
  *p++ = '\\';
  switch (c) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\b': *p++ = 'b'; break;
    case '\f': *p++ = 'f'; break;
    case '\n': *p++ = 'n'; break;
    case '\r': *p++ = 'r'; break;
    case '\t': *p++ = 't'; break;
    default:
      *p++ = 'u';
      *p++ = '0';
      *p++ = '0';
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 15];
  }
  return p;
}

}  // namespace

bool JsonWriter::String(const char* s, rapidjson::SizeType n, bool /*copy*/) {
  Prefix(rapidjson::kStringType);
  const size_t most = 2 + static_cast<size_t>(n) * 6;  // every byte as \u00XX
  char* const start = os_->Push(most);
  char* p = start;
  *p++ = '"';
  size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      uint64_t x;
      std::memcpy(&x, s + i, 8);
      const uint64_t mask = EscapeMask(x);
      // All 8 bytes are copied (`most` leaves room); those before the first
      // that needs escaping are kept, and that one is escaped.
      std::memcpy(p, s + i, 8);
      if (mask == 0) {
        p += 8;
        i += 8;
        continue;
      }
      const size_t plain = static_cast<size_t>(std::countr_zero(mask)) / 8;
      p += plain;
      i += plain;
    }
    p = PutEscaped(p, static_cast<unsigned char>(s[i++]));
  }
  *p++ = '"';
  os_->Pop(static_cast<size_t>(start + most - p));
  return EndValue(true);
}

void WriteKey(JsonWriter& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void WriteString(JsonWriter& w, std::string_view key, std::string_view value) {
  WriteKey(w, key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void WriteBool(JsonWriter& w, std::string_view key, bool value) {
  WriteKey(w, key);
  w.Bool(value);
}

void WriteInt(JsonWriter& w, std::string_view key, int64_t value) {
  WriteKey(w, key);
  w.Int64(value);
}

bool JsonWriter::Timestamp(int64_t epoch_ms) {
  Prefix(rapidjson::kNumberType);
  constexpr size_t kMost = 1 + 20 + 4;  // the sign, the seconds, the fraction
  char* const start = os_->Push(kMost);
  char* p = start;
  uint64_t magnitude = static_cast<uint64_t>(epoch_ms);
  if (epoch_ms < 0) {
    *p++ = '-';
    magnitude = 0 - magnitude;
  }
  const uint64_t secs = magnitude / 1000, ms = magnitude % 1000;
  // "%llu.%03llu" without snprintf's format parsing.
  p = std::to_chars(p, p + 20, secs).ptr;
  *p++ = '.';
  *p++ = static_cast<char>('0' + ms / 100);
  *p++ = static_cast<char>('0' + ms / 10 % 10);
  *p++ = static_cast<char>('0' + ms % 10);
  os_->Pop(static_cast<size_t>(start + kMost - p));
  return EndValue(true);
}

void WriteTimestamp(JsonWriter& w, std::string_view key, int64_t epoch_ms) {
  WriteKey(w, key);
  w.Timestamp(epoch_ms);
}

void WriteBlob(JsonWriter& w, std::string_view key, std::string_view bytes) {
  WriteString(w, key, Base64Encode(bytes));
}

void WriteStringArray(JsonWriter& w, std::string_view key, const std::vector<std::string>& v) {
  WriteKey(w, key);
  w.StartArray();
  for (const auto& s : v) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseFlatStringObject(
    std::string_view text) {
  JsonDocument d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& m : d.GetObject()) {
    if (!m.value.IsString()) return std::nullopt;
    out.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()),
                     std::string(m.value.GetString(), m.value.GetStringLength()));
  }
  return out;
}

}  // namespace coffer
