// Validation against the real (embedded) KMS model.
#include <gtest/gtest.h>

#include <string>

#include "protocol/json_body.h"
#include "protocol/service_model.h"

namespace coffer::protocol {
namespace {

Status Validate(std::string_view op, std::string_view body) {
  auto doc = ParseRequestBody(body);
  if (!doc.ok()) return doc.status();
  return ServiceModel::Get(Service::kKms).ValidateInput(op, *doc);
}

void ExpectMessage(std::string_view op, std::string_view body, std::string_view reason,
                   std::string_view message) {
  Status s = Validate(op, body);
  EXPECT_EQ(s.reason(), reason) << op << " " << body << ": " << s.ToString();
  EXPECT_EQ(s.message(), message) << op << " " << body;
}

TEST(KmsModel, LoadsEveryShapeAndPattern) {
  const ServiceModel& m = ServiceModel::Get(Service::kKms);
  EXPECT_EQ(m.target_prefix(), "TrentService");
  EXPECT_EQ(m.operation_count(), 54u);
  EXPECT_EQ(m.shape_count(), 251u);
}

TEST(KmsValidation, ValidRequests) {
  for (auto [op, body] : std::initializer_list<std::pair<const char*, const char*>>{
           {"Encrypt", R"({"KeyId":"alias/aws/secretsmanager","Plaintext":"aGVsbG8=",)"
                       R"("EncryptionContext":{"SecretARN":"arn:x","SecretVersionId":"v"}})"},
           {"Decrypt",
            R"({"CiphertextBlob":"AQIDBA==","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})"},
           {"Decrypt", "{}"},
           {"GenerateDataKey", R"({"KeyId":"k","KeySpec":"AES_256","GrantTokens":[]})"},
           {"GenerateDataKey", R"({"KeyId":"k","NumberOfBytes":1024})"},
           {"CreateKey",
            R"({"Description":"","KeyUsage":"ENCRYPT_DECRYPT","KeySpec":"SYMMETRIC_DEFAULT",)"
            R"("Tags":[{"TagKey":"a","TagValue":""}],"MultiRegion":false})"},
           {"CreateAlias", R"({"AliasName":"alias/my-key","TargetKeyId":"1234abcd"})"},
           {"ListAliases", R"({"Limit":1000,"Marker":"abc"})"},
           {"ImportKeyMaterial",
            R"({"KeyId":"k","ImportToken":"AA==","EncryptedKeyMaterial":"AA==",)"
            R"("ValidTo":1700000000.5})"},
       }) {
    Status s = Validate(op, body);
    EXPECT_TRUE(s.ok()) << op << " " << body << ": " << s.ToString();
  }
}

TEST(KmsValidation, Constraints) {
  // Real KMS text (stelligent/mu#382).
  ExpectMessage("Encrypt", R"({"KeyId":"","Plaintext":"AA=="})", "ValidationException",
                "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: "
                "Member must have length greater than or equal to 1");
  ExpectMessage("Encrypt", "{}", "ValidationException",
                "2 validation errors detected: Value null at 'keyId' failed to satisfy "
                "constraint: Member must not be null; Value null at 'plaintext' failed to "
                "satisfy constraint: Member must not be null");
  ExpectMessage("GenerateDataKey", R"({"KeyId":"k","KeySpec":"AES_512","NumberOfBytes":1025})",
                "ValidationException",
                "2 validation errors detected: Value '1025' at 'numberOfBytes' failed to satisfy "
                "constraint: Member must have value less than or equal to 1024; Value 'AES_512' "
                "at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: "
                "[AES_256, AES_128]");
  ExpectMessage("CreateAlias", R"({"AliasName":"alias/has space","TargetKeyId":"k"})",
                "ValidationException",
                "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: "
                "^[a-zA-Z0-9:/_-]+$");
  ExpectMessage("CreateKey", R"({"Tags":[{"TagKey":"a"},{"TagKey":"","TagValue":"v"}]})",
                "ValidationException",
                "2 validation errors detected: Value null at 'tags.1.member.tagValue' failed to "
                "satisfy constraint: Member must not be null; Value '' at 'tags.2.member.tagKey' "
                "failed to satisfy constraint: Member must have length greater than or equal to 1");
  ExpectMessage("ListAliases", R"({"Limit":0})", "ValidationException",
                "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                "Member must have value greater than or equal to 1");
  std::string tokens;
  for (int i = 0; i < 11; ++i) tokens += std::string(i ? "," : "") + "\"t\"";
  ExpectMessage("Encrypt", R"({"KeyId":"k","Plaintext":"AA==","GrantTokens":[)" + tokens + "]}",
                "ValidationException",
                "1 validation error detected: Value '[t, t, t, t, t, t, t, t, t, t, t]' at "
                "'grantTokens' failed to satisfy constraint: Member must have length less than "
                "or equal to 10");
  ExpectMessage("Decrypt", R"({"CiphertextBlob":""})", "ValidationException",
                "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1");
}

TEST(KmsValidation, PlaintextIsSensitive) {
  // 4,097 bytes of plaintext: the value must not appear.
  std::string b64(5464, 'Q');  // 1,366 quanta = 4,098 bytes; one '=' → 4,097
  b64.back() = '=';
  ExpectMessage("Encrypt", R"({"KeyId":"k","Plaintext":")" + b64 + R"("})", "ValidationException",
                "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
                "Member must have length less than or equal to 4096");
}

TEST(KmsValidation, TypeMismatches) {
  ExpectMessage("Encrypt", R"({"KeyId":"k","Plaintext":5})", "SerializationException", "");
  ExpectMessage("Encrypt", R"({"KeyId":"k","Plaintext":"AA==","EncryptionContext":[]})",
                "SerializationException", "Start of list found where not expected");
  ExpectMessage("Encrypt", R"({"KeyId":"k","Plaintext":"AA==","EncryptionContext":"x"})",
                "SerializationException", "Expected null");
  ExpectMessage("Encrypt", R"({"KeyId":"k","Plaintext":"AA==","EncryptionContext":{"a":1}})",
                "SerializationException", "NUMBER_VALUE can not be converted to a String");
  ExpectMessage(
      "ImportKeyMaterial",
      R"({"KeyId":"k","ImportToken":"AA==","EncryptedKeyMaterial":"AA==","ValidTo":"2024"})",
      "SerializationException", "");
  ExpectMessage("GenerateDataKey", R"({"KeyId":"k","NumberOfBytes":4294967296})",
                "ValidationException",
                "1 validation error detected: Value '4294967296' at 'numberOfBytes' failed to "
                "satisfy constraint: Member must have value less than or equal to 1024");
}

}  // namespace
}  // namespace coffer::protocol
