#include "protocol/query.h"

#include <gtest/gtest.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "protocol/error_table.h"
#include "protocol/query_values.h"
#include "protocol/service_model.h"

namespace coffer::protocol {
namespace {

constexpr std::string_view kForm = "application/x-www-form-urlencoded; charset=utf-8";

std::string Json(const JsonValue& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

QueryRequest Parse(std::string_view body) {
  auto r = ParseQueryRequest("POST", "/", kForm, body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : QueryRequest();
}

// The JSON input of a form body, via the real model.
std::string ToJson(Service service, std::string_view body, bool validate = true) {
  QueryRequest req = Parse(body);
  const ServiceModel& model = ServiceModel::Get(service);
  auto op = ResolveQueryAction(model, req);
  EXPECT_TRUE(op.ok()) << op.status().ToString();
  if (!op.ok()) return "";
  auto doc = QueryToJson(model, *op, req);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  if (!doc.ok()) return doc.status().ToString();
  if (validate) {
    EXPECT_TRUE(model.ValidateInput(*op, *doc).ok()) << model.ValidateInput(*op, *doc).ToString();
  }
  return Json(*doc);
}

Status ToJsonError(Service service, std::string_view body) {
  QueryRequest req = Parse(body);
  auto doc = QueryToJson(ServiceModel::Get(service), req.action, req);
  return doc.ok() ? Status::Ok() : doc.status();
}

// --- ParseQueryRequest ---

TEST(ParseQueryRequest, PostFormBody) {
  QueryRequest req = Parse("Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fa%2F");
  EXPECT_EQ(req.action, "CreateUser");
  EXPECT_EQ(req.version, "2010-05-08");
  ASSERT_EQ(req.params.size(), 2u);
  EXPECT_EQ(req.params[0], (std::pair<std::string, std::string>{"UserName", "alice"}));
  EXPECT_EQ(req.params[1], (std::pair<std::string, std::string>{"Path", "/a/"}));
}

TEST(ParseQueryRequest, GetQueryString) {
  auto r =
      ParseQueryRequest("GET", "/?Action=GetUser&Version=2010-05-08&UserName=bob#frag", "", "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->action, "GetUser");
  ASSERT_EQ(r->params.size(), 1u);
  EXPECT_EQ(r->params[0].second, "bob");
}

TEST(ParseQueryRequest, PostMergesQueryStringAndBody) {
  auto r = ParseQueryRequest("POST", "/?Version=2011-06-15", kForm, "Action=GetCallerIdentity");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, "GetCallerIdentity");
  EXPECT_EQ(r->version, "2011-06-15");
}

TEST(ParseQueryRequest, DecodesPlusAndPercent) {
  QueryRequest req = Parse("Action=X&A=a+b%20c%2Bd%26e%3D&B&%43=%e2%82%ac&&=ignored");
  ASSERT_EQ(req.params.size(), 3u);
  EXPECT_EQ(req.params[0].second, "a b c+d&e=");
  EXPECT_EQ(req.params[1], (std::pair<std::string, std::string>{"B", ""}));
  EXPECT_EQ(req.params[2], (std::pair<std::string, std::string>{"C", "\xe2\x82\xac"}));
}

TEST(ParseQueryRequest, ContentTypeIsCaseInsensitiveAndOtherTypesIgnored) {
  EXPECT_TRUE(ParseQueryRequest("POST", "/", "Application/X-WWW-Form-URLEncoded", "Action=A").ok());
  EXPECT_TRUE(
      ParseQueryRequest("POST", "/", " application/x-www-form-urlencoded ;x", "Action=A").ok());
  auto json = ParseQueryRequest("POST", "/", "application/x-amz-json-1.1", "Action=A");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().reason(), kMissingAction);
  // A GET body is never read.
  EXPECT_FALSE(ParseQueryRequest("GET", "/", kForm, "Action=A").ok());
}

TEST(ParseQueryRequest, MissingActionIsMissingAction) {
  for (std::string_view body : {"", "Version=2010-05-08", "Action=&Version=2010-05-08"}) {
    auto r = ParseQueryRequest("POST", "/", kForm, body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().reason(), "MissingAction");
    EXPECT_EQ(r.status().message(), "Missing Action");
    WireError wire = ResolveError(r.status(), Service::kSts);
    EXPECT_EQ(wire.type, "MissingAction");
    EXPECT_EQ(wire.http_status, 400);
  }
}

TEST(ParseQueryRequest, MalformedEncodingsAndDuplicates) {
  for (std::string_view body :
       {"Action=A&B=%zz", "Action=A&B=%4", "Action=A&B=%", "Action=A&%G1=x", "Action=A&B=%FF",
        "Action=A&B=%C0%80", "Action=A&B=1&B=2", "Action=A&Action=B", "Action=A&B=1&C=2&B=1"}) {
    auto r = ParseQueryRequest("POST", "/", kForm, body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().reason(), kMalformedQueryString) << body;
    WireError wire = ResolveError(r.status(), Service::kIam);
    EXPECT_EQ(wire.type, "MalformedQueryString");
    EXPECT_EQ(wire.http_status, 400);
  }
  auto dup = ParseQueryRequest("POST", "/", kForm, "Action=A&UserName=a&UserName=b");
  EXPECT_EQ(dup.status().message(), "The parameter UserName was given more than once.");
  // The same name in the query string and the body is a duplicate too.
  EXPECT_FALSE(ParseQueryRequest("POST", "/?UserName=a", kForm, "Action=A&UserName=b").ok());
}

TEST(ResolveQueryAction, FindsTheOperationForTheModelVersion) {
  const ServiceModel& iam = ServiceModel::Get(Service::kIam);
  QueryRequest req = Parse("Action=CreateUser&Version=2010-05-08");
  auto op = ResolveQueryAction(iam, req);
  ASSERT_TRUE(op.ok());
  EXPECT_EQ(*op, "CreateUser");
  // Without a Version: accepted.
  EXPECT_TRUE(ResolveQueryAction(iam, Parse("Action=CreateUser")).ok());

  for (std::string_view body : {"Action=CreateUser&Version=2011-06-15", "Action=createUser",
                                "Action=AssumeRole&Version=2010-05-08"}) {
    auto bad = ResolveQueryAction(iam, Parse(body));
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.status().reason(), kInvalidAction);
  }
  auto bad = ResolveQueryAction(iam, Parse("Action=Nope&Version=2010-05-08"));
  EXPECT_EQ(bad.status().message(), "Could not find operation Nope for version 2010-05-08");
  EXPECT_EQ(ResolveError(bad.status(), Service::kIam).type, "InvalidAction");
}

// --- QueryToJson with the real models ---

TEST(QueryToJson, CreateUserWithTags) {
  EXPECT_EQ(ToJson(Service::kIam,
                   "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2F"
                   "&Tags.member.1.Key=team&Tags.member.1.Value=blue"
                   "&Tags.member.2.Key=env&Tags.member.2.Value=prod"),
            R"({"Path":"/","UserName":"alice","Tags":[{"Key":"team","Value":"blue"},)"
            R"({"Key":"env","Value":"prod"}]})");
}

TEST(QueryToJson, AssumeRoleWithPolicyArnsTagsAndDuration) {
  EXPECT_EQ(ToJson(Service::kSts,
                   "Action=AssumeRole&Version=2011-06-15"
                   "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
                   "&RoleSessionName=s1&DurationSeconds=3600"
                   "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
                   "&Tags.member.1.Key=Project&Tags.member.1.Value=Unicorn"
                   "&TransitiveTagKeys.member.1=Project"),
            R"({"RoleArn":"arn:aws:iam::123456789012:role/demo","RoleSessionName":"s1",)"
            R"("PolicyArns":[{"arn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}],)"
            R"("DurationSeconds":3600,"Tags":[{"Key":"Project","Value":"Unicorn"}],)"
            R"("TransitiveTagKeys":["Project"]})");
}

TEST(QueryToJson, SimulatePrincipalPolicyNestedListsInIndexOrder) {
  EXPECT_EQ(ToJson(Service::kIam,
                   "Action=SimulatePrincipalPolicy&Version=2010-05-08"
                   "&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Falice"
                   "&ActionNames.member.2=s3%3APutObject&ActionNames.member.1=s3%3AGetObject"
                   "&ActionNames.member.10=s3%3AListBucket"
                   "&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp"
                   "&ContextEntries.member.1.ContextKeyType=ipList"
                   "&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1"
                   "&ContextEntries.member.1.ContextKeyValues.member.2=10.0.0.2"
                   "&MaxItems=5"),
            R"({"PolicySourceArn":"arn:aws:iam::123456789012:user/alice",)"
            R"("ActionNames":["s3:GetObject","s3:PutObject","s3:ListBucket"],)"
            R"("ContextEntries":[{"ContextKeyName":"aws:SourceIp",)"
            R"("ContextKeyValues":["10.0.0.1","10.0.0.2"],"ContextKeyType":"ipList"}],)"
            R"("MaxItems":5})");
}

TEST(QueryToJson, UnknownParamsAreIgnoredAndEmptyListIsBare) {
  EXPECT_EQ(ToJson(Service::kIam,
                   "Action=CreateUser&UserName=a&Bogus=1&Tags.member.1.Nope=x&UserName.x=y"
                   "&Tags.member.x.Key=k&Tags.member.01.Key=k",
                   /*validate=*/false),
            R"({"UserName":"a","Tags":[{}]})");
  EXPECT_EQ(ToJson(Service::kIam, "Action=CreateUser&UserName=a&Tags="),
            R"({"UserName":"a","Tags":[]})");
}

TEST(QueryToJson, BooleansAndIntegers) {
  EXPECT_EQ(ToJson(Service::kIam,
                   "Action=UpdateAccountPasswordPolicy&MinimumPasswordLength=12"
                   "&RequireSymbols=true&RequireNumbers=False&HardExpiry=TRUE"),
            R"({"MinimumPasswordLength":12,"RequireSymbols":true,"RequireNumbers":false,)"
            R"("HardExpiry":true})");
}

TEST(QueryToJson, OperationWithoutInputGivesEmptyObject) {
  EXPECT_EQ(ToJson(Service::kSts, "Action=GetCallerIdentity&Version=2011-06-15&X=1"), "{}");
}

TEST(QueryToJson, UnparsableValuesAreValidationErrors) {
  Status s = ToJsonError(Service::kSts,
                         "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr"
                         "&RoleSessionName=s&DurationSeconds=abc");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.reason(), kValidationError);
  EXPECT_EQ(s.message(),
            "1 validation error detected: Value 'abc' at 'durationSeconds' failed to satisfy "
            "constraint: Member must be a number");
  WireError wire = ResolveError(s, Service::kSts);
  EXPECT_EQ(wire.type, "ValidationError");
  EXPECT_EQ(wire.http_status, 400);

  s = ToJsonError(Service::kIam,
                  "Action=UpdateAccountPasswordPolicy&MinimumPasswordLength=1.5"
                  "&RequireSymbols=yes&MaxPasswordAge=99999999999");
  EXPECT_EQ(s.message(),
            "3 validation errors detected: Value '1.5' at 'minimumPasswordLength' failed to "
            "satisfy constraint: Member must be a number; Value 'yes' at 'requireSymbols' "
            "failed to satisfy constraint: Member must be true or false; Value '99999999999' at "
            "'maxPasswordAge' failed to satisfy constraint: Member must have value less than or "
            "equal to 2147483647");
}

TEST(QueryToJson, ModelValidationRunsUnchangedAndMapsToValidationError) {
  const ServiceModel& iam = ServiceModel::Get(Service::kIam);
  QueryRequest req = Parse("Action=CreateUser&UserName=bad+name&Tags.member.1.Key=k");
  auto doc = QueryToJson(iam, "CreateUser", req);
  ASSERT_TRUE(doc.ok());
  Status v = iam.ValidateInput("CreateUser", *doc);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.message(),
            "2 validation errors detected: Value 'bad name' at 'userName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; Value "
            "null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null");
  WireError wire = ResolveError(v, Service::kIam);
  EXPECT_EQ(wire.type, "ValidationError");
  EXPECT_EQ(wire.http_status, 400);
  EXPECT_EQ(wire.message, v.message());

  // The range check of a parsed integer is the validator's.
  const ServiceModel& sts = ServiceModel::Get(Service::kSts);
  req = Parse(
      "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"
      "&RoleSessionName=s1&DurationSeconds=60");
  doc = QueryToJson(sts, "AssumeRole", req);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(sts.ValidateInput("AssumeRole", *doc).message(),
            "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900");
}

TEST(QueryToJson, UnknownOperation) {
  auto doc = QueryToJson(ServiceModel::Get(Service::kIam), "Nope", QueryRequest());
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(ResolveError(doc.status(), Service::kIam).type, "InvalidAction");
}

// --- The embedded Query models ---

TEST(QueryModels, LoadWithCoralPatternSemantics) {
  auto models = LoadModels();
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  EXPECT_EQ(&models->Of(Service::kIam), &ServiceModel::Get(Service::kIam));
  EXPECT_EQ(&models->Of(Service::kSts), &ServiceModel::Get(Service::kSts));
  EXPECT_EQ(ServiceModel::Get(Service::kIam).xml_namespace(),
            "https://iam.amazonaws.com/doc/2010-05-08/");
  EXPECT_EQ(ServiceModel::Get(Service::kSts).api_version(), "2011-06-15");
  EXPECT_GT(ServiceModel::Get(Service::kIam).operation_count(), 150u);
  // Only IAM's account alias lookahead is beyond the engine.
  EXPECT_EQ(ServiceModel::Get(Service::kIam).skipped_patterns(),
            std::vector<std::string_view>{"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"});
  for (Service s : {Service::kSts, Service::kSecretsManager, Service::kKms})
    EXPECT_TRUE(ServiceModel::Get(s).skipped_patterns().empty());
  // The JSON services keep Smithy's substring semantics, and strict loading.
  EXPECT_FALSE(
      ServiceModel::Load(
          R"j({"metadata":{},"operations":{},"shapes":{"S":{"type":"string","pattern":"(?!a)"}}})j")
          .ok());
}

TEST(QueryModels, PatternsMatchWholeValuesAndTagsAreUnicode) {
  const ServiceModel& sts = ServiceModel::Get(Service::kSts);
  QueryRequest req = Parse(
      "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"
      "&RoleSessionName=my+session&Tags.member.1.Key=%C3%A9t%C3%A9+2&Tags.member.1.Value=x"
      "&Tags.member.2.Key=a%23b&Tags.member.2.Value=y");
  auto doc = QueryToJson(sts, "AssumeRole", req);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(sts.ValidateInput("AssumeRole", *doc).message(),
            "2 validation errors detected: Value 'my session' at 'roleSessionName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; "
            "Value 'a#b' at 'tags.2.member.key' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
}

// --- Serialization rules beyond IAM/STS, on a botocore-style model ---

constexpr std::string_view kTestModel = R"({
  "metadata": {"protocol": "query", "apiVersion": "2020-01-01",
               "xmlNamespace": "https://example.com/doc/2020-01-01/"},
  "operations": {
    "Op": {"name": "Op", "input": {"shape": "In"},
           "output": {"shape": "Out", "resultWrapper": "OpResult"}}
  },
  "shapes": {
    "In": {"type": "structure", "members": {
      "Flat": {"shape": "FlatList"},
      "FlatNamed": {"shape": "FlatNamedList"},
      "Named": {"shape": "NamedList", "locationName": "Renamed"},
      "Attrs": {"shape": "StrMap"},
      "FlatAttrs": {"shape": "FlatMap"},
      "When": {"shape": "Ts"},
      "Ratio": {"shape": "Dbl"},
      "Big": {"shape": "Lng"},
      "Secret": {"shape": "SecretInt"},
      "Data": {"shape": "Blb"},
      "Inner": {"shape": "Inner"}
    }},
    "Inner": {"type": "structure", "members": {"Inner": {"shape": "Inner"}, "V": {"shape": "Str"}}},
    "FlatList": {"type": "list", "member": {"shape": "Str"}, "flattened": true},
    "NamedList": {"type": "list", "member": {"shape": "Str", "locationName": "item"}},
    "StrMap": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "FlatMap": {"type": "map", "key": {"shape": "Str", "locationName": "Name"},
                "value": {"shape": "Str", "locationName": "Val"}, "flattened": true},
    "Out": {"type": "structure", "members": {
      "Flat": {"shape": "FlatList"},
      "FlatNamed": {"shape": "FlatNamedList"},
      "Named": {"shape": "NamedList"},
      "Attrs": {"shape": "StrMap"},
      "FlatAttrs": {"shape": "FlatMap"},
      "When": {"shape": "Ts"},
      "Ratio": {"shape": "Dbl"},
      "Data": {"shape": "Blb", "locationName": "Payload"}
    }},
    "FlatNamedList": {"type": "list", "member": {"shape": "Str", "locationName": "Thing"},
                      "flattened": true},
    "Str": {"type": "string"},
    "Ts": {"type": "timestamp"},
    "Dbl": {"type": "double"},
    "Lng": {"type": "long"},
    "Blb": {"type": "blob"},
    "SecretInt": {"type": "integer", "sensitive": true}
  }
})";

const ServiceModel& TestModel() {
  static const ServiceModel* model = [] {
    auto m = ServiceModel::Load(kTestModel);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return new ServiceModel(std::move(m).value());
  }();
  return *model;
}

std::string TestJson(std::string_view body) {
  QueryRequest req = Parse(body);
  auto doc = QueryToJson(TestModel(), "Op", req);
  return doc.ok() ? Json(*doc) : doc.status().ToString();
}

TEST(QueryToJsonRules, FlattenedAndRenamedListsAndMaps) {
  EXPECT_EQ(TestJson("Action=Op&Flat.1=a&Flat.2=b&Renamed.item.1=c&Named.member.1=ignored"
                     "&Thing.1=t&FlatNamed.1=ignored"),
            R"({"Flat":["a","b"],"FlatNamed":["t"],"Named":["c"]})");
  EXPECT_EQ(TestJson("Action=Op&Attrs.entry.1.key=k1&Attrs.entry.1.value=v1"
                     "&Attrs.entry.2.key=k2&Attrs.entry.2.value=v2&Attrs.entry.3.key=k1"
                     "&Attrs.entry.3.value=dup&FlatAttrs.1.Name=n&FlatAttrs.1.Val=x"),
            R"({"Attrs":{"k1":"v1","k2":"v2"},"FlatAttrs":{"n":"x"}})");
}

TEST(QueryToJsonRules, ScalarsAndNesting) {
  EXPECT_EQ(TestJson("Action=Op&When=2015-01-25T08:00:00Z&Ratio=1.5&Big=9007199254740993"
                     "&Data=aGk%3D&Inner.Inner.V=deep&Inner.V=top"),
            R"({"When":1422172800,"Ratio":1.5,"Big":9007199254740993,"Data":"aGk=",)"
            R"("Inner":{"Inner":{"V":"deep"},"V":"top"}})");
  EXPECT_EQ(TestJson("Action=Op&When=2015-01-25T08:00:00.5Z"), R"({"When":1422172800.5})");
  EXPECT_EQ(TestJson("Action=Op&When=2015-01-25T10:00:00%2B02:00"), R"({"When":1422172800})");
  EXPECT_EQ(TestJson("Action=Op&When=1422172800"), R"({"When":1422172800})");
}

TEST(QueryToJsonRules, SensitiveValuesAreNotEchoed) {
  EXPECT_EQ(TestJson("Action=Op&Secret=hunter2&When=yesterday"),
            "InvalidArgument(ValidationError): 2 validation errors detected: Value "
            "'yesterday' at 'when' failed to satisfy constraint: Member must be a timestamp in "
            "ISO 8601 format; Value at 'secret' failed to satisfy constraint: Member must be a "
            "number");
}

TEST(QueryToJsonRules, RecursionIsBounded) {
  std::string body = "Action=Op&Inner";
  for (int i = 0; i < 200; ++i) body += ".Inner";
  body += ".V=x";
  std::string json = TestJson(body);
  EXPECT_EQ(json.find("\"V\""), std::string::npos);  // too deep: not followed
}

// --- query_values ---

TEST(QueryValues, Timestamps) {
  namespace qv = query_values;
  EXPECT_EQ(qv::ParseTimestamp("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_EQ(qv::ParseTimestamp("2026-12-08T21:15:47Z"), 1796764547.0);
  EXPECT_EQ(qv::ParseTimestamp("2026-12-08t21:15:47z"), 1796764547.0);
  EXPECT_EQ(qv::ParseTimestamp("1969-12-31T23:59:59Z"), -1.0);
  for (std::string_view bad : {"", "2026-12-08", "2026-13-08T00:00:00Z", "2026-12-08T00:00:00",
                               "2026-12-08T00:00:00Zx", "2026-12-08T00:00:00.Z", "abc"})
    EXPECT_FALSE(qv::ParseTimestamp(bad).has_value()) << bad;
  EXPECT_EQ(qv::FormatTimestamp(1796764547), "2026-12-08T21:15:47Z");
  EXPECT_EQ(qv::FormatTimestamp(1796764547.999), "2026-12-08T21:15:47Z");
  EXPECT_EQ(qv::FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(qv::FormatTimestamp(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(qv::FormatTimestamp(-1), "1969-12-31T23:59:59Z");
}

TEST(QueryValues, NumbersAndBooleans) {
  namespace qv = query_values;
  EXPECT_EQ(qv::ParseInteger("-42"), -42);
  for (std::string_view bad : {"", "+1", " 1", "1 ", "1.0", "0x10", "99999999999999999999"})
    EXPECT_FALSE(qv::ParseInteger(bad).has_value()) << bad;
  EXPECT_EQ(qv::ParseDouble("1e3"), 1000.0);
  EXPECT_FALSE(qv::ParseDouble("nan").has_value());
  EXPECT_FALSE(qv::ParseDouble("1e999").has_value());
  EXPECT_FALSE(qv::ParseDouble(" 1").has_value());
  EXPECT_EQ(qv::ParseBoolean("TRUE"), true);
  EXPECT_FALSE(qv::ParseBoolean("1").has_value());
  EXPECT_EQ(qv::FormatDouble(1.5), "1.5");
  EXPECT_EQ(qv::FormatDouble(0.1), "0.1");
}

}  // namespace
}  // namespace coffer::protocol
