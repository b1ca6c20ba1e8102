// The AWS Query protocol (awsQuery), spoken by IAM and STS: requests are
// flat name=value parameters (an Action, a Version and the operation's
// input), form-encoded in a POST body (Content-Type
// application/x-www-form-urlencoded; charset=utf-8, as the AWS CLI, boto3
// and the SDKs send them) or in a GET query string; responses are XML.
//
// The request path is: ParseQueryRequest → ResolveQueryAction →
// QueryToJson (the operation's input as the JSON document a JSON 1.1 body
// would have been) → ServiceModel::ValidateInput, unchanged → the handler →
// EncodeQueryResponse. Failures are encoded by EncodeQueryError from the
// same error tables as JSON (error_table.h: the Query services' tables map
// the validator's ValidationException to ValidationError, the SigV4 layer's
// reasons to InvalidClientTokenId / SignatureDoesNotMatch, and so on).
//
// Serialization rules (Smithy awsQuery; botocore's QuerySerializer and
// QueryParser, whose conformance data is tests/unit/protocols/{input,output}
// /query.json):
//   structures  Outer.Inner=v (a member's locationName, else its name)
//   lists       Name.member.1=v, Name.member.2=v (the list member's
//               locationName replaces "member"); flattened: Name.1=v, or
//               Loc.1=v when the list member has locationName Loc;
//               an empty list is "Name=" (botocore sends it so)
//   maps        Name.entry.1.key=k & Name.entry.1.value=v; flattened:
//               Name.1.key / Name.1.value
//   scalars     booleans "true"/"false", numbers in decimal, timestamps ISO
//               8601 (converted to epoch seconds, as JSON 1.1 carries them),
//               blobs base64 (kept as the base64 string)
// Unknown parameters are ignored, as AWS does. Responses:
//   <OpResponse xmlns="<model xmlNamespace>"><OpResult>members in model
//   order</OpResult><ResponseMetadata><RequestId>id</RequestId>
//   </ResponseMetadata></OpResponse>
// with no <OpResult> for operations without output; lists as <member>
// children, maps as <entry><key/><value/></entry>, timestamps as
// 2026-12-07T21:15:47Z. No <?xml?> declaration: IAM and STS send none.
//
// Thread-safety: pure functions over immutable models.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "protocol/aws_error.h"
#include "protocol/service_model.h"
#include "protocol/target.h"

namespace coffer::protocol {

// IAM and STS answer with Content-Type text/xml, success and error alike.
inline constexpr std::string_view kXmlContentType = "text/xml";

// Reasons (and wire codes, error_table.cc) of the Query framework's errors.
// No Action parameter: 400 MissingAction "Missing Action" (S3Proxy's STS
// emulation; CloudWatch Query emulators send the same pair).
inline constexpr std::string_view kMissingAction = "MissingAction";
// An Action the model lacks, or a Version other than the model's: 400
// InvalidAction "Could not find operation <Action> for version <Version>"
// (S3Proxy's STS emulation, after AWS).
inline constexpr std::string_view kInvalidAction = "InvalidAction";
// A parameter given twice, bad percent-encoding, invalid UTF-8: 400
// MalformedQueryString (AWS's common Query error; the texts are ours).
inline constexpr std::string_view kMalformedQueryString = "MalformedQueryString";
// A value that does not parse as its member's type (QueryToJson), and the
// model validator's ValidationException on a Query service: 400
// ValidationError.
inline constexpr std::string_view kValidationError = "ValidationError";

// A parsed Query request. Values may carry secrets (a password, a session
// token): they are wiped when the request is destroyed.
struct QueryRequest {
  std::string action;
  std::string version;
  // In order of appearance, excluding Action and Version; names are unique.
  std::vector<std::pair<std::string, std::string>> params;

  QueryRequest() = default;
  QueryRequest(QueryRequest&&) noexcept = default;
  QueryRequest& operator=(QueryRequest&&) noexcept = default;
  QueryRequest(const QueryRequest&) = default;
  QueryRequest& operator=(const QueryRequest&) = default;
  ~QueryRequest();
};

// Parses a Query request. Parameters come from the query string of
// `target_uri` (after '?') and, for a POST whose media type is
// application/x-www-form-urlencoded (any parameters, case-insensitive), from
// `body`; a POST body of another type is ignored. '+' decodes to a space,
// %XX to its byte; names and values must be valid UTF-8; empty segments
// ("a=1&&b=2") are skipped and a segment without '=' is a name with an
// empty value.
// Errors (kInvalidArgument, 400):
//   MalformedQueryString: bad %-escape, invalid UTF-8, a name given twice;
//   MissingAction "Missing Action": no Action or an empty one.
Result<QueryRequest> ParseQueryRequest(std::string_view method, std::string_view target_uri,
                                       std::string_view content_type, std::string_view body);

// The model's stored name of req.action (a view that lives as long as the
// model). Errors: InvalidAction "Could not find operation <Action> for
// version <Version>" when the model has no such operation, or when
// req.version is neither empty nor the model's apiVersion.
Result<std::string_view> ResolveQueryAction(const ServiceModel& model, const QueryRequest& req);

// The input of `operation` as a JSON object (model member names; values
// typed per the shapes as above), ready for ServiceModel::ValidateInput and
// the handlers. Operations without input give {}. List elements and map
// entries are taken in ascending index order, gaps closed; an index that is
// not a plain positive decimal ("01", "x") is an unknown parameter. Member
// names in the document point into `model`, which must outlive it (the
// embedded models live for the whole program). Errors: a value that
// does not parse as its type is ValidationError (kInvalidArgument),
// Coral-style: "1 validation error detected: Value 'abc' at
// 'durationSeconds' failed to satisfy constraint: Member must be a number"
// (all such values, "; "-joined; sensitive values are not echoed); an
// unknown operation is UnknownOperationException (→ InvalidAction).
Result<JsonDocument> QueryToJson(const ServiceModel& model, std::string_view operation,
                                 const QueryRequest& req);

// The XML body of a successful `operation` whose output (model member names,
// timestamps as epoch seconds, blobs as base64 strings) is `output`; a JSON
// null (or a non-object) writes an empty result. Members the model lacks
// are not written; those absent or null in `output` are omitted.
std::string EncodeQueryResponse(const ServiceModel& model, std::string_view operation,
                                const JsonValue& output, std::string_view request_id);

// The XML error body for `status` on `service` (IAM, STS):
//   <ErrorResponse xmlns="…"><Error><Type>Sender|Receiver</Type><Code>…</Code>
//   <Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>
// Code and HTTP status from ResolveError; Receiver for 5xx; <Message>
// omitted when empty. REQUIRES: !status.ok().
EncodedError EncodeQueryError(const Status& status, Service service, std::string_view request_id);

// Headers of every Query response, success or error: Content-Type: text/xml
// and x-amzn-RequestId (a view of `request_id`).
std::array<Header, 2> QueryResponseHeaders(std::string_view request_id);

}  // namespace coffer::protocol
