// JsonWriter's String and Key against RapidJSON's own Writer: the same bytes
// for every single byte value, for random strings rich in bytes that need
// escaping, and for keys and values inside objects and arrays.
#include "common/json.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace coffer {
namespace {

using BaseWriter = rapidjson::Writer<JsonBuffer>;

template <typename W>
std::string Encode(const std::string& key, const std::string& value) {
  JsonBuffer buf;
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
  JsonBuffer mine, theirs;
  JsonWriter w(mine);
  BaseWriter b(theirs);
  d.Accept(w);
  d.Accept(b);
  EXPECT_EQ(std::string(mine.GetString()), std::string(theirs.GetString()));
}

}  // namespace
}  // namespace coffer

namespace coffer {
namespace {

TEST(WipeStrings, ZeroesEveryStringValueInPlaceAndKeepsTheShape) {
  JsonDocument d;
  d.Parse(R"({"SecretString":"a-long-secret-value-in-the-pool","Short":"pw",)"
          R"("List":["x-one",{"Deep":"y-two"}],"N":7})");
  ASSERT_FALSE(d.HasParseError());
  WipeStrings(d);
  const JsonValue& v = d["SecretString"];
  ASSERT_TRUE(v.IsString());
  EXPECT_EQ(std::string(v.GetString(), v.GetStringLength()), std::string(31, '\0'));
  EXPECT_EQ(std::string(d["Short"].GetString(), 2), std::string(2, '\0'));
  EXPECT_EQ(std::string(d["List"][0].GetString(), 5), std::string(5, '\0'));
  EXPECT_EQ(std::string(d["List"][1]["Deep"].GetString(), 5), std::string(5, '\0'));
  EXPECT_EQ(d["N"].GetInt(), 7);
  EXPECT_TRUE(d.HasMember("SecretString"));  // names are kept
}

TEST(JsonDocument, MovesLeaveANullDocument) {
  JsonDocument a;
  a.Parse(R"({"k":"value"})");
  JsonDocument b(std::move(a));
  EXPECT_TRUE(a.IsNull());  // NOLINT(bugprone-use-after-move): the documented state
  EXPECT_STREQ(b["k"].GetString(), "value");
  JsonDocument c;
  c.Parse(R"(["replaced"])");
  c = std::move(b);
  EXPECT_STREQ(c["k"].GetString(), "value");
}

TEST(WipingJsonAllocator, GrowsKeepingTheBytesAndFreesWhatItAllocated) {
  WipingJsonAllocator a;
  char* p = static_cast<char*>(a.Malloc(4));
  ASSERT_NE(p, nullptr);
  std::memcpy(p, "abcd", 4);
  p = static_cast<char*>(a.Realloc(p, 4, 4096));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::string(p, 4), "abcd");
  p = static_cast<char*>(a.Realloc(p, 4096, 2));
  EXPECT_EQ(std::string(p, 2), "ab");
  WipingJsonAllocator::Free(p);
  WipingJsonAllocator::Free(nullptr);
  EXPECT_EQ(a.Malloc(0), nullptr);
  EXPECT_EQ(a.Malloc(SIZE_MAX), nullptr);  // the size header would overflow
  // A buffer that grows past its first block keeps what was written.
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (int i = 0; i < 1000; ++i) w.String("0123456789", 10);
  w.EndArray();
  EXPECT_EQ(buf.GetSize(), 2 + 1000 * 12 + 999);
}

}  // namespace
}  // namespace coffer
