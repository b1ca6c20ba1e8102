// JsonWriter's String and Key against RapidJSON's own Writer: the same bytes
// for every single byte value, for random strings rich in bytes that need
// escaping, and for keys and values inside objects and arrays.
#include "common/json.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace coffer {
namespace {

using BaseWriter = rapidjson::Writer<rapidjson::StringBuffer>;

template <typename W>
std::string Encode(const std::string& key, const std::string& value) {
  rapidjson::StringBuffer buf;
  W w(buf);
  w.StartObject();
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  w.Key("list", 4);
  w.StartArray();
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  w.String("", 0);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

TEST(JsonWriter, EveryByteAsRapidJsonWritesIt) {
  for (int c = 0; c < 256; ++c) {
    // Alone, and at each position of a 9-byte run (the 8-byte fast path and
    // the byte after it).
    std::string alone(1, static_cast<char>(c));
    EXPECT_EQ(Encode<JsonWriter>(alone, alone), Encode<BaseWriter>(alone, alone)) << c;
    for (size_t at = 0; at < 9; ++at) {
      std::string run = "abcdefghi";
      run[at] = static_cast<char>(c);
      EXPECT_EQ(Encode<JsonWriter>("k", run), Encode<BaseWriter>("k", run)) << c << " " << at;
    }
  }
}

TEST(JsonWriter, RandomStringsAsRapidJsonWritesThem) {
  std::mt19937 rng(20261129);
  const std::string special = std::string("\"\\\b\f\n\r\t\x01\x1f\x7f\x80\xff/ ") + '\0';
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 70, 'x');
    for (char& ch : s)
      ch = rng() % 4 == 0 ? special[rng() % special.size()] : static_cast<char>(rng() % 256);
    EXPECT_EQ(Encode<JsonWriter>(s, s), Encode<BaseWriter>(s, s)) << i;
  }
}

TEST(JsonWriter, DocumentsSerialiseAsBefore) {
  const char* text = R"({"a":"x\"y\\z\n","b":[1,"\u0001",true,null],"c":{"d":"é"}})";
  JsonDocument d;
  d.Parse(text);
  ASSERT_FALSE(d.HasParseError());
  rapidjson::StringBuffer mine, theirs;
  JsonWriter w(mine);
  BaseWriter b(theirs);
  d.Accept(w);
  d.Accept(b);
  EXPECT_EQ(std::string(mine.GetString()), std::string(theirs.GetString()));
}

}  // namespace
}  // namespace coffer
