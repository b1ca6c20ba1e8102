#include "functions/postgres_secret.h"

#include <rapidjson/encodedstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <optional>

#include "client/sm_client.h"
#include "common/json.h"

namespace coffer::functions {

namespace {

Status ValueError(std::string msg) { return Status::InvalidArgument("", std::move(msg)); }
Status SecretError(std::string msg) {
  return Status::InvalidArgument("InvalidSecret", std::move(msg));
}

std::string_view View(const JsonBuffer& b) { return {b.GetString(), b.GetSize()}; }

bool EqualsLower(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

// SAX filter for BuildPendingSecretString: copies events to a writer and
// replaces the value of every top-level "password" member.
class PasswordReplacer : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PasswordReplacer> {
 public:
  PasswordReplacer(JsonWriter& w, std::string_view password) : w_(w), password_(password) {}
  bool replaced() const { return replaced_; }

  bool Null() { return Scalar() && w_.Null(); }
  bool Bool(bool b) { return Scalar() && w_.Bool(b); }
  bool Int(int i) { return Scalar() && w_.Int(i); }
  bool Uint(unsigned u) { return Scalar() && w_.Uint(u); }
  bool Int64(int64_t i) { return Scalar() && w_.Int64(i); }
  bool Uint64(uint64_t u) { return Scalar() && w_.Uint64(u); }
  bool Double(double d) { return Scalar() && w_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return Scalar() && w_.RawValue(s, n, rapidjson::kNumberType);
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (replace_next_) {
      replace_next_ = false;
      replaced_ = true;
      return w_.String(password_.data(), static_cast<rapidjson::SizeType>(password_.size()));
    }
    return w_.String(s, n);
  }
  bool StartObject() { return Open() && w_.StartObject(); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    replace_next_ = depth_ == 1 && std::string_view(s, n) == "password";
    return w_.Key(s, n);
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    return w_.EndObject();
  }
  bool StartArray() { return Open() && w_.StartArray(); }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return w_.EndArray();
  }

 private:
  bool Scalar() { return !replace_next_; }  // a non-string password: refuse
  bool Open() {
    ++depth_;
    return !replace_next_;
  }
  JsonWriter& w_;
  std::string_view password_;
  int depth_ = 0;
  bool replace_next_ = false;
  bool replaced_ = false;
};

}  // namespace

Result<RotationEvent> ParseRotationEvent(std::string_view event_json) {
  JsonDocument doc;
  doc.Parse(event_json.data(), event_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return ValueError("the event is not a JSON object");
  RotationEvent e;
  auto step = JsonString(doc, "Step");
  auto id = JsonString(doc, "SecretId");
  auto token = JsonString(doc, "ClientRequestToken");
  if (!step || !id || !token) {
    return ValueError("the event needs Step, SecretId and ClientRequestToken");
  }
  e.step = std::string(*step);
  e.secret_id = std::string(*id);
  e.client_request_token = std::string(*token);
  if (auto rt = JsonString(doc, "RotationToken")) e.rotation_token = std::string(*rt);
  return e;
}

Result<PostgresSecret> ParsePostgresSecret(std::string_view secret_string) {
  JsonDocument doc;
  doc.Parse(secret_string.data(), secret_string.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return SecretError("The secret string is not a JSON object");
  }
  for (const char* field : {"host", "username", "password", "engine"}) {
    if (!doc.HasMember(field)) {
      return SecretError(std::string(field) + " key is missing from secret JSON");
    }
    if (!doc[field].IsString()) return SecretError(std::string(field) + " must be a string");
  }
  PostgresSecret s;
  s.engine = std::string(*JsonString(doc, "engine"));
  if (s.engine != "postgres" && s.engine != "aurora-postgresql") {
    return SecretError(
        "Database engine must be set to 'postgres' in order to use this rotation lambda");
  }
  s.host = std::string(*JsonString(doc, "host"));
  s.username = std::string(*JsonString(doc, "username"));
  s.password = SecureString(*JsonString(doc, "password"));
  if (const JsonValue* port = JsonMember(doc, "port")) {
    std::string text;
    if (port->IsUint()) {
      text = std::to_string(port->GetUint());
    } else if (port->IsString()) {
      text.assign(port->GetString(), port->GetStringLength());
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
      return SecretError("port must be a port number");
    }
    s.port = std::to_string(value);
  }
  if (const JsonValue* db = JsonMember(doc, "dbname")) {
    if (!db->IsString()) return SecretError("dbname must be a string");
    s.dbname.assign(db->GetString(), db->GetStringLength());
  }
  // get_ssl_config: a bool or "true"/"false" in any case; anything else is
  // "try TLS, fall back to plain", which libpq calls prefer.
  if (const JsonValue* ssl = JsonMember(doc, "ssl")) {
    std::optional<bool> use;
    if (ssl->IsBool()) {
      use = ssl->GetBool();
    } else if (ssl->IsString()) {
      std::string_view v(ssl->GetString(), ssl->GetStringLength());
      if (EqualsLower(v, "true")) use = true;
      if (EqualsLower(v, "false")) use = false;
    }
    if (use) s.sslmode = *use ? "verify-full" : "disable";
  }
  return s;
}

Result<SecureString> BuildPendingSecretString(std::string_view current,
                                              std::string_view new_password) {
  JsonBuffer buf;
  JsonWriter w(buf);
  PasswordReplacer handler(w, new_password);
  WipingJsonAllocator stack_allocator;
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, WipingJsonAllocator> reader(
      &stack_allocator);
  rapidjson::MemoryStream ms(current.data(), current.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
  auto result = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(is, handler);
  if (result.IsError() || !handler.replaced()) {
    return SecretError("The current secret has no string password member");
  }
  return SecureString(View(buf));
}

Result<PostgresRotatorOptions> PostgresRotatorOptionsFromEnvironment(
    const std::vector<std::pair<std::string, std::string>>& env) {
  PostgresRotatorOptions o;
  if (const std::string* v = client::FindEnv(env, "EXCLUDE_CHARACTERS")) o.exclude_characters = *v;
  if (const std::string* v = client::FindEnv(env, "PASSWORD_LENGTH")) {
    int n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < 1 || n > 4096) {
      return ValueError("PASSWORD_LENGTH must be a number from 1 to 4096");
    }
    o.password_length = n;
  }
  return o;
}

}  // namespace coffer::functions
