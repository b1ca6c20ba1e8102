#include "protocol/error_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace coffer::protocol {
namespace {

// The type an empty reason takes, per code and service (was aws_error.cc's
// DefaultType switch).
TEST(ErrorTable, DefaultTypePerCode) {
  struct Case {
    StatusCode code;
    const char* sm;
    const char* kms;
  };
  for (const Case& c : {
           Case{StatusCode::kInvalidArgument, "InvalidParameterException", "ValidationException"},
           Case{StatusCode::kNotFound, "ResourceNotFoundException", "NotFoundException"},
           Case{StatusCode::kAlreadyExists, "ResourceExistsException", "AlreadyExistsException"},
           Case{StatusCode::kFailedPrecondition, "InvalidRequestException",
                "KMSInvalidStateException"},
           Case{StatusCode::kPermissionDenied, "AccessDeniedException", "AccessDeniedException"},
           Case{StatusCode::kUnauthenticated, "UnrecognizedClientException",
                "UnrecognizedClientException"},
           Case{StatusCode::kResourceExhausted, "ThrottlingException", "ThrottlingException"},
           Case{StatusCode::kUnavailable, "ServiceUnavailableException",
                "ServiceUnavailableException"},
           Case{StatusCode::kInternal, "InternalServiceError", "KMSInternalException"},
           Case{StatusCode::kDataLoss, "InternalServiceError", "KMSInternalException"},
       }) {
    Status s(c.code, "", "m");
    EXPECT_EQ(ResolveError(s, Service::kSecretsManager).type, c.sm);
    EXPECT_EQ(ResolveError(s, Service::kKms).type, c.kms);
  }
}

TEST(ErrorTable, FaultsAre500AndHideTheDetail) {
  for (const char* type : {"InternalServiceError"}) {
    const Status status = Status::InvalidArgument(type, "m");
    WireError e = ResolveError(status, Service::kSecretsManager);
    EXPECT_EQ(e.http_status, 500) << type;
  }
  for (const char* type :
       {"KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException"}) {
    const Status status = Status::InvalidArgument(type, "m");
    WireError e = ResolveError(status, Service::kKms);
    EXPECT_EQ(e.http_status, 500) << type;
  }
  const Status internal = Status::Internal("secret detail");
  WireError e = ResolveError(internal, Service::kSecretsManager);
  EXPECT_EQ(e.message, "An error occurred on the server side.");
}

TEST(ErrorTable, UnknownReasonPassesThrough) {
  // A WireError views its Status's reason and message: the Status must outlive
  // it (a temporary here was a stack-use-after-scope under ASan).
  const Status invalid = Status::InvalidArgument("SomethingNew", "m");
  WireError e = ResolveError(invalid, Service::kKms);
  EXPECT_EQ(e.type, "SomethingNew");
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.member, MessageMember::kLower);
  const Status unavailable = Status::Unavailable("SomethingNew", "m");
  e = ResolveError(unavailable, Service::kSecretsManager);
  EXPECT_EQ(e.http_status, 503);
  EXPECT_EQ(e.member, MessageMember::kUpper);
}

TEST(ErrorTable, TransportRowsByStatus) {
  EXPECT_EQ(TransportErrorRow(408).type, "RequestTimeoutException");
  EXPECT_EQ(TransportErrorRow(413).type, "RequestEntityTooLargeException");
  EXPECT_EQ(TransportErrorRow(431).type, "RequestHeaderFieldsTooLargeException");
  EXPECT_EQ(TransportErrorRow(500).type, "InternalFailure");
  EXPECT_EQ(TransportErrorRow(501).type, "NotImplementedException");
  EXPECT_EQ(TransportErrorRow(503).type, "ServiceUnavailableException");
  EXPECT_EQ(TransportErrorRow(400).type, "BadRequestException");
  EXPECT_EQ(TransportErrorRow(411).type, "BadRequestException");
}

// A type appears once per table, so a lookup cannot depend on row order.
TEST(ErrorTable, NoDuplicateTypes) {
  for (const ErrorTable* t : {&FrameworkErrors(), &SecretsManagerErrors(), &KmsErrors()}) {
    std::set<std::string_view> seen;
    std::set<StatusCode> defaults;
    for (const ErrorRow& row : t->rows) {
      EXPECT_TRUE(seen.insert(row.type).second) << row.type;
      if (row.default_for != StatusCode::kOk) {
        EXPECT_TRUE(defaults.insert(row.default_for).second) << row.type;
      }
    }
  }
}

}  // namespace
}  // namespace coffer::protocol
