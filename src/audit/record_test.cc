// AppendEventJson: the CloudTrail member names, valid JSON on one line, and
// redaction: for each operation shape that carries a secret (Secrets
// Manager, KMS, IAM, STS), no secret value survives in the record.
#include "audit/record.h"

#include <gtest/gtest.h>

#include "common/encoding.h"

#include <string>
#include <vector>

namespace coffer::audit {
namespace {

rapidjson::Document Parse(const std::string& line) {
  rapidjson::Document d;
  d.Parse(line.data(), line.size());
  EXPECT_FALSE(d.HasParseError()) << line;
  return d;
}

std::string Str(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return "<absent>";
  return it->value.GetString();
}

AuditEvent BaseEvent() {
  AuditEvent e;
  e.event_time_ms = 1765142295123;  // 2025-12-07T21:18:15.123Z
  e.event_source = "secretsmanager.amazonaws.com";
  e.event_name = "GetSecretValue";
  e.aws_region = "eu-west-1";
  e.source_ip = "192.0.2.7";
  e.user_agent = "aws-cli/2.15.0 \"quoted\"\nnext";
  e.identity.type = "IAMUser";
  e.identity.principal_id = "AIDAEXAMPLE";
  e.identity.arn = "arn:aws:iam::123456789012:user/ops/admin";
  e.identity.account_id = "123456789012";
  e.identity.access_key_id = "AKIAEXAMPLE";
  e.request_id = "5b3e7c8d-0000-4000-8000-000000000001";
  e.read_only = true;
  return e;
}

TEST(AuditRecord, CloudTrailShapeOnOneLine) {
  AuditEvent e = BaseEvent();
  e.request_text = R"({"SecretId":"prod/db","VersionStage":"AWSCURRENT"})";
  e.response_text = R"({"ARN":"arn:x","Name":"prod/db","SecretString":"hunter2-value"})";
  std::string line;
  AppendEventJson(e, line);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  EXPECT_EQ(line.find("hunter2-value"), std::string::npos);

  auto d = Parse(line);
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(Str(d, "eventVersion"), "1.08");
  EXPECT_EQ(Str(d, "eventTime"), "2025-12-07T21:18:15Z");
  EXPECT_EQ(Str(d, "eventSource"), "secretsmanager.amazonaws.com");
  EXPECT_EQ(Str(d, "eventName"), "GetSecretValue");
  EXPECT_EQ(Str(d, "awsRegion"), "eu-west-1");
  EXPECT_EQ(Str(d, "sourceIPAddress"), "192.0.2.7");
  EXPECT_EQ(Str(d, "userAgent"), "aws-cli/2.15.0 \"quoted\"\nnext");
  EXPECT_EQ(Str(d, "requestID"), e.request_id);
  EXPECT_EQ(Str(d, "eventID").size(), 36u);
  EXPECT_EQ(Str(d, "eventType"), "AwsApiCall");
  EXPECT_EQ(Str(d, "recipientAccountId"), "123456789012");
  EXPECT_EQ(Str(d, "eventCategory"), "Management");
  EXPECT_TRUE(d["readOnly"].GetBool());
  EXPECT_TRUE(d["managementEvent"].GetBool());
  EXPECT_FALSE(d.HasMember("errorCode"));
  EXPECT_FALSE(d.HasMember("errorMessage"));
  const auto& id = d["userIdentity"];
  EXPECT_EQ(Str(id, "type"), "IAMUser");
  EXPECT_EQ(Str(id, "principalId"), "AIDAEXAMPLE");
  EXPECT_EQ(Str(id, "arn"), "arn:aws:iam::123456789012:user/ops/admin");
  EXPECT_EQ(Str(id, "accountId"), "123456789012");
  EXPECT_EQ(Str(id, "accessKeyId"), "AKIAEXAMPLE");
  EXPECT_EQ(Str(id, "userName"), "admin");
  EXPECT_EQ(Str(d["requestParameters"], "SecretId"), "prod/db");
  EXPECT_EQ(Str(d["responseElements"], "Name"), "prod/db");
  EXPECT_EQ(Str(d["responseElements"], "SecretString"), kHiddenMarker);
}

TEST(AuditRecord, EventIdsDiffer) {
  std::string a, b;
  AppendEventJson(BaseEvent(), a);
  AppendEventJson(BaseEvent(), b);
  EXPECT_NE(Str(Parse(a), "eventID"), Str(Parse(b), "eventID"));
}

TEST(AuditRecord, ErrorHasCodeAndMessageAndNoResponse) {
  AuditEvent e = BaseEvent();
  e.error_code = "ResourceNotFoundException";
  e.error_message = "Secrets Manager can't find the specified secret.";
  e.request_text = R"({"SecretId":"missing"})";
  e.response_text = R"({"SecretString":"must-not-appear"})";
  std::string line;
  AppendEventJson(e, line);
  auto d = Parse(line);
  EXPECT_EQ(Str(d, "errorCode"), "ResourceNotFoundException");
  EXPECT_EQ(Str(d, "errorMessage"), e.error_message);
  EXPECT_TRUE(d["responseElements"].IsNull());
  EXPECT_EQ(line.find("must-not-appear"), std::string::npos);
}

TEST(AuditRecord, UnauthenticatedHasNullIdentity) {
  AuditEvent e = BaseEvent();
  e.identity = AuditIdentity{};
  e.recipient_account_id = "123456789012";
  std::string line;
  AppendEventJson(e, line);
  auto d = Parse(line);
  EXPECT_TRUE(d["userIdentity"].IsNull());
  EXPECT_TRUE(d["requestParameters"].IsNull());
  EXPECT_TRUE(d["responseElements"].IsNull());
  EXPECT_EQ(Str(d, "recipientAccountId"), "123456789012");
}

TEST(AuditRecord, AssumedRoleHasSessionContext) {
  AuditEvent e = BaseEvent();
  e.identity.type = "AssumedRole";
  e.identity.arn = "arn:aws:sts::123456789012:assumed-role/Deploy/ci";
  e.identity.principal_id = "AROAEXAMPLE:ci";
  e.identity.access_key_id = "ASIAEXAMPLE";
  e.identity.session_issuer_arn = "arn:aws:iam::123456789012:role/app/Deploy";
  e.identity.session_issuer_principal_id = "AROAEXAMPLE";
  e.identity.session_created_ms = 1765140000000;
  std::string line;
  AppendEventJson(e, line);
  auto d = Parse(line);
  const auto& id = d["userIdentity"];
  EXPECT_EQ(Str(id, "type"), "AssumedRole");
  EXPECT_FALSE(id.HasMember("userName"));
  const auto& issuer = id["sessionContext"]["sessionIssuer"];
  EXPECT_EQ(Str(issuer, "type"), "Role");
  EXPECT_EQ(Str(issuer, "arn"), "arn:aws:iam::123456789012:role/app/Deploy");
  EXPECT_EQ(Str(issuer, "principalId"), "AROAEXAMPLE");
  EXPECT_EQ(Str(issuer, "userName"), "Deploy");
  const auto& attrs = id["sessionContext"]["attributes"];
  EXPECT_EQ(Str(attrs, "creationDate"), "2025-12-07T20:40:00Z");
  EXPECT_EQ(Str(attrs, "mfaAuthenticated"), "false");
}

TEST(AuditRecord, ParsedDocumentsAreUsedAsIs) {
  AuditEvent e = BaseEvent();
  rapidjson::Document req;
  req.Parse(R"({"SecretId":"a","SecretString":"doc-secret"})");
  e.request = &req;
  e.request_text = R"({"ignored":true})";
  std::string line;
  AppendEventJson(e, line);
  auto d = Parse(line);
  EXPECT_EQ(Str(d["requestParameters"], "SecretId"), "a");
  EXPECT_FALSE(d["requestParameters"].HasMember("ignored"));
  EXPECT_EQ(line.find("doc-secret"), std::string::npos);
}

TEST(AuditRecord, TextThatIsNotJsonIsNeverCopied) {
  AuditEvent e = BaseEvent();
  e.request_text = "Action=CreateLoginProfile&Password=form-secret";
  std::string line;
  AppendEventJson(e, line);
  auto d = Parse(line);
  EXPECT_TRUE(d["requestParameters"].IsNull());
  EXPECT_EQ(line.find("form-secret"), std::string::npos);
}

TEST(AuditRecord, MalformedUtf8BecomesReplacementCharacters) {
  AuditEvent e = BaseEvent();
  e.user_agent = "curl\xff\xc3(x) caf\xc3\xa9";
  e.request_text = "{\"SecretId\":\"a\xfe\"}";
  std::string line;
  AppendEventJson(e, line);
  EXPECT_TRUE(IsValidUtf8(line));
  auto d = Parse(line);
  EXPECT_EQ(Str(d, "userAgent"), "curl\xEF\xBF\xBD\xEF\xBF\xBD(x) caf\xc3\xa9");
  EXPECT_EQ(Str(d["requestParameters"], "SecretId"), "a\xEF\xBF\xBD");
}

TEST(AuditRecord, RuleTable) {
  EXPECT_EQ(RuleFor("SecretId"), MemberRule::kKeep);
  EXPECT_EQ(RuleFor("ARN"), MemberRule::kKeep);
  EXPECT_EQ(RuleFor("ClientRequestToken"), MemberRule::kKeep);
  EXPECT_EQ(RuleFor("AccessKeyId"), MemberRule::kKeep);
  EXPECT_EQ(RuleFor("PasswordLength"), MemberRule::kKeep);
  EXPECT_EQ(RuleFor("MinimumPasswordLength"), MemberRule::kKeep);
  EXPECT_EQ(RuleFor("PublicKey"), MemberRule::kKeep);
  EXPECT_EQ(RuleFor("SecretString"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("secretString"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("SECRETBINARY"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("RandomPassword"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("NewPassword"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("SecretAccessKey"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("SessionToken"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("Plaintext"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("PrivateKeyPlaintext"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("X-Amz-Signature"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("Authorization"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("X-Amz-Security-Token"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("secret_string"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("session_token"), MemberRule::kHide);
  EXPECT_EQ(RuleFor("CiphertextBlob"), MemberRule::kOmit);
  EXPECT_EQ(RuleFor("PrivateKeyCiphertextBlob"), MemberRule::kOmit);
  EXPECT_EQ(RuleFor(std::string(200, 'a')), MemberRule::kHide);
}

// One operation's request and response, and the values that must not
// survive (each unique, so a find() proves its absence).
struct Shape {
  const char* op;
  const char* request;
  const char* response;
  std::vector<std::string> secrets;
  std::vector<std::string> kept;     // values that must still be there
  std::vector<std::string> omitted;  // member names that must be absent
};

const std::vector<Shape>& Shapes() {
  static const std::vector<Shape> shapes = {
      {"CreateSecret",
       R"({"Name":"db","SecretString":"S-create","ClientRequestToken":"tok-1",)"
       R"("Tags":[{"Key":"team","Value":"ops"}]})",
       R"({"ARN":"arn:db","Name":"db","VersionId":"v1"})",
       {"S-create"},
       {"tok-1", "ops", "arn:db"},
       {}},
      {"CreateSecretBinary",
       R"({"Name":"b","SecretBinary":"U0VDUkVULWJpbg=="})",
       R"({})",
       {"U0VDUkVULWJpbg=="},
       {},
       {}},
      {"PutSecretValue",
       R"({"SecretId":"db","SecretString":"S-put","VersionStages":["X"]})",
       R"({"ARN":"arn:db","VersionStages":["X"]})",
       {"S-put"},
       {"X"},
       {}},
      {"UpdateSecret",
       R"({"SecretId":"db","SecretBinary":"UPD-bin","Description":"d"})",
       R"({"ARN":"arn:db"})",
       {"UPD-bin"},
       {"\"d\""},
       {}},
      {"GetSecretValue",
       R"({"SecretId":"db"})",
       R"({"ARN":"arn:db","SecretString":"S-get","SecretBinary":"B-get","VersionId":"v"})",
       {"S-get", "B-get"},
       {"arn:db"},
       {}},
      {"BatchGetSecretValue",
       R"({"SecretIdList":["a","b"]})",
       R"({"SecretValues":[{"ARN":"arn:a","Name":"a","SecretString":"S-batch-1"},)"
       R"({"ARN":"arn:b","SecretBinary":"S-batch-2"}],)"
       R"("Errors":[{"SecretId":"c","ErrorCode":"ResourceNotFoundException"}]})",
       {"S-batch-1", "S-batch-2"},
       {"arn:a", "arn:b", "ResourceNotFoundException"},
       {}},
      {"GetRandomPassword",
       R"({"PasswordLength":31,"ExcludePunctuation":true})",
       R"({"RandomPassword":"P-random"})",
       {"P-random"},
       {"31"},
       {}},
      {"Encrypt",
       R"({"KeyId":"alias/app","Plaintext":"K-plain-enc"})",
       R"({"KeyId":"arn:key","CiphertextBlob":"CIPHER-enc","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})",
       {"K-plain-enc", "CIPHER-enc"},
       {"alias/app", "arn:key"},
       {"CiphertextBlob"}},
      {"Decrypt",
       R"({"CiphertextBlob":"CIPHER-dec","EncryptionContext":{"app":"x"}})",
       R"({"KeyId":"arn:key","Plaintext":"K-plain-dec"})",
       {"K-plain-dec", "CIPHER-dec"},
       {"arn:key", "\"app\""},
       {"CiphertextBlob"}},
      {"GenerateDataKey",
       R"({"KeyId":"k","KeySpec":"AES_256"})",
       R"({"KeyId":"arn:key","Plaintext":"DK-plain","CiphertextBlob":"DK-cipher"})",
       {"DK-plain", "DK-cipher"},
       {"AES_256"},
       {"CiphertextBlob"}},
      {"GenerateDataKeyPair",
       R"({"KeyId":"k","KeyPairSpec":"RSA_2048"})",
       R"({"PrivateKeyPlaintext":"PK-plain","PrivateKeyCiphertextBlob":"PK-cipher",)"
       R"("PublicKey":"PUB-key"})",
       {"PK-plain", "PK-cipher"},
       {"PUB-key"},
       {"PrivateKeyCiphertextBlob"}},
      {"GenerateRandom",
       R"({"NumberOfBytes":32})",
       R"({"Plaintext":"RND-bytes"})",
       {"RND-bytes"},
       {"32"},
       {}},
      {"Sign",
       R"({"KeyId":"k","Message":"MSG-sign","SigningAlgorithm":"RSASSA_PSS_SHA_256"})",
       R"({"KeyId":"k","Signature":"SIG-bytes"})",
       {"MSG-sign", "SIG-bytes"},
       {"RSASSA_PSS_SHA_256"},
       {}},
      {"GenerateMac",
       R"({"KeyId":"k","Message":"MSG-mac","MacAlgorithm":"HMAC_SHA_256"})",
       R"({"Mac":"MAC-bytes"})",
       {"MSG-mac", "MAC-bytes"},
       {"HMAC_SHA_256"},
       {}},
      {"ImportKeyMaterial",
       R"({"KeyId":"k","EncryptedKeyMaterial":"KM-wrapped","ImportToken":"it"})",
       R"({})",
       {"KM-wrapped"},
       {},
       {}},
      {"CreateAccessKey",
       R"({"UserName":"bob"})",
       R"({"AccessKey":{"UserName":"bob","AccessKeyId":"AKIABOB","Status":"Active",)"
       R"("SecretAccessKey":"IAM-sak"}})",
       {"IAM-sak"},
       {"AKIABOB", "bob"},
       {}},
      {"CreateLoginProfile",
       R"({"UserName":"bob","Password":"PW-login"})",
       R"({"LoginProfile":{"UserName":"bob"}})",
       {"PW-login"},
       {"bob"},
       {}},
      {"ChangePassword",
       R"({"OldPassword":"PW-old","NewPassword":"PW-new"})",
       R"({})",
       {"PW-old", "PW-new"},
       {},
       {}},
      {"AssumeRole",
       R"({"RoleArn":"arn:role","RoleSessionName":"s"})",
       R"({"Credentials":{"AccessKeyId":"ASIAX","SecretAccessKey":"STS-sak",)"
       R"("SessionToken":"STS-token","Expiration":1765142295},"AssumedRoleUser":{"Arn":"arn:ar"}})",
       {"STS-sak", "STS-token"},
       {"ASIAX", "arn:ar", "arn:role"},
       {}},
      {"AssumeRoleWithWebIdentity",
       R"({"RoleArn":"arn:role","WebIdentityToken":"JWT-token"})",
       R"({})",
       {"JWT-token"},
       {},
       {}},
      {"GetSessionToken",
       R"({"SerialNumber":"arn:mfa","TokenCode":"654321"})",
       R"({})",
       {"654321"},
       {"arn:mfa"},
       {}},
      {"Presigned",
       R"({"X-Amz-Signature":"SIG-presign","X-Amz-Security-Token":"TOK-presign"})",
       R"({})",
       {"SIG-presign", "TOK-presign"},
       {},
       {}},
      {"CamelCaseAndDepth",
       R"({"a":[{"b":{"c":[{"secretString":"DEEP-1","nested":{"sessionToken":"DEEP-2"}}]}}]})",
       R"({"list":[[{"SecretString":{"even":"DEEP-3"}}]]})",
       {"DEEP-1", "DEEP-2", "DEEP-3"},
       {},
       {}},
  };
  return shapes;
}

TEST(AuditRecord, NoSecretValueSurvivesAnyShape) {
  for (const Shape& s : Shapes()) {
    SCOPED_TRACE(s.op);
    AuditEvent e = BaseEvent();
    e.event_name = s.op;
    e.request_text = s.request;
    e.response_text = s.response;
    std::string line;
    AppendEventJson(e, line);
    auto d = Parse(line);
    ASSERT_TRUE(d.IsObject());
    EXPECT_TRUE(d["requestParameters"].IsObject());
    EXPECT_TRUE(d["responseElements"].IsObject());
    for (const std::string& secret : s.secrets) {
      EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in " << line;
    }
    for (const std::string& kept : s.kept) {
      EXPECT_NE(line.find(kept), std::string::npos) << kept << " lost from " << line;
    }
    for (const std::string& member : s.omitted) {
      EXPECT_EQ(line.find("\"" + member + "\""), std::string::npos) << member;
    }
    if (s.secrets.size() > s.omitted.size()) {
      EXPECT_NE(line.find(kHiddenMarker), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace coffer::audit
