#include "sts/session_tokens.h"

#include <openssl/crypto.h>

#include <utility>

#include "auth/sigv4/signing_key_cache.h"
#include "common/encoding.h"
#include "common/json.h"
#include "common/random.h"

namespace coffer::sts {
namespace {

constexpr char kUpperAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr char kSecretAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// The longest token Open reads (a session policy is at most 2048 bytes
// packed, 50 tags of 128+256, ten policy ARNs): a bound on the work an
// unauthenticated request can ask for.
constexpr size_t kMaxTokenBytes = 32 * 1024;

std::string Aad(std::string_view access_key_id) {
  std::string aad = "coffer/sts-session/v1|";
  aad += access_key_id;
  return aad;
}

}  // namespace

Result<IssuedCredentials> SessionTokens::Issue(std::string_view account_id,
                                               std::string_view principal_arn,
                                               const auth::sigv4::SessionClaims& claims) const {
  IssuedCredentials out;
  out.access_key_id = "ASIA" + RandomString(16, kUpperAlnum);
  out.secret_access_key = SecureString(RandomString(40, kSecretAlphabet));
  out.expires_ms = claims.expires_ms;

  JsonBuffer buffer;
  struct Wipe {
    JsonBuffer& b;
    ~Wipe() { OPENSSL_cleanse(const_cast<char*>(b.GetString()), b.GetSize()); }
  } wipe{buffer};
  JsonWriter w(buffer);
  w.StartObject();
  WriteInt(w, "v", 1);
  WriteString(w, "k", out.access_key_id);
  WriteString(w, "s", out.secret_access_key.view());
  WriteString(w, "a", account_id);
  WriteString(w, "p", principal_arn);
  WriteString(w, "r", claims.role_arn);
  WriteString(w, "ri", claims.role_id);
  WriteString(w, "n", claims.session_name);
  WriteString(w, "si", claims.source_identity);
  WriteInt(w, "i", claims.issued_ms);
  WriteInt(w, "e", claims.expires_ms);
  WriteString(w, "sp", claims.session_policy);
  WriteStringArray(w, "pa", claims.policy_arns);
  WriteKey(w, "t");
  w.StartArray();
  for (const auto& [k, v] : claims.tags) {
    w.StartArray();
    w.String(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  COFFER_ASSIGN_OR_RETURN(std::string sealed,
                          barrier_.Seal(std::string_view(buffer.GetString(), buffer.GetSize()),
                                        Aad(out.access_key_id)));
  out.session_token = Base64Encode(sealed);
  return out;
}

Result<std::shared_ptr<const auth::sigv4::Credential>> SessionTokens::Open(
    std::string_view access_key_id, std::string_view token, int64_t now_ms) const {
  using Null = std::shared_ptr<const auth::sigv4::Credential>;
  if (token.size() > kMaxTokenBytes || !access_key_id.starts_with("ASIA")) return Null();
  std::optional<std::string> sealed = Base64Decode(token);
  if (!sealed) return Null();
  auto opened = barrier_.Open(*sealed, Aad(access_key_id));
  if (!opened.ok()) return Null();
  JsonDocument doc;
  doc.Parse(opened->view().data(), opened->view().size());
  if (doc.HasParseError() || !doc.IsObject() || JsonInt(doc, "v") != 1 ||
      JsonString(doc, "k") != access_key_id) {
    return Null();
  }
  auto claims = std::make_shared<auth::sigv4::SessionClaims>();
  claims->role_arn = std::string(JsonString(doc, "r").value_or(""));
  claims->role_id = std::string(JsonString(doc, "ri").value_or(""));
  claims->session_name = std::string(JsonString(doc, "n").value_or(""));
  claims->source_identity = std::string(JsonString(doc, "si").value_or(""));
  claims->issued_ms = JsonInt(doc, "i").value_or(0);
  claims->expires_ms = JsonInt(doc, "e").value_or(0);
  claims->session_policy = std::string(JsonString(doc, "sp").value_or(""));
  claims->policy_arns = JsonStringArray(doc, "pa");
  if (const JsonValue* tags = JsonMember(doc, "t"); tags && tags->IsArray()) {
    for (const JsonValue& t : tags->GetArray()) {
      if (!t.IsArray() || t.Size() != 2 || !t[0].IsString() || !t[1].IsString()) return Null();
      claims->tags.emplace_back(std::string(t[0].GetString(), t[0].GetStringLength()),
                                std::string(t[1].GetString(), t[1].GetStringLength()));
    }
  }
  if (now_ms >= claims->expires_ms) {
    return Status::Unauthenticated(std::string(kExpiredToken), std::string(kExpiredTokenMessage));
  }
  auto credential = std::make_shared<auth::sigv4::Credential>();
  std::optional<std::string_view> secret = JsonString(doc, "s");
  if (!secret) return Null();
  credential->secret_access_key = SecureString(*secret);
  credential->account_id = std::string(JsonString(doc, "a").value_or(""));
  credential->principal_arn = std::string(JsonString(doc, "p").value_or(""));
  credential->serial = auth::sigv4::NextCredentialSerial();
  credential->session = std::move(claims);
  return std::shared_ptr<const auth::sigv4::Credential>(std::move(credential));
}

Result<std::shared_ptr<const auth::sigv4::Credential>> OpenedSessions::Open(
    std::string_view access_key_id, std::string_view token, int64_t now_ms) {
  std::shared_ptr<const auth::sigv4::Credential> hit;
  cache_.Find(access_key_id, [&](const Entry& e) {
    if (e.token.size() == token.size() &&
        CRYPTO_memcmp(e.token.data(), token.data(), token.size()) == 0) {
      hit = e.credential;
    }
  });
  if (hit) {
    if (now_ms >= hit->session->expires_ms) {
      return Status::Unauthenticated(std::string(kExpiredToken), std::string(kExpiredTokenMessage));
    }
    return hit;
  }
  COFFER_ASSIGN_OR_RETURN(auto opened, tokens_.Open(access_key_id, token, now_ms));
  if (opened) cache_.Put(std::string(access_key_id), Entry{std::string(token), opened});
  return opened;
}

}  // namespace coffer::sts
