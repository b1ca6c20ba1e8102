#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <string>

#include "protocol/error_table.h"
#include "protocol/query.h"
#include "protocol/service_model.h"

namespace coffer::protocol {
namespace {

constexpr std::string_view kIamNs = R"( xmlns="https://iam.amazonaws.com/doc/2010-05-08/")";
constexpr std::string_view kStsNs = R"( xmlns="https://sts.amazonaws.com/doc/2011-06-15/")";
constexpr std::string_view kMeta =
    "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>";

std::string Encode(Service service, std::string_view op, std::string_view json) {
  JsonDocument doc;
  doc.Parse(json.data(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return EncodeQueryResponse(ServiceModel::Get(service), op, doc, "req-1");
}

// Expected shapes: botocore's tests/unit/protocols/output/query.json and
// IAM's documented responses (API reference, GetUser / ListUsers examples).
TEST(EncodeQueryResponse, GetUser) {
  EXPECT_EQ(Encode(Service::kIam, "GetUser",
                   R"({"User":{"UserId":"AIDAEXAMPLE","Path":"/","UserName":"alice",)"
                   R"("Arn":"arn:aws:iam::123456789012:user/alice","CreateDate":1796764547,)"
                   R"("Tags":[{"Key":"team","Value":"a&b <c>"}],"Unknown":"x"}})"),
            "<GetUserResponse" + std::string(kIamNs) +
                "><GetUserResult><User><Path>/</Path><UserName>alice</UserName>"
                "<UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
                "<CreateDate>2026-12-08T21:15:47Z</CreateDate><Tags><member><Key>team</Key>"
                "<Value>a&amp;b &lt;c&gt;</Value></member></Tags></User></GetUserResult>" +
                std::string(kMeta) + "</GetUserResponse>");
}

TEST(EncodeQueryResponse, ListUsersPaginated) {
  EXPECT_EQ(
      Encode(Service::kIam, "ListUsers",
             R"({"Marker":"m\"1'","IsTruncated":true,"Users":[)"
             R"({"UserName":"a","CreateDate":0.75},{"UserName":"b","PasswordLastUsed":null}]})"),
      "<ListUsersResponse" + std::string(kIamNs) +
          "><ListUsersResult><Users><member><UserName>a</UserName>"
          "<CreateDate>1970-01-01T00:00:00Z</CreateDate></member><member>"
          "<UserName>b</UserName></member></Users><IsTruncated>true</IsTruncated>"
          "<Marker>m&quot;1&apos;</Marker></ListUsersResult>" +
          std::string(kMeta) + "</ListUsersResponse>");
  EXPECT_EQ(Encode(Service::kIam, "ListUsers", R"({"Users":[],"IsTruncated":false})"),
            "<ListUsersResponse" + std::string(kIamNs) +
                "><ListUsersResult><Users></Users><IsTruncated>false</IsTruncated>"
                "</ListUsersResult>" +
                std::string(kMeta) + "</ListUsersResponse>");
}

TEST(EncodeQueryResponse, OperationWithoutOutputHasNoResult) {
  const std::string expected = "<DeleteUserResponse" + std::string(kIamNs) + ">" +
                               std::string(kMeta) + "</DeleteUserResponse>";
  EXPECT_EQ(Encode(Service::kIam, "DeleteUser", "null"), expected);
  EXPECT_EQ(Encode(Service::kIam, "DeleteUser", R"({"X":1})"), expected);
}

TEST(EncodeQueryResponse, NullOutputGivesAnEmptyResult) {
  EXPECT_EQ(Encode(Service::kSts, "GetCallerIdentity", "null"),
            "<GetCallerIdentityResponse" + std::string(kStsNs) +
                "><GetCallerIdentityResult></GetCallerIdentityResult>" + std::string(kMeta) +
                "</GetCallerIdentityResponse>");
}

TEST(EncodeQueryResponse, AssumeRole) {
  EXPECT_EQ(Encode(Service::kSts, "AssumeRole",
                   R"({"AssumedRoleUser":{"Arn":"arn:aws:sts::123456789012:assumed-role/r/s",)"
                   R"("AssumedRoleId":"AROA:s"},"PackedPolicySize":6,"Credentials":{)"
                   R"("AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"sk","SessionToken":"tok",)"
                   R"("Expiration":1796768147}})"),
            "<AssumeRoleResponse" + std::string(kStsNs) +
                "><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
                "<SecretAccessKey>sk</SecretAccessKey><SessionToken>tok</SessionToken>"
                "<Expiration>2026-12-08T22:15:47Z</Expiration></Credentials><AssumedRoleUser>"
                "<AssumedRoleId>AROA:s</AssumedRoleId>"
                "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>"
                "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>" +
                std::string(kMeta) + "</AssumeRoleResponse>");
}

TEST(EncodeQueryResponse, MapsAsEntries) {
  EXPECT_EQ(Encode(Service::kIam, "GetAccountSummary", R"({"SummaryMap":{"Users":3,"Groups":0}})"),
            "<GetAccountSummaryResponse" + std::string(kIamNs) +
                "><GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>3</value>"
                "</entry><entry><key>Groups</key><value>0</value></entry></SummaryMap>"
                "</GetAccountSummaryResult>" +
                std::string(kMeta) + "</GetAccountSummaryResponse>");
}

TEST(EncodeQueryResponse, WrongJsonTypesStayWellFormed) {
  EXPECT_EQ(
      Encode(Service::kIam, "ListUsers", R"({"Users":{"a":1},"IsTruncated":"yes","Marker":["x"]})"),
      "<ListUsersResponse" + std::string(kIamNs) +
          "><ListUsersResult><IsTruncated>yes</IsTruncated></ListUsersResult>" +
          std::string(kMeta) + "</ListUsersResponse>");
}

constexpr std::string_view kTestModel = R"({
  "metadata": {"apiVersion": "2020-01-01"},
  "operations": {"Op": {"name": "Op", "output": {"shape": "Out"}}},
  "shapes": {
    "Out": {"type": "structure", "members": {
      "Flat": {"shape": "FlatList"},
      "FlatNamed": {"shape": "FlatNamedList"},
      "Named": {"shape": "NamedList"},
      "FlatAttrs": {"shape": "FlatMap"},
      "Ratio": {"shape": "Dbl"},
      "Data": {"shape": "Str", "locationName": "Payload"},
      "Count": {"shape": "Lng"}
    }},
    "FlatList": {"type": "list", "member": {"shape": "Str"}, "flattened": true},
    "FlatNamedList": {"type": "list", "member": {"shape": "Str", "locationName": "Thing"},
                      "flattened": true},
    "NamedList": {"type": "list", "member": {"shape": "Str", "locationName": "item"}},
    "FlatMap": {"type": "map", "key": {"shape": "Str", "locationName": "Name"},
                "value": {"shape": "Str", "locationName": "Val"}, "flattened": true},
    "Str": {"type": "string"},
    "Dbl": {"type": "double"},
    "Lng": {"type": "long"}
  }
})";

// botocore output/query.json cases: flattened lists, flattened named lists
// (the member's name replaces the structure member's), flattened maps with
// renamed key/value, and no resultWrapper / namespace in the model.
TEST(EncodeQueryResponse, FlattenedAndRenamed) {
  auto model = ServiceModel::Load(kTestModel);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  JsonDocument doc;
  doc.Parse(R"({"Flat":["a","b"],"FlatNamed":["c"],"Named":["d"],"FlatAttrs":{"k":"v"},)"
            R"("Ratio":0.25,"Data":"p","Count":-9007199254740993})");
  EXPECT_EQ(EncodeQueryResponse(*model, "Op", doc, "r<1>"),
            "<OpResponse><OpResult><Flat>a</Flat><Flat>b</Flat><Thing>c</Thing>"
            "<Named><item>d</item></Named><FlatAttrs><Name>k</Name><Val>v</Val></FlatAttrs>"
            "<Ratio>0.25</Ratio><Payload>p</Payload><Count>-9007199254740993</Count></OpResult>"
            "<ResponseMetadata><RequestId>r&lt;1&gt;</RequestId></ResponseMetadata>"
            "</OpResponse>");
}

// --- Errors ---

std::string ErrorXml(std::string_view ns, std::string_view type, std::string_view code,
                     std::string_view message) {
  return "<ErrorResponse" + std::string(ns) + "><Error><Type>" + std::string(type) +
         "</Type><Code>" + std::string(code) + "</Code><Message>" + std::string(message) +
         "</Message></Error><RequestId>req-1</RequestId></ErrorResponse>";
}

TEST(EncodeQueryError, ModeledErrorUsesTheWireCode) {
  for (std::string_view reason : {"NoSuchEntity", "NoSuchEntityException"}) {
    EncodedError e = EncodeQueryError(
        Status::NotFound(std::string(reason), "The user with name x cannot be found."),
        Service::kIam, "req-1");
    EXPECT_EQ(e.http_status, 404);
    EXPECT_EQ(e.type, "NoSuchEntity");
    EXPECT_EQ(e.body,
              ErrorXml(kIamNs, "Sender", "NoSuchEntity", "The user with name x cannot be found."));
  }
  EncodedError e = EncodeQueryError(Status::NotFound("", "gone"), Service::kIam, "req-1");
  EXPECT_EQ(e.type, "NoSuchEntity");
}

TEST(EncodeQueryError, InternalErrorsAreReceiverFaultsWithoutDetail) {
  EncodedError e = EncodeQueryError(Status::Internal("db exploded"), Service::kIam, "req-1");
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(e.body, ErrorXml(kIamNs, "Receiver", "ServiceFailure",
                             "The request processing has failed because of an unknown error, "
                             "exception or failure."));
  e = EncodeQueryError(Status::Internal("x"), Service::kSts, "req-1");
  EXPECT_EQ(e.type, "InternalFailure");
  EXPECT_NE(e.body.find("<Type>Receiver</Type>"), std::string::npos);
  e = EncodeQueryError(Status(StatusCode::kInvalidArgument, "PolicyEvaluationException", "m"),
                       Service::kIam, "req-1");
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(e.body, ErrorXml(kIamNs, "Receiver", "PolicyEvaluation", "m"));
}

TEST(EncodeQueryError, SigV4AndFrameworkReasonsTakeQueryCodes) {
  struct Case {
    StatusCode code;
    const char* reason;
    const char* wire;
    int http;
  };
  for (const Case& c : {
           Case{StatusCode::kUnauthenticated, "UnrecognizedClientException", "InvalidClientTokenId",
                403},
           Case{StatusCode::kUnauthenticated, "InvalidSignatureException", "SignatureDoesNotMatch",
                403},
           Case{StatusCode::kUnauthenticated, "IncompleteSignatureException", "IncompleteSignature",
                400},
           Case{StatusCode::kUnauthenticated, "MissingAuthenticationTokenException",
                "MissingAuthenticationToken", 403},
           Case{StatusCode::kPermissionDenied, "AccessDeniedException", "AccessDenied", 403},
           Case{StatusCode::kPermissionDenied, "", "AccessDenied", 403},
           Case{StatusCode::kUnauthenticated, "", "InvalidClientTokenId", 403},
           Case{StatusCode::kResourceExhausted, "", "Throttling", 400},
           Case{StatusCode::kUnavailable, "", "ServiceUnavailable", 503},
           Case{StatusCode::kInvalidArgument, "ValidationException", "ValidationError", 400},
           Case{StatusCode::kInvalidArgument, "UnknownOperationException", "InvalidAction", 400},
       }) {
    for (Service service : {Service::kIam, Service::kSts}) {
      EncodedError e = EncodeQueryError(Status(c.code, c.reason, "msg"), service, "req-1");
      EXPECT_EQ(e.type, c.wire) << c.reason;
      EXPECT_EQ(e.http_status, c.http) << c.reason;
      EXPECT_EQ(e.body, ErrorXml(service == Service::kIam ? kIamNs : kStsNs,
                                 c.http >= 500 ? "Receiver" : "Sender", c.wire, "msg"))
          << c.reason;
    }
  }
  // The same reasons keep their JSON types on the JSON services.
  EXPECT_EQ(
      ResolveError(Status::Unauthenticated("UnrecognizedClientException", "m"), Service::kKms).type,
      "UnrecognizedClientException");
  // Empty kInvalidArgument: IAM's InvalidInput, STS's ValidationError.
  EXPECT_EQ(ResolveError(Status::InvalidArgument("", "m"), Service::kIam).type, "InvalidInput");
  EXPECT_EQ(ResolveError(Status::InvalidArgument("", "m"), Service::kSts).type, "ValidationError");
  // STS's modeled ExpiredTokenException shadows the framework's ExpiredToken.
  EXPECT_EQ(ResolveError(Status::Unauthenticated("ExpiredTokenException", "m"), Service::kSts).type,
            "ExpiredTokenException");
  EXPECT_EQ(ResolveError(Status::Unauthenticated("ExpiredTokenException", "m"), Service::kIam).type,
            "ExpiredToken");
}

TEST(EncodeQueryError, EscapesAndOmitsAnEmptyMessage) {
  EncodedError e = EncodeQueryError(
      Status::InvalidArgument("MalformedPolicyDocument", "bad <\"&'>"), Service::kSts, "id&1");
  EXPECT_EQ(e.body,
            "<ErrorResponse" + std::string(kStsNs) +
                "><Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>bad "
                "&lt;&quot;&amp;&apos;&gt;</Message></Error><RequestId>id&amp;1</RequestId>"
                "</ErrorResponse>");
  e = EncodeQueryError(Status::InvalidArgument("InvalidAction", ""), Service::kIam, "r");
  EXPECT_EQ(e.body.find("<Message>"), std::string::npos);
}

TEST(QueryResponseHeaders, TextXmlAndRequestId) {
  auto headers = QueryResponseHeaders("abc");
  EXPECT_EQ(headers[0].name, "Content-Type");
  EXPECT_EQ(headers[0].value, "text/xml");
  EXPECT_EQ(headers[1].name, "x-amzn-RequestId");
  EXPECT_EQ(headers[1].value, "abc");
}

}  // namespace
}  // namespace coffer::protocol
