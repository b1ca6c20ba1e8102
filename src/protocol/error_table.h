// The error vocabulary: for each service, the table that maps a failure's
// reason (Status::reason(), a token the raising layer chose) to what the
// client sees: the AWS `__type`, the HTTP status, how the message member is
// spelled, and, for faults, the fixed generic message. Every AWS error type
// Coffer sends is a row of one of these tables:
//
//   FrameworkErrors()        Coral's own errors, the same for every service:
//                            dispatch, deserialization, SigV4, throttling,
//                            and the transport's (keyed by HTTP status)
//   SecretsManagerErrors()   the Secrets Manager model's exceptions
//   KmsErrors()              the KMS model's exceptions used by Coffer
//   IamErrors(), StsErrors() every error shape of the IAM / STS (AWS Query)
//                            models, keyed by their wire code (error.code)
//   QueryFrameworkErrors()   the framework table of the Query services: the
//                            same failures under the Query protocol's codes
//                            (ValidationError, InvalidClientTokenId,
//                            SignatureDoesNotMatch, AccessDenied, ...)
//
// Lookup is the service's table first, then its framework's (JSON services:
// FrameworkErrors(); IAM, STS: QueryFrameworkErrors()). A row matches its
// `type` or, when set, its `reason`: the Query rows answer the raising
// layers' JSON-named reasons (the validator's ValidationException, the SigV4
// layer's UnrecognizedClientException, a model shape's name such as
// NoSuchEntityException) with the Query code, so those layers stay
// protocol-agnostic. A reason in no
// table is sent as its own `__type` with 400 (503 for kUnavailable) and the
// service's default message spelling; an empty reason takes the service's
// default type for the StatusCode (the `default_for` column).
//
// Wire encoders read these rows and nothing else: EncodeError
// (protocol/aws_error.h) writes AWS JSON 1.1 bodies from ResolveError's
// WireError; EncodeQueryError (protocol/query.h) writes <Error><Code>
// <Message> from the same WireError. A new service adds a table here and a
// case in TableOf, not a search through the tree.
//
// Reasons are strings so that the raising layers (crypto, auth/sigv4,
// secrets, kms) need not link this module: each defines its own tokens
// (crypto/key_errors.h, auth/sigv4/errors.h, secrets/messages.h,
// kms/messages.h, protocol/errors.h), and server/error_vocabulary_test.cc
// checks that every one of them has a row here.
//
// Thread-safety: constant tables and pure functions.
#pragma once

#include <span>
#include <string_view>

#include "coffer/status.h"
#include "protocol/target.h"

namespace coffer::protocol {

// How a message member is spelled on the wire (JSON 1.1: "Message" or
// "message"; Query/XML always <Message>). kService: as the service's table
// says (default_member), for framework errors whose spelling follows the
// service (UnknownOperationException, ValidationException).
enum class MessageMember : unsigned char { kUpper, kLower, kService };

// One row of a service's error table.
struct ErrorRow {
  std::string_view type;  // the AWS __type (JSON) / <Code> (Query/XML); also the reason
  int http_status;        // 400, 500 for modeled faults, 503 when unavailable
  MessageMember member;   // spelling of the message member
  // The StatusCode whose empty-reason failures take this row's type, or kOk
  // for none.
  StatusCode default_for = StatusCode::kOk;
  // Answered by the HTTP transport itself (TransportErrorRow), keyed by
  // http_status.
  bool transport = false;
  // A second reason this row answers, when the raising layer's token differs
  // from the wire code (Query rows only; empty elsewhere).
  std::string_view reason = {};
};

// A service's whole table.
struct ErrorTable {
  std::span<const ErrorRow> rows;
  MessageMember default_member;       // for reasons in no row
  std::string_view internal_type;     // kInternal / kDataLoss are sent as this...
  std::string_view internal_message;  // ...with this fixed text (detail is never sent)
};

const ErrorTable& FrameworkErrors();
const ErrorTable& SecretsManagerErrors();
const ErrorTable& KmsErrors();
const ErrorTable& IamErrors();
const ErrorTable& StsErrors();
const ErrorTable& QueryFrameworkErrors();
const ErrorTable& TableOf(Service service);

// The row for `reason` in `service`'s table or its framework's; nullptr
// when neither has one.
const ErrorRow* FindErrorRow(Service service, std::string_view reason);

// A failure as the wire sees it, independent of the encoding. Views point
// into the tables or into the Status, which must outlive it.
struct WireError {
  std::string_view type;  // JSON __type / Query <Code>: the row's type, else the reason
  int http_status = 500;
  MessageMember member = MessageMember::kUpper;  // never kService
  std::string_view message;                      // empty: no message member at all
};

// REQUIRES: !status.ok() (an OK status is resolved as an internal error).
WireError ResolveError(const Status& status, Service service);

// Errors the HTTP transport answers before any service is chosen (request
// timeout, body or headers too large, …): the framework row for
// `http_status`, BadRequestException for any status without one.
const ErrorRow& TransportErrorRow(int http_status);

}  // namespace coffer::protocol
