#include "protocol/target.h"

#include <gtest/gtest.h>

#include "protocol/errors.h"

namespace coffer::protocol {
namespace {

TEST(DecodeTarget, SecretsManagerOperations) {
  for (const char* op : {"GetSecretValue", "CreateSecret", "BatchGetSecretValue", "ListSecrets",
                         "ValidateResourcePolicy"}) {
    auto t = DecodeTarget(std::string("secretsmanager.") + op);
    ASSERT_TRUE(t.ok()) << op << ": " << t.status().ToString();
    EXPECT_EQ(t->service, Service::kSecretsManager);
    EXPECT_EQ(t->operation, op);
  }
}

TEST(DecodeTarget, KmsOperations) {
  for (const char* op : {"Decrypt", "Encrypt", "GenerateDataKey", "CreateKey", "ListAliases"}) {
    auto t = DecodeTarget(std::string("TrentService.") + op);
    ASSERT_TRUE(t.ok()) << op << ": " << t.status().ToString();
    EXPECT_EQ(t->service, Service::kKms);
    EXPECT_EQ(t->operation, op);
  }
}

TEST(DecodeTarget, OperationViewOutlivesInput) {
  std::string header = "secretsmanager.GetSecretValue";
  auto t = DecodeTarget(header);
  ASSERT_TRUE(t.ok());
  header.assign(header.size(), 'x');
  EXPECT_EQ(t->operation, "GetSecretValue");
}

TEST(DecodeTarget, RejectsAsUnknownOperationWithoutMessage) {
  for (const char* bad :
       {"", ".", "secretsmanager", "secretsmanager.", "GetSecretValue",
        "secretsmanager.getsecretvalue", "SecretsManager.GetSecretValue", "secretsmanager.Decrypt",
        "TrentService.GetSecretValue", "TrentService.", "trentservice.Decrypt",
        "secretsmanager.GetSecretValue ", " secretsmanager.GetSecretValue",
        "secretsmanager.GetSecretValue.x", "kms.Decrypt", "DynamoDB_20120810.ListTables"}) {
    auto t = DecodeTarget(bad);
    ASSERT_FALSE(t.ok()) << "'" << bad << "'";
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(t.status().reason(), "UnknownOperationException") << bad;
    EXPECT_EQ(t.status().message(), "") << bad;
  }
}

TEST(DecodeTarget, PrefixesAndNames) {
  EXPECT_EQ(TargetPrefix(Service::kSecretsManager), "secretsmanager");
  EXPECT_EQ(TargetPrefix(Service::kKms), "TrentService");
  EXPECT_EQ(ServiceName(Service::kKms), "KMS");
}

}  // namespace
}  // namespace coffer::protocol
