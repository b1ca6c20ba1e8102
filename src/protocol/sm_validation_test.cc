// Validation against the real (embedded) Secrets Manager model.
#include <gtest/gtest.h>

#include <string>

#include "protocol/json_body.h"
#include "protocol/service_model.h"

namespace coffer::protocol {
namespace {

Status Validate(std::string_view op, std::string_view body) {
  auto doc = ParseRequestBody(body);
  if (!doc.ok()) return doc.status();
  return ServiceModel::Get(Service::kSecretsManager).ValidateInput(op, *doc);
}

void ExpectValid(std::string_view op, std::string_view body) {
  Status s = Validate(op, body);
  EXPECT_TRUE(s.ok()) << op << " " << body << ": " << s.ToString();
}

void ExpectValidation(std::string_view op, std::string_view body, std::string_view message) {
  Status s = Validate(op, body);
  EXPECT_EQ(s.reason(), "ValidationException") << op << " " << body << ": " << s.ToString();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), message) << op << " " << body;
}

void ExpectSerialization(std::string_view op, std::string_view body, std::string_view message) {
  Status s = Validate(op, body);
  EXPECT_EQ(s.reason(), "SerializationException") << op << " " << body << ": " << s.ToString();
  EXPECT_EQ(s.message(), message) << op << " " << body;
}

TEST(SecretsManagerModel, Loads) {
  const ServiceModel& m = ServiceModel::Get(Service::kSecretsManager);
  EXPECT_EQ(m.target_prefix(), "secretsmanager");
  EXPECT_EQ(m.operation_count(), 23u);  // aws-compat §1.1
  EXPECT_EQ(m.FindOperation("GetSecretValue"), "GetSecretValue");
  EXPECT_EQ(m.FindOperation("getsecretvalue"), "");
  EXPECT_EQ(m.ValidateInput("Nope", JsonDocument().SetObject()).reason(),
            "UnknownOperationException");
}

TEST(LoadModels, ReturnsTheEmbeddedModels) {
  auto models = LoadModels();
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  EXPECT_EQ(&models->Of(Service::kSecretsManager), &ServiceModel::Get(Service::kSecretsManager));
  EXPECT_EQ(models->Of(Service::kKms).target_prefix(), "TrentService");
}

TEST(ServiceModelLoad, RejectsBrokenModels) {
  for (
      const char* bad :
      {"", "[]", "{}", R"({"metadata":{},"operations":{},"shapes":{"S":{}}})",
       R"({"metadata":{},"operations":{"Op":{"input":{"shape":"Missing"}}},"shapes":{}})",
       R"({"metadata":{},"operations":{},"shapes":{"L":{"type":"list","member":{"shape":"X"}}}})",
       R"j({"metadata":{},"operations":{},"shapes":{"S":{"type":"string","pattern":"(?=a)"}}})j"}) {
    EXPECT_FALSE(ServiceModel::Load(bad).ok()) << bad;
  }
  auto tiny = ServiceModel::Load(
      R"({"metadata":{"targetPrefix":"T"},"operations":{"Op":{"input":{"shape":"In"}},"NoInput":{}},)"
      R"("shapes":{"In":{"type":"structure","required":["A"],"members":{"A":{"shape":"S"}}},)"
      R"("S":{"type":"string","min":2,"documentation":"dropped"}}})");
  ASSERT_TRUE(tiny.ok()) << tiny.status().ToString();
  EXPECT_EQ(tiny->target_prefix(), "T");
  EXPECT_EQ(tiny->shape_count(), 2u);
  JsonDocument doc;
  doc.Parse(R"({"A":"x"})");
  EXPECT_EQ(tiny->ValidateInput("Op", doc).message(),
            "1 validation error detected: Value 'x' at 'a' failed to satisfy constraint: Member "
            "must have length greater than or equal to 2");
  EXPECT_TRUE(tiny->ValidateInput("NoInput", doc).ok());
}

TEST(SecretsManagerValidation, ValidRequests) {
  ExpectValid("GetSecretValue", R"({"SecretId":"MyTestDatabaseSecret"})");
  ExpectValid(
      "GetSecretValue",
      R"({"SecretId":"s","VersionId":"EXAMPLE1-90ab-cdef-fedc-ba987SECRET1","VersionStage":"AWSCURRENT"})");
  ExpectValid("GetSecretValue", R"({"SecretId":"s","VersionId":null,"Unknown":[1,{"x":2}]})");
  ExpectValid(
      "CreateSecret",
      R"({"Name":"MyTestDatabaseSecret","ClientRequestToken":"EXAMPLE1-90ab-cdef-fedc-ba987SECRET1",)"
      R"("Description":"d","SecretString":"{\"user\":\"david\"}","Tags":[{"Key":"k","Value":""}],)"
      R"("AddReplicaRegions":[{"Region":"eu-west-1"}],"ForceOverwriteReplicaSecret":false})");
  ExpectValid("CreateSecret", R"({"Name":"n","SecretBinary":"Zm9vdGVzdA=="})");
  ExpectValid("ListSecrets", "");
  ExpectValid(
      "ListSecrets",
      R"({"MaxResults":100,"SortOrder":"asc","SortBy":"name","IncludePlannedDeletion":true,)"
      R"("Filters":[{"Key":"name","Values":["!prod/","a b"]},{"Key":"all","Values":["x"]}]})");
  ExpectValid("RotateSecret",
              R"({"SecretId":"s","RotationRules":{"AutomaticallyAfterDays":30,"Duration":"3h",)"
              R"j("ScheduleExpression":"cron(0 16 1,15 * ? *)"},"RotateImmediately":false})j");
  ExpectValid("DeleteSecret", R"({"SecretId":"s","RecoveryWindowInDays":7})");
  ExpectValid("GetRandomPassword", R"({"PasswordLength":4096,"ExcludeCharacters":"\"'"})");
  ExpectValid("BatchGetSecretValue", R"({"SecretIdList":["a","b",null]})");
  ExpectValid("TagResource", R"({"SecretId":"s","Tags":[]})");
}

TEST(SecretsManagerValidation, Required) {
  ExpectValidation("GetSecretValue", "{}",
                   "1 validation error detected: Value null at 'secretId' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation("GetSecretValue", R"({"SecretId":null})",
                   "1 validation error detected: Value null at 'secretId' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation("TagResource", "",
                   "2 validation errors detected: Value null at 'secretId' failed to satisfy "
                   "constraint: Member must not be null; Value null at 'tags' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation("PutResourcePolicy", R"({"SecretId":"s"})",
                   "1 validation error detected: Value null at 'resourcePolicy' failed to "
                   "satisfy constraint: Member must not be null");
}

TEST(SecretsManagerValidation, Lengths) {
  std::string long_id(2049, 'x');
  ExpectValidation("GetSecretValue", R"({"SecretId":")" + long_id + R"("})",
                   "1 validation error detected: Value '" + long_id +
                       "' at 'secretId' failed to satisfy constraint: Member must have length "
                       "less than or equal to 2048");
  ExpectValid("GetSecretValue", R"({"SecretId":")" + std::string(2048, 'x') + R"("})");
  ExpectValidation("GetSecretValue", R"({"SecretId":"","VersionId":"short"})",
                   "2 validation errors detected: Value '' at 'secretId' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1; Value "
                   "'short' at 'versionId' failed to satisfy constraint: Member must have "
                   "length greater than or equal to 32");
  // Characters, not bytes: 512 two-byte characters is a valid Name.
  std::string accents;
  for (int i = 0; i < 512; ++i) accents += "\xc3\xa9";
  ExpectValid("CreateSecret", R"({"Name":")" + accents + R"("})");
  ExpectValidation("CreateSecret", R"({"Name":")" + accents + "e" + R"("})",
                   "1 validation error detected: Value '" + accents + "e" +
                       "' at 'name' failed to satisfy constraint: Member must have length less "
                       "than or equal to 512");
}

TEST(SecretsManagerValidation, ListLengthsAndNestedPaths) {
  ExpectValidation("BatchGetSecretValue", R"({"SecretIdList":[]})",
                   "1 validation error detected: Value '[]' at 'secretIdList' failed to "
                   "satisfy constraint: Member must have length greater than or equal to 1");
  std::string ids, shown;
  for (int i = 0; i < 21; ++i) {
    ids += std::string(i ? "," : "") + "\"s" + std::to_string(i) + "\"";
    shown += std::string(i ? ", " : "") + "s" + std::to_string(i);
  }
  ExpectValidation("BatchGetSecretValue", R"({"SecretIdList":[)" + ids + "]}",
                   "1 validation error detected: Value '[" + shown +
                       "]' at 'secretIdList' failed to satisfy constraint: Member must have "
                       "length less than or equal to 20");
  ExpectValidation("BatchGetSecretValue", R"({"SecretIdList":["ok",""]})",
                   "1 validation error detected: Value '' at 'secretIdList.2.member' failed to "
                   "satisfy constraint: Member must have length greater than or equal to 1");
  ExpectValidation("TagResource",
                   R"({"SecretId":"s","Tags":[{"Key":"a","Value":"b"},{"Key":"","Value":"v"}]})",
                   "1 validation error detected: Value '' at 'tags.2.member.key' failed to "
                   "satisfy constraint: Member must have length greater than or equal to 1");
  ExpectValidation("UntagResource",
                   R"({"SecretId":"s","TagKeys":[")" + std::string(129, 'k') + R"("]})",
                   "1 validation error detected: Value '" + std::string(129, 'k') +
                       "' at 'tagKeys.1.member' failed to satisfy constraint: Member must have "
                       "length less than or equal to 128");
}

TEST(SecretsManagerValidation, FiltersEnumsAndPatterns) {
  ExpectValidation(
      "ListSecrets", R"({"Filters":[{"Key":"bogus","Values":["ok","bad*"]}]})",
      "2 validation errors detected: Value 'bogus' at 'filters.1.member.key' failed to satisfy "
      "constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, "
      "primary-region, owning-service, all]; Value 'bad*' at 'filters.1.member.values.2.member' "
      "failed to satisfy constraint: Member must satisfy regular expression pattern: "
      "^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$");
  ExpectValidation("ListSecrets", R"({"SortOrder":"ASC"})",
                   "1 validation error detected: Value 'ASC' at 'sortOrder' failed to satisfy "
                   "constraint: Member must satisfy enum value set: [asc, desc]");
  ExpectValidation("ListSecrets", R"({"Filters":[{"Key":"name","Values":[]}]})",
                   "1 validation error detected: Value '[]' at 'filters.1.member.values' failed "
                   "to satisfy constraint: Member must have length greater than or equal to 1");
  ExpectValidation(
      "RotateSecret",
      R"({"SecretId":"s","RotationRules":{"Duration":"3d","ScheduleExpression":"%;%"}})",
      "2 validation errors detected: Value '3d' at 'rotationRules.duration' failed "
      "to satisfy constraint: Member must satisfy regular expression pattern: "
      "[0-9]+h; Value '%;%' at 'rotationRules.scheduleExpression' failed to "
      "satisfy constraint: Member must satisfy regular expression pattern: "
      "[0-9A-Za-z\\(\\)#\\?\\*\\-\\/, ]+");
  // Model patterns are not implicitly anchored (Smithy): "x3hx"-like values
  // pass an unanchored pattern when the length allows.
  ExpectValid("RotateSecret", R"({"SecretId":"s","RotationRules":{"Duration":"h3h"}})");
  ExpectValidation("CreateSecret", R"({"Name":"n","AddReplicaRegions":[{"Region":"EU"}]})",
                   "1 validation error detected: Value 'EU' at 'addReplicaRegions.1.member.region' "
                   "failed to satisfy constraint: Member must satisfy regular expression "
                   "pattern: ^([a-z]+-)+\\d+$");
}

TEST(SecretsManagerValidation, Ranges) {
  ExpectValidation("ListSecrets", R"({"MaxResults":0})",
                   "1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
                   "constraint: Member must have value greater than or equal to 1");
  ExpectValidation("ListSecrets", R"({"MaxResults":101})",
                   "1 validation error detected: Value '101' at 'maxResults' failed to satisfy "
                   "constraint: Member must have value less than or equal to 100");
  ExpectValidation(
      "RotateSecret", R"({"SecretId":"s","RotationRules":{"AutomaticallyAfterDays":1001}})",
      "1 validation error detected: Value '1001' at 'rotationRules.automaticallyAfterDays' "
      "failed to satisfy constraint: Member must have value less than or equal to 1000");
  ExpectValidation("GetRandomPassword", R"({"PasswordLength":-5})",
                   "1 validation error detected: Value '-5' at 'passwordLength' failed to "
                   "satisfy constraint: Member must have value greater than or equal to 1");
  // An Integer shape: beyond int32 but inside the range cannot happen for
  // MaxResults (max 100), so out-of-int32 is reported as the range violation.
  ExpectValidation("ListSecrets", R"({"MaxResults":99999999999})",
                   "1 validation error detected: Value '99999999999' at 'maxResults' failed to "
                   "satisfy constraint: Member must have value less than or equal to 100");
  ExpectValid("DeleteSecret", R"({"SecretId":"s","RecoveryWindowInDays":9007199254740993})");
}

TEST(SecretsManagerValidation, SensitiveValuesAreNeverEchoed) {
  ExpectValidation("CreateSecret", R"({"Name":"n","SecretString":""})",
                   "1 validation error detected: Value at 'secretString' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1");
  std::string secret = "TOPSECRET" + std::string(65536, 'p');
  Status s = Validate("PutSecretValue", R"({"SecretId":"s","SecretString":")" + secret + R"("})");
  EXPECT_EQ(s.message(),
            "1 validation error detected: Value at 'secretString' failed to satisfy "
            "constraint: Member must have length less than or equal to 65536");
  EXPECT_EQ(s.message().find("TOPSECRET"), std::string::npos);
  ExpectValidation("PutSecretValue", R"({"SecretId":"s","RotationToken":"short-but-SECRET*"})",
                   "2 validation errors detected: Value at 'rotationToken' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 36; Value at "
                   "'rotationToken' failed to satisfy constraint: Member must satisfy regular "
                   "expression pattern: ^[a-zA-Z0-9\\-]+$");
  ExpectValid("PutSecretValue",
              R"({"SecretId":"s","SecretString":")" + std::string(65536, 'p') + R"("})");
}

TEST(SecretsManagerValidation, BlobsAreBase64) {
  ExpectValid("PutSecretValue", R"({"SecretId":"s","SecretBinary":"AA=="})");
  ExpectSerialization("PutSecretValue", R"({"SecretId":"s","SecretBinary":"not base64!"})", "");
  ExpectSerialization("PutSecretValue", R"({"SecretId":"s","SecretBinary":"AAA"})", "");
  ExpectSerialization("PutSecretValue", R"({"SecretId":"s","SecretBinary":"A=AA"})", "");
  ExpectValidation("PutSecretValue", R"({"SecretId":"s","SecretBinary":""})",
                   "1 validation error detected: Value at 'secretBinary' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1");
  // 21,846 quanta = 65,538 bytes; one '=' → 65,537, two → 65,536.
  std::string blob(87384, 'A');
  blob.back() = '=';
  ExpectValidation("PutSecretValue", R"({"SecretId":"s","SecretBinary":")" + blob + R"("})",
                   "1 validation error detected: Value at 'secretBinary' failed to satisfy "
                   "constraint: Member must have length less than or equal to 65536");
  std::string max(87384, 'A');
  max.replace(max.size() - 2, 2, "==");
  ExpectValid("PutSecretValue", R"({"SecretId":"s","SecretBinary":")" + max + R"("})");
}

TEST(SecretsManagerValidation, TypeMismatchesAreSerializationErrors) {
  ExpectSerialization("GetSecretValue", R"({"SecretId":1})",
                      "NUMBER_VALUE can not be converted to a String");
  ExpectSerialization("GetSecretValue", R"({"SecretId":true})",
                      "TRUE_VALUE can not be converted to a String");
  ExpectSerialization("GetSecretValue", R"({"SecretId":["x"]})",
                      "Start of list found where not expected");
  ExpectSerialization("GetSecretValue", R"({"SecretId":{"a":1}})",
                      "Start of structure or map found where not expected.");
  ExpectSerialization("ListSecrets", R"({"MaxResults":"1"})",
                      "STRING_VALUE can not be converted to an Integer");
  ExpectSerialization("ListSecrets", R"({"MaxResults":false})",
                      "FALSE_VALUE can not be converted to an Integer");
  ExpectSerialization("ListSecrets", R"({"MaxResults":1.5})", "");
  ExpectSerialization("DeleteSecret", R"({"SecretId":"s","RecoveryWindowInDays":"7"})",
                      "STRING_VALUE can not be converted to a Long");
  ExpectSerialization("DeleteSecret", R"({"SecretId":"s","ForceDeleteWithoutRecovery":"true"})",
                      "STRING_VALUE can not be converted to a Boolean");
  ExpectSerialization("ListSecrets", R"({"Filters":{"Key":"name"}})",
                      "Start of structure or map found where not expected.");
  ExpectSerialization("ListSecrets", R"({"Filters":"name"})", "Expected list or null");
  ExpectSerialization("ListSecrets", R"({"Filters":[1]})", "Expected null");
  ExpectSerialization("ListSecrets", R"({"Filters":[["name"]]})",
                      "Start of list found where not expected");
  ExpectSerialization("ListSecrets", R"({"Filters":[{"Values":[1]}]})",
                      "NUMBER_VALUE can not be converted to a String");
  // Deserialization precedes validation: a type error wins over violations.
  ExpectSerialization("ListSecrets", R"({"SortOrder":"bad","MaxResults":"1"})",
                      "STRING_VALUE can not be converted to an Integer");
  ExpectSerialization("GetSecretValue", R"({"VersionStage":7})",
                      "NUMBER_VALUE can not be converted to a String");
}

TEST(SecretsManagerValidation, SecretIdOnlyOperationsAcceptMinimalInput) {
  // Operations whose only required member is SecretId: "x" is enough.
  const ServiceModel& m = ServiceModel::Get(Service::kSecretsManager);
  for (const char* op : {"CancelRotateSecret", "DeleteResourcePolicy", "DescribeSecret",
                         "GetResourcePolicy", "RestoreSecret", "StopReplicationToReplica"}) {
    auto doc = ParseRequestBody(R"({"SecretId":"x"})");
    ASSERT_TRUE(doc.ok());
    EXPECT_TRUE(m.ValidateInput(op, *doc).ok()) << op;
  }
}

TEST(SecretsManagerValidation, GetSecretValueHotPathIsCheap) {
  // No timing assertion: just exercise the path many times.
  const ServiceModel& m = ServiceModel::Get(Service::kSecretsManager);
  auto doc = ParseRequestBody(R"({"SecretId":"prod/db/password","VersionStage":"AWSCURRENT"})");
  ASSERT_TRUE(doc.ok());
  int ok = 0;
  for (int i = 0; i < 100000; ++i) ok += m.ValidateInput("GetSecretValue", *doc).ok();
  EXPECT_EQ(ok, 100000);
}

}  // namespace
}  // namespace coffer::protocol
