#include "audit/record.h"

#include <time.h>

#include <array>
#include <cstring>

#include "common/encoding.h"
#include "common/random.h"

namespace coffer::audit {
namespace {

// The redaction table. A member name is lower-cased and matched against the
// rows in order; the first row that matches decides. `all` lists substrings
// that must all occur in the name (`exact`: the name must equal the first).
// Rows are by name, not by operation, so a member of the same name in a new
// operation (IAM, STS) is redacted without a change here; the cost is that a
// harmless member with a matching name is hidden too.
struct Rule {
  std::array<std::string_view, 2> all;  // second may be empty
  bool exact;
  MemberRule rule;
};

constexpr Rule kRules[] = {
    // Numbers and flags of IAM's password policy, not passwords.
    {{"passwordlength", ""}, false, MemberRule::kKeep},  // GetRandomPassword, Minimum...
    {{"passwordreuseprevention", ""}, true, MemberRule::kKeep},
    {{"maxpasswordage", ""}, true, MemberRule::kKeep},
    {{"passwordresetrequired", ""}, true, MemberRule::kKeep},
    {{"allowuserstochangepassword", ""}, true, MemberRule::kKeep},
    {{"expirepasswords", ""}, true, MemberRule::kKeep},

    // Ciphertext is no secret but is large and says nothing to an auditor;
    // CloudTrail leaves it out of KMS events (Encrypt, ReEncrypt,
    // GenerateDataKey*, GenerateDataKeyPair's PrivateKeyCiphertextBlob).
    {{"ciphertextblob", ""}, false, MemberRule::kOmit},
    {{"ciphertextforrecipient", ""}, true, MemberRule::kOmit},

    // Secret values. Secrets Manager: SecretString, SecretBinary (at any
    // depth: BatchGetSecretValue's SecretValues[]), GetRandomPassword's
    // RandomPassword.
    {{"secret", "string"}, false, MemberRule::kHide},
    {{"secret", "binary"}, false, MemberRule::kHide},
    {{"password", ""}, false, MemberRule::kHide},  // IAM Password, New/OldPassword, ...
    // KMS: Plaintext (Encrypt, Decrypt, GenerateDataKey, GenerateRandom),
    // PrivateKeyPlaintext; ImportKeyMaterial; Sign/Verify/GenerateMac's
    // Message, Signature and Mac.
    {{"plaintext", ""}, false, MemberRule::kHide},
    {{"privatekey", ""}, false, MemberRule::kHide},  // and IAM server certificates
    {{"keymaterial", ""}, false, MemberRule::kHide},
    {{"signature", ""}, false, MemberRule::kHide},  // and a presigned X-Amz-Signature
    {{"message", ""}, true, MemberRule::kHide},
    {{"mac", ""}, true, MemberRule::kHide},
    // Credentials: IAM CreateAccessKey's AccessKey.SecretAccessKey, STS
    // Credentials.SecretAccessKey and .SessionToken, KMS XKS
    // RawSecretAccessKey; tokens and assertions a caller signs in with.
    {{"secretaccesskey", ""}, false, MemberRule::kHide},
    {{"sessiontoken", ""}, false, MemberRule::kHide},
    {{"securitytoken", ""}, false, MemberRule::kHide},  // X-Amz-Security-Token
    {{"authorization", ""}, false, MemberRule::kHide},
    {{"sharedsecret", ""}, false, MemberRule::kHide},
    {{"clientsecret", ""}, false, MemberRule::kHide},
    {{"webidentitytoken", ""}, false, MemberRule::kHide},
    {{"samlassertion", ""}, false, MemberRule::kHide},
    {{"tokencode", ""}, false, MemberRule::kHide},           // an MFA code
    {{"authenticationcode", ""}, false, MemberRule::kHide},  // EnableMFADevice
    {{"seed", ""}, false, MemberRule::kHide},                // virtual MFA Base32StringSeed
    {{"qrcodepng", ""}, false, MemberRule::kHide},
};

// A record's buffer larger than this is freed after the record.
constexpr size_t kRetainedBytes = 64 * 1024;

// Deeper than this (the parse caps a request far lower) the value is hidden.
constexpr int kMaxDepth = 64;

// `s` with every malformed UTF-8 sequence replaced by U+FFFD, so that each
// line is valid UTF-8 whatever a client sent (a User-Agent may hold any byte).
std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    const size_t from = i;
    const uint32_t cp = DecodeUtf8(s, &i);
    if (cp != 0xFFFD || IsValidUtf8(s.substr(from, i - from))) {
      out.append(s.substr(from, i - from));
    } else {
      out.append("\xEF\xBF\xBD");
    }
  }
  return out;
}

// 8 bytes at a time: nearly every string is ASCII, and IsValidUtf8 (a byte
// at a time) was a fifth of a record's cost.
bool IsAscii(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (x & 0x8080808080808080ull) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) & 0x80) return false;
  }
  return true;
}

void Write(JsonWriter& w, std::string_view s) {
  if (!IsAscii(s) && !IsValidUtf8(s)) {
    const std::string valid = ToValidUtf8(s);
    w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
    return;
  }
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void Key(JsonWriter& w, std::string_view s) { Write(w, s); }
void Member(JsonWriter& w, std::string_view key, std::string_view value) {
  Key(w, key);
  Write(w, value);
}
void MemberIfSet(JsonWriter& w, std::string_view key, std::string_view value) {
  if (!value.empty()) Member(w, key, value);
}

// ISO 8601 in UTC to the second, as CloudTrail writes it: 2026-12-07T21:18:15Z
// (by hand: snprintf was a fifth of a record's cost).
void MemberTime(JsonWriter& w, std::string_view key, int64_t epoch_ms) {
  time_t secs = static_cast<time_t>(epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000);
  // Formatted once a second per thread (gmtime_r was most of it).
  thread_local time_t last = -1;
  thread_local char buf[20];  // YYYY-MM-DDTHH:MM:SSZ
  if (secs == last) return Member(w, key, std::string_view(buf, sizeof buf));
  last = secs;
  struct tm tm;
  gmtime_r(&secs, &tm);
  auto put = [](int at, int value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10)
      buf[at + i] = static_cast<char>('0' + value % 10);
  };
  const int year = tm.tm_year + 1900;
  put(0, year < 0 ? 0 : year % 10000, 4);
  buf[4] = '-';
  put(5, tm.tm_mon + 1, 2);
  buf[7] = '-';
  put(8, tm.tm_mday, 2);
  buf[10] = 'T';
  put(11, tm.tm_hour, 2);
  buf[13] = ':';
  put(14, tm.tm_min, 2);
  buf[16] = ':';
  put(17, tm.tm_sec, 2);
  buf[19] = 'Z';
  Member(w, key, std::string_view(buf, sizeof buf));
}

// The last segment of an ARN's resource: "admin" of arn:aws:iam::1:user/ops/admin.
std::string_view LastSegment(std::string_view arn) {
  const size_t at = arn.find_last_of("/:");
  return at == std::string_view::npos ? arn : arn.substr(at + 1);
}

void WriteValue(JsonWriter& w, const JsonValue& v, int depth) {
  if (depth > kMaxDepth) return Write(w, kHiddenMarker);
  if (v.IsObject()) {
    w.StartObject();
    for (const auto& m : v.GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      const MemberRule rule = RuleFor(name);
      if (rule == MemberRule::kOmit) continue;
      Key(w, name);
      if (rule == MemberRule::kHide) {
        Write(w, kHiddenMarker);
      } else {
        WriteValue(w, m.value, depth + 1);
      }
    }
    w.EndObject();
  } else if (v.IsArray()) {
    w.StartArray();
    for (const auto& e : v.GetArray()) WriteValue(w, e, depth + 1);
    w.EndArray();
  } else if (v.IsString()) {
    Write(w, std::string_view(v.GetString(), v.GetStringLength()));
  } else {
    v.Accept(w);  // number, bool, null
  }
}

// requestParameters / responseElements: the document, else the text parsed
// (into a wiping document: it may hold the very values being hidden), else
// null. Text that is not JSON is never copied: it is recorded as null.
void WriteBody(JsonWriter& w, std::string_view key, const JsonValue* doc, std::string_view text) {
  Key(w, key);
  if (doc) return WriteRedacted(w, *doc);
  if (!text.empty()) {
    JsonDocument parsed;
    parsed.Parse(text.data(), text.size());
    if (!parsed.HasParseError()) return WriteRedacted(w, parsed);
  }
  w.Null();
}

void WriteIdentityObject(JsonWriter& w, const AuditIdentity& id);

// userIdentity's object is the same for every request of one caller: each
// thread keeps the last one it wrote, and the fields it was written from,
// and copies it when they match (it was a third of a record's cost).
struct IdentityMemo {
  std::string type, principal_id, arn, account_id, access_key_id, user_name, issuer_arn,
      issuer_principal_id;
  int64_t created_ms = 0;
  bool mfa = false;
  bool valid = false;
  JsonBuffer json;

  bool Matches(const AuditIdentity& id) const {
    return valid && type == id.type && principal_id == id.principal_id && arn == id.arn &&
           account_id == id.account_id && access_key_id == id.access_key_id &&
           user_name == id.user_name && issuer_arn == id.session_issuer_arn &&
           issuer_principal_id == id.session_issuer_principal_id &&
           created_ms == id.session_created_ms && mfa == id.mfa_authenticated;
  }
  void Remember(const AuditIdentity& id) {
    type.assign(id.type);
    principal_id.assign(id.principal_id);
    arn.assign(id.arn);
    account_id.assign(id.account_id);
    access_key_id.assign(id.access_key_id);
    user_name.assign(id.user_name);
    issuer_arn.assign(id.session_issuer_arn);
    issuer_principal_id.assign(id.session_issuer_principal_id);
    created_ms = id.session_created_ms;
    mfa = id.mfa_authenticated;
    json.Clear();
    JsonWriter w(json);
    WriteIdentityObject(w, id);
    valid = true;
  }
};

void WriteIdentity(JsonWriter& w, JsonBuffer& out, const AuditIdentity& id) {
  Key(w, "userIdentity");
  if (id.type.empty()) {
    w.Null();
    return;
  }
  thread_local IdentityMemo memo;
  if (!memo.Matches(id)) memo.Remember(id);
  // The writer puts the separator and takes the object as written; its bytes
  // go in at once (RawValue copies a byte at a time).
  const size_t n = memo.json.GetSize();
  w.RawValue(memo.json.GetString(), 1, rapidjson::kObjectType);  // "{"
  std::memcpy(out.Push(n - 1), memo.json.GetString() + 1, n - 1);
}

void WriteIdentityObject(JsonWriter& w, const AuditIdentity& id) {
  w.StartObject();
  Member(w, "type", id.type);
  MemberIfSet(w, "principalId", id.principal_id);
  MemberIfSet(w, "arn", id.arn);
  MemberIfSet(w, "accountId", id.account_id);
  MemberIfSet(w, "accessKeyId", id.access_key_id);
  if (!id.user_name.empty()) {
    Member(w, "userName", id.user_name);
  } else if (id.type == "IAMUser" && !id.arn.empty()) {
    Member(w, "userName", LastSegment(id.arn));
  }
  if (!id.session_issuer_arn.empty() || id.session_created_ms != 0) {
    Key(w, "sessionContext");
    w.StartObject();
    if (!id.session_issuer_arn.empty()) {
      Key(w, "sessionIssuer");
      w.StartObject();
      Member(w, "type", "Role");
      MemberIfSet(w, "principalId", id.session_issuer_principal_id);
      Member(w, "arn", id.session_issuer_arn);
      MemberIfSet(w, "accountId", id.account_id);
      Member(w, "userName", LastSegment(id.session_issuer_arn));
      w.EndObject();
    }
    Key(w, "attributes");
    w.StartObject();
    if (id.session_created_ms != 0) MemberTime(w, "creationDate", id.session_created_ms);
    Member(w, "mfaAuthenticated", id.mfa_authenticated ? "true" : "false");
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

MemberRule RuleFor(std::string_view name) {
  // Lower-cased letters and digits only: SecretString, secretString,
  // secret_string and X-Amz-Security-Token match their rows alike.
  char buf[96];
  if (name.size() > sizeof buf) return MemberRule::kHide;  // no modeled member is this long
  size_t n = 0;
  for (const char c : name) {
    if (c >= 'A' && c <= 'Z') {
      buf[n++] = static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      buf[n++] = c;
    }
  }
  const std::string_view lower(buf, n);
  for (const Rule& r : kRules) {
    const bool match =
        r.exact ? lower == r.all[0]
                : lower.find(r.all[0]) != std::string_view::npos &&
                      (r.all[1].empty() || lower.find(r.all[1]) != std::string_view::npos);
    if (match) return r.rule;
  }
  return MemberRule::kKeep;
}

void WriteRedacted(JsonWriter& w, const JsonValue& value) { WriteValue(w, value, 0); }

void AppendEventJson(const AuditEvent& e, std::string& line) {
  // One buffer per thread, kept: a fresh one (even with room for a typical
  // record) was an allocation, a wipe and a free per record. A record holds
  // no secret (redacted above), so it is not wiped between records.
  thread_local JsonBuffer buf(nullptr, 2048);
  buf.Clear();
  struct Release {
    ~Release() {
      if (buf.GetSize() > kRetainedBytes) {
        buf.Clear();
        buf.ShrinkToFit();
      }
    }
  } release;
  JsonWriter w(buf);
  const bool failed = !e.error_code.empty();
  w.StartObject();
  Member(w, "eventVersion", "1.08");
  WriteIdentity(w, buf, e.identity);
  MemberTime(w, "eventTime", e.event_time_ms);
  Member(w, "eventSource", e.event_source);
  Member(w, "eventName", e.event_name);
  Member(w, "awsRegion", e.aws_region);
  Member(w, "sourceIPAddress", e.source_ip);
  Member(w, "userAgent", e.user_agent);
  if (failed) {
    Member(w, "errorCode", e.error_code);
    MemberIfSet(w, "errorMessage", e.error_message);
  }
  WriteBody(w, "requestParameters", e.request, e.request_text);
  if (failed) {
    Key(w, "responseElements");
    w.Null();
  } else {
    WriteBody(w, "responseElements", e.response, e.response_text);
  }
  Member(w, "requestID", e.request_id);
  Member(w, "eventID", RandomUuid());
  Key(w, "readOnly");
  w.Bool(e.read_only);
  Member(w, "eventType", "AwsApiCall");
  Key(w, "managementEvent");
  w.Bool(true);
  Member(w, "recipientAccountId",
         e.recipient_account_id.empty() ? e.identity.account_id : e.recipient_account_id);
  Member(w, "eventCategory", "Management");
  w.EndObject();
  line.append(buf.GetString(), buf.GetSize());
  line.push_back('\n');
}

}  // namespace coffer::audit
