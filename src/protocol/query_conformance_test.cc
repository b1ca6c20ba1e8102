// QueryToJson against botocore's Query serializer conformance data
// (boto/botocore tests/unit/protocols/input/query.json): each case's
// serialized body must decode back to the case's params (blobs stay base64,
// timestamps become epoch seconds).
#include <gtest/gtest.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "protocol/query.h"
#include "protocol/service_model.h"

namespace coffer::protocol {
namespace {

// The union of the botocore cases' shapes (one operation per case family).
constexpr std::string_view kModel = R"({
  "metadata": {"protocol": "query", "apiVersion": "2014-01-01"},
  "operations": {
    "Scalars": {"name": "Scalars", "input": {"shape": "ScalarsInput"}},
    "Nested": {"name": "Nested", "input": {"shape": "NestedInput"}},
    "Lists": {"name": "Lists", "input": {"shape": "ListsInput"}},
    "Maps": {"name": "Maps", "input": {"shape": "MapsInput"}},
    "Recursive": {"name": "Recursive", "input": {"shape": "RecursiveInput"}}
  },
  "shapes": {
    "ScalarsInput": {"type": "structure", "members": {
      "Foo": {"shape": "StringType"}, "Bar": {"shape": "StringType"},
      "BlobArg": {"shape": "BlobType"}, "TimeArg": {"shape": "TimestampType"}}},
    "NestedInput": {"type": "structure", "members": {"StructArg": {"shape": "StructType"}}},
    "StructType": {"type": "structure", "members": {"ScalarArg": {"shape": "StringType"}}},
    "ListsInput": {"type": "structure", "members": {
      "ScalarArg": {"shape": "StringType"}, "ListArg": {"shape": "ListType"},
      "FlatArg": {"shape": "FlatListType"}}},
    "ListType": {"type": "list", "member": {"shape": "StringType"}},
    "FlatListType": {"type": "list", "member": {"shape": "StringType"}, "flattened": true},
    "MapsInput": {"type": "structure", "members": {"MapArg": {"shape": "StringMap"}}},
    "StringMap": {"type": "map", "key": {"shape": "StringType"},
                  "value": {"shape": "StringType"}},
    "RecursiveInput": {"type": "structure", "members": {
      "RecursiveStruct": {"shape": "RecursiveStructType"}}},
    "RecursiveStructType": {"type": "structure", "members": {
      "NoRecurse": {"shape": "StringType"},
      "RecursiveStruct": {"shape": "RecursiveStructType"},
      "RecursiveList": {"shape": "RecursiveListType"},
      "RecursiveMap": {"shape": "RecursiveMapType"}}},
    "RecursiveListType": {"type": "list", "member": {"shape": "RecursiveStructType"}},
    "RecursiveMapType": {"type": "map", "key": {"shape": "StringType"},
                         "value": {"shape": "RecursiveStructType"}},
    "StringType": {"type": "string"},
    "BlobType": {"type": "blob"},
    "TimestampType": {"type": "timestamp"}
  }
})";

std::string Decode(std::string_view body) {
  static const ServiceModel* model = new ServiceModel(ServiceModel::Load(kModel).value());
  auto req = ParseQueryRequest("POST", "/", "application/x-www-form-urlencoded", body);
  if (!req.ok()) return req.status().ToString();
  auto op = ResolveQueryAction(*model, *req);
  if (!op.ok()) return op.status().ToString();
  auto doc = QueryToJson(*model, *op, *req);
  if (!doc.ok()) return doc.status().ToString();
  if (Status v = model->ValidateInput(*op, *doc); !v.ok()) return v.ToString();
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  doc->Accept(w);
  return b.GetString();
}

TEST(QueryConformance, BotocoreInputCases) {
  struct Case {
    const char* body;
    const char* json;
  };
  for (const Case& c : {
           Case{"Action=Scalars&Version=2014-01-01&Foo=val1&Bar=val2",
                R"({"Foo":"val1","Bar":"val2"})"},
           Case{"Action=Nested&Version=2014-01-01&StructArg.ScalarArg=foo",
                R"({"StructArg":{"ScalarArg":"foo"}})"},
           Case{"Action=Lists&Version=2014-01-01&ListArg.member.1=foo&ListArg.member.2=bar"
                "&ListArg.member.3=baz",
                R"({"ListArg":["foo","bar","baz"]})"},
           Case{"Action=Lists&Version=2014-01-01&ScalarArg=foo&FlatArg.1=a&FlatArg.2=b"
                "&FlatArg.3=c",
                R"({"ScalarArg":"foo","FlatArg":["a","b","c"]})"},
           Case{"Action=Maps&Version=2014-01-01&MapArg.entry.1.key=key1&MapArg.entry.1.value=val1"
                "&MapArg.entry.2.key=key2&MapArg.entry.2.value=val2",
                R"({"MapArg":{"key1":"val1","key2":"val2"}})"},
           Case{"Action=Scalars&Version=2014-01-01&BlobArg=Zm9v", R"({"BlobArg":"Zm9v"})"},
           Case{"Action=Scalars&Version=2014-01-01&TimeArg=2015-01-25T08%3A00%3A00Z",
                R"({"TimeArg":1422172800})"},
           Case{"Action=Recursive&Version=2014-01-01&RecursiveStruct.NoRecurse=foo",
                R"({"RecursiveStruct":{"NoRecurse":"foo"}})"},
           Case{"Action=Recursive&Version=2014-01-01"
                "&RecursiveStruct.RecursiveStruct.RecursiveStruct.RecursiveStruct.NoRecurse=foo",
                R"({"RecursiveStruct":{"RecursiveStruct":{"RecursiveStruct":)"
                R"({"RecursiveStruct":{"NoRecurse":"foo"}}}}})"},
           Case{"Action=Recursive&Version=2014-01-01"
                "&RecursiveStruct.RecursiveList.member.1.NoRecurse=foo"
                "&RecursiveStruct.RecursiveList.member.2.RecursiveStruct.NoRecurse=bar",
                R"({"RecursiveStruct":{"RecursiveList":[{"NoRecurse":"foo"},)"
                R"({"RecursiveStruct":{"NoRecurse":"bar"}}]}})"},
           Case{"Action=Recursive&Version=2014-01-01"
                "&RecursiveStruct.RecursiveMap.entry.1.key=foo"
                "&RecursiveStruct.RecursiveMap.entry.1.value.NoRecurse=foo"
                "&RecursiveStruct.RecursiveMap.entry.2.key=bar"
                "&RecursiveStruct.RecursiveMap.entry.2.value.NoRecurse=bar",
                R"({"RecursiveStruct":{"RecursiveMap":{"foo":{"NoRecurse":"foo"},)"
                R"("bar":{"NoRecurse":"bar"}}}})"},
       }) {
    EXPECT_EQ(Decode(c.body), c.json) << c.body;
  }
}

}  // namespace
}  // namespace coffer::protocol
