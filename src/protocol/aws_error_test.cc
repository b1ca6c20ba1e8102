#include "protocol/aws_error.h"

#include <gtest/gtest.h>

#include <limits>

#include "protocol/errors.h"

namespace coffer::protocol {
namespace {

struct Case {
  Status status;
  Service service;
  int http;
  const char* body;
};

TEST(EncodeError, Table) {
  const Case kCases[] = {
      // Secrets Manager modeled errors: "Message".
      {Status::NotFound("ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret."),
       Service::kSecretsManager, 400,
       R"({"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."})"},
      {Status::InvalidArgument(
           "InvalidRequestException",
           "You must provide a ClientRequestToken value. We recommend a UUID-type value."),
       Service::kSecretsManager, 400,
       R"({"__type":"InvalidRequestException","Message":"You must provide a ClientRequestToken value. We recommend a UUID-type value."})"},
      {Status::InvalidArgument("ValidationException", "1 validation error detected: x"),
       Service::kSecretsManager, 400,
       R"({"__type":"ValidationException","Message":"1 validation error detected: x"})"},
      {Status::PermissionDenied("AccessDeniedException", "Access to KMS is not allowed"),
       Service::kSecretsManager, 400,
       R"({"__type":"AccessDeniedException","Message":"Access to KMS is not allowed"})"},
      // KMS errors: "message".
      {Status::NotFound("NotFoundException", "Invalid keyId 'x'"), Service::kKms, 400,
       R"({"__type":"NotFoundException","message":"Invalid keyId 'x'"})"},
      {Status::InvalidArgument("ValidationException", "1 validation error detected: x"),
       Service::kKms, 400,
       R"({"__type":"ValidationException","message":"1 validation error detected: x"})"},
      {Status::InvalidArgument("InvalidCiphertextException", ""), Service::kKms, 400,
       R"({"__type":"InvalidCiphertextException"})"},
      // Framework errors.
      {UnknownOperationError(), Service::kSecretsManager, 400,
       R"({"__type":"UnknownOperationException"})"},
      {UnknownOperationError(), Service::kKms, 400, R"({"__type":"UnknownOperationException"})"},
      {SerializationError(""), Service::kSecretsManager, 400,
       R"({"__type":"SerializationException"})"},
      {SerializationError("Expected null"), Service::kKms, 400,
       R"({"__type":"SerializationException","Message":"Expected null"})"},
      {Status::Unauthenticated("UnrecognizedClientException",
                               "The security token included in the request is invalid."),
       Service::kSecretsManager, 400,
       R"({"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."})"},
      {Status::Unauthenticated("InvalidSignatureException", "Signature expired"), Service::kKms,
       400, R"({"__type":"InvalidSignatureException","message":"Signature expired"})"},
      {Status::Unauthenticated("MissingAuthenticationTokenException",
                               "Request is missing Authentication Token"),
       Service::kSecretsManager, 400,
       R"({"__type":"MissingAuthenticationTokenException","message":"Request is missing Authentication Token"})"},
      {Status::ResourceExhausted("ThrottlingException", "Rate exceeded"), Service::kSecretsManager,
       400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"},
      {Status::ResourceExhausted("LimitExceededException", "too many versions"),
       Service::kSecretsManager, 400,
       R"({"__type":"LimitExceededException","Message":"too many versions"})"},
      // Faults never leak detail.
      {Status::Internal("sqlite: disk I/O error at /var/lib/coffer/db"), Service::kSecretsManager,
       500,
       R"({"__type":"InternalServiceError","Message":"An error occurred on the server side."})"},
      {Status::DataLoss("checksum mismatch in page 7"), Service::kKms, 500,
       R"({"__type":"KMSInternalException","message":"The request was rejected because an internal exception occurred. The request can be retried."})"},
      {Status(StatusCode::kInternal, "ResourceNotFoundException", "secret detail"),
       Service::kSecretsManager, 500,
       R"({"__type":"InternalServiceError","Message":"An error occurred on the server side."})"},
      {Status::Unavailable("", "try later"), Service::kSecretsManager, 503,
       R"({"__type":"ServiceUnavailableException","message":"try later"})"},
      {Status::Unavailable("KeyUnavailableException", "key unavailable"), Service::kKms, 503,
       R"({"__type":"KeyUnavailableException","message":"key unavailable"})"},
      {Status::FailedPrecondition("DependencyTimeoutException", "timed out"), Service::kKms, 500,
       R"({"__type":"DependencyTimeoutException","message":"timed out"})"},
      // Defaults when no reason is given.
      {Status::NotFound("", "m"), Service::kSecretsManager, 400,
       R"({"__type":"ResourceNotFoundException","Message":"m"})"},
      {Status::NotFound("", "m"), Service::kKms, 400,
       R"({"__type":"NotFoundException","message":"m"})"},
      {Status::InvalidArgument("", "m"), Service::kSecretsManager, 400,
       R"({"__type":"InvalidParameterException","Message":"m"})"},
      {Status::AlreadyExists("", "m"), Service::kKms, 400,
       R"({"__type":"AlreadyExistsException","message":"m"})"},
      {Status::FailedPrecondition("", "m"), Service::kSecretsManager, 400,
       R"({"__type":"InvalidRequestException","Message":"m"})"},
      {Status::PermissionDenied("", "m"), Service::kKms, 400,
       R"({"__type":"AccessDeniedException","message":"m"})"},
      // Messages are JSON-escaped.
      {Status::InvalidArgument("InvalidParameterException", "quote \" and \\ and \n"),
       Service::kSecretsManager, 400,
       R"({"__type":"InvalidParameterException","Message":"quote \" and \\ and \n"})"},
  };
  for (const auto& c : kCases) {
    EncodedError e = EncodeError(c.status, c.service);
    EXPECT_EQ(e.http_status, c.http) << c.status.ToString();
    EXPECT_EQ(e.body, c.body) << c.status.ToString();
  }
}

TEST(EncodeError, TypeIsReported) {
  EncodedError e =
      EncodeError(Status::NotFound("ResourceNotFoundException", "x"), Service::kSecretsManager);
  EXPECT_EQ(e.type, "ResourceNotFoundException");
  EXPECT_EQ(EncodeError(Status::Internal("x"), Service::kKms).type, "KMSInternalException");
  EXPECT_EQ(EncodeError(Status::Ok(), Service::kSecretsManager).http_status, 500);
}

TEST(EncodeSuccess, FramesObject) {
  EncodedResponse r = EncodeSuccess([](JsonWriter& w) {
    WriteString(w, "ARN", "arn:aws:secretsmanager:us-east-1:111111111111:secret:n-a1b2c3");
    WriteString(w, "Name", "n");
    WriteTimestamp(w, "CreatedDate", 1523477145713);
  });
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.body,
            R"({"ARN":"arn:aws:secretsmanager:us-east-1:111111111111:secret:n-a1b2c3","Name":"n",)"
            R"("CreatedDate":1523477145.713})");
  EXPECT_EQ(EncodeSuccess([](JsonWriter&) {}).body, "{}");
  EXPECT_EQ(EncodeEmptySuccess().body, "");
  EXPECT_EQ(EncodeEmptySuccess().http_status, 200);
}

TEST(EncodeSuccess, TimestampsAndEscapedStrings) {
  // Runs longer than 16 bytes with escapes between them (vectorised writers).
  const std::string run(40, 'a');
  const std::string value = run + "\"pw\":\"x\ty\x01\"\n" + run + "\\";
  EncodedResponse r = EncodeSuccess([&](JsonWriter& w) {
    WriteTimestamp(w, "A", 1523477145005);
    WriteTimestamp(w, "B", 0);
    WriteTimestamp(w, "C", -1);
    WriteTimestamp(w, "D", 1523477145090);
    WriteTimestamp(w, "E", std::numeric_limits<int64_t>::min());
    WriteString(w, "S", value);
  });
  EXPECT_EQ(r.body, R"({"A":1523477145.005,"B":0.000,"C":-0.001,"D":1523477145.090,)"
                    R"("E":-9223372036854775.808,"S":")" +
                        run + R"(\"pw\":\"x\ty\u0001\"\n)" + run + R"(\\"})");
}

TEST(ResponseHeaders, StandardHeaders) {
  auto h = ResponseHeaders("5e0e2f5c-1b7a-4c1e-9f3e-2a6c9d1b0e11");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].name, "Content-Type");
  EXPECT_EQ(h[0].value, "application/x-amz-json-1.1");
  EXPECT_EQ(h[1].name, "x-amzn-RequestId");
  EXPECT_EQ(h[1].value, "5e0e2f5c-1b7a-4c1e-9f3e-2a6c9d1b0e11");
}

}  // namespace
}  // namespace coffer::protocol
