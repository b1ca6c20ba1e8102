#include "protocol/error_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "common/json.h"
#include "protocol/models.h"

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
  for (const ErrorTable* t : {&FrameworkErrors(), &SecretsManagerErrors(), &KmsErrors(),
                              &IamErrors(), &StsErrors(), &QueryFrameworkErrors()}) {
    std::set<std::string_view> seen;
    std::set<StatusCode> defaults;
    for (const ErrorRow& row : t->rows) {
      EXPECT_TRUE(seen.insert(row.type).second) << row.type;
      if (!row.reason.empty()) {
        EXPECT_TRUE(seen.insert(row.reason).second) << row.reason;
      }
      if (row.default_for != StatusCode::kOk) {
        EXPECT_TRUE(defaults.insert(row.default_for).second) << row.type;
      }
    }
  }
}

// Every error shape of the IAM and STS models is a row, with the code and
// HTTP status of its "error" trait (name and 400 without one), found by the
// code and by the shape name.
TEST(ErrorTable, QueryModelErrorShapesAreRows) {
  for (auto [service, text] : {std::pair{Service::kIam, embedded::kIamModel},
                               std::pair{Service::kSts, embedded::kStsModel}}) {
    JsonDocument doc;
    doc.Parse(text.data(), text.size());
    ASSERT_FALSE(doc.HasParseError());
    int exceptions = 0;
    for (const auto& shape : doc["shapes"].GetObject()) {
      if (!JsonBool(shape.value, "exception").value_or(false)) continue;
      ++exceptions;
      std::string name(shape.name.GetString(), shape.name.GetStringLength());
      std::string code = name;
      int64_t http = 400;
      if (const JsonValue* error = JsonMember(shape.value, "error")) {
        code = std::string(JsonString(*error, "code").value_or(name));
        http = JsonInt(*error, "httpStatusCode").value_or(400);
      }
      for (const std::string& reason : {name, code}) {
        const ErrorRow* row = FindErrorRow(service, reason);
        ASSERT_NE(row, nullptr) << reason;
        EXPECT_EQ(row->type, code) << reason;
        EXPECT_EQ(row->http_status, http) << reason;
        EXPECT_EQ(row->member, MessageMember::kUpper) << reason;
        EXPECT_EQ(ResolveError(Status::InvalidArgument(reason, "m"), service).type, code);
      }
    }
    EXPECT_EQ(static_cast<size_t>(exceptions), TableOf(service).rows.size());
  }
}

// The JSON services never see the Query rows.
TEST(ErrorTable, QueryRowsStayOnQueryServices) {
  for (Service service : {Service::kSecretsManager, Service::kKms}) {
    EXPECT_EQ(FindErrorRow(service, "InvalidClientTokenId"), nullptr);
    EXPECT_EQ(FindErrorRow(service, "NoSuchEntityException"), nullptr);
    EXPECT_EQ(ResolveError(Status::InvalidArgument("ValidationException", "m"), service).type,
              "ValidationException");
  }
}

}  // namespace
}  // namespace coffer::protocol
