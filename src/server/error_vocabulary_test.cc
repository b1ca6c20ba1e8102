// Every reason a layer below the protocol can raise has a row in the error
// table of each service that carries it (protocol/error_table.h). A reason
// without one would still be sent, but with guessed status and spelling:
// this test names the layer and the token instead.

#include <gtest/gtest.h>

#include <string_view>

#include "auth/sigv4/errors.h"
#include "crypto/key_errors.h"
#include "kms/messages.h"
#include "protocol/error_table.h"
#include "protocol/errors.h"
#include "secrets/messages.h"

namespace coffer {
namespace {

using protocol::FindErrorRow;
using protocol::MessageMember;
using protocol::Service;

TEST(ErrorVocabulary, SigV4ReasonsAreFrameworkRowsWithLowercaseMessage) {
  for (std::string_view reason :
       {auth::sigv4::kMissingAuthenticationToken, auth::sigv4::kIncompleteSignature,
        auth::sigv4::kInvalidSignature, auth::sigv4::kUnrecognizedClient}) {
    for (Service service : {Service::kSecretsManager, Service::kKms}) {
      const protocol::ErrorRow* row = FindErrorRow(service, reason);
      ASSERT_NE(row, nullptr) << reason;
      EXPECT_EQ(row->http_status, 400) << reason;
      EXPECT_EQ(row->member, MessageMember::kLower) << reason;
    }
  }
}

TEST(ErrorVocabulary, ProtocolReasonsAreFrameworkRows) {
  for (std::string_view reason :
       {protocol::kUnknownOperationException, protocol::kSerializationException,
        protocol::kValidationException}) {
    for (Service service : {Service::kSecretsManager, Service::kKms})
      EXPECT_NE(FindErrorRow(service, reason), nullptr) << reason;
  }
}

TEST(ErrorVocabulary, KeyErrorsAreKmsRows) {
  for (const auto& info : crypto::internal::kKeyErrors) {
    EXPECT_EQ(crypto::KeyErrorReason(info.error), info.reason);
    const protocol::ErrorRow* row = FindErrorRow(Service::kKms, info.reason);
    ASSERT_NE(row, nullptr) << info.reason;
    EXPECT_EQ(row->http_status, 400) << info.reason;
    Status s = crypto::KeyErrorStatus(info.error, "m");
    ASSERT_TRUE(crypto::KeyErrorOf(s).has_value()) << info.reason;
    EXPECT_EQ(*crypto::KeyErrorOf(s), info.error);
  }
  EXPECT_FALSE(crypto::KeyErrorOf(Status::Internal("x")).has_value());
}

TEST(ErrorVocabulary, SecretsManagerReasonsAreRows) {
  namespace m = secrets::messages;
  for (std::string_view reason :
       {m::kResourceNotFound, m::kInvalidParameter, m::kInvalidRequest, m::kResourceExists,
        m::kLimitExceeded, m::kEncryptionFailure, m::kDecryptionFailure, m::kMalformedPolicy,
        m::kPublicPolicy, m::kInvalidNextToken, m::kValidation, m::kAccessDenied,
        m::kPreconditionNotMet, m::kUnknownOperation}) {
    const protocol::ErrorRow* row = FindErrorRow(Service::kSecretsManager, reason);
    ASSERT_NE(row, nullptr) << reason;
    EXPECT_EQ(row->http_status, 400) << reason;
  }
}

TEST(ErrorVocabulary, KmsReasonsAreRows) {
  namespace m = kms::messages;
  for (std::string_view reason :
       {m::kNotFound, m::kValidation, m::kAlreadyExists, m::kDisabled, m::kInvalidState,
        m::kInvalidCiphertext, m::kIncorrectKey, m::kInvalidKeyUsage, m::kUnsupported,
        m::kMalformedPolicy, m::kTag, m::kLimitExceeded, m::kInvalidMarker, m::kNotAuthorized,
        m::kAccessDenied, m::kDryRun, m::kSerialization}) {
    const protocol::ErrorRow* row = FindErrorRow(Service::kKms, reason);
    ASSERT_NE(row, nullptr) << reason;
    EXPECT_EQ(row->http_status, 400) << reason;
  }
}

}  // namespace
}  // namespace coffer
