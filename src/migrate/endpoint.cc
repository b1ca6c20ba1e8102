#include "migrate/endpoint.h"

#include <cmath>
#include <utility>

#include "client/http_client.h"
#include "common/json.h"
#include "migrate/json_body.h"

namespace coffer::migrate {
namespace {

// A lookup that sees `profile` as AWS_PROFILE and hides the environment's
// keys: an explicit profile wins over them, as the CLI's --profile does.
client::EnvLookup WithProfile(const client::EnvLookup& env, const std::string& profile) {
  if (profile.empty()) return env;
  return [env, profile](const std::string& name) -> std::optional<std::string> {
    if (name == "AWS_PROFILE") return profile;
    if (name == "AWS_DEFAULT_PROFILE" || name == "AWS_ACCESS_KEY_ID" ||
        name == "AWS_SECRET_ACCESS_KEY" || name == "AWS_SESSION_TOKEN") {
      return std::nullopt;
    }
    return env(name);
  };
}

// secretsmanager.REGION.amazonaws.com -> kms.REGION.amazonaws.com; other
// endpoints (Coffer, LocalStack) serve KMS on the same URL.
std::string KmsEndpointFor(const std::string& sm_endpoint) {
  const std::string needle = "://secretsmanager.";
  const size_t at = sm_endpoint.find(needle);
  if (at == std::string::npos) return sm_endpoint;
  return sm_endpoint.substr(0, at) + "://kms." + sm_endpoint.substr(at + needle.size());
}

int64_t EpochMs(const JsonValue& obj, const char* name) {
  const JsonValue* v = JsonMember(obj, name);
  if (v == nullptr || !v->IsNumber()) return 0;
  return static_cast<int64_t>(std::llround(v->GetDouble() * 1000.0));
}

Status BadAnswer(std::string_view operation) {
  return Status::Unavailable("", "unexpected answer to " + std::string(operation));
}

}  // namespace

Result<std::unique_ptr<Side>> Side::Open(const SideOptions& options, const client::EnvLookup& env,
                                         std::string label) {
  client::UpstreamSettings settings;
  settings.region = options.region;
  settings.endpoint_url = options.endpoint;
  Result<client::Upstream> up =
      client::ResolveUpstream(WithProfile(env, options.profile), settings);
  if (!up.ok()) {
    return Status::InvalidArgument("", label + ": " + up.status().message());
  }
  std::unique_ptr<Side> side(new Side());
  side->label_ = std::move(label);
  side->credentials_ = up->credentials;
  std::shared_ptr<client::CredentialProvider> creds = up->credentials;
  auto make = [&](const std::string& endpoint) {
    auto c = std::make_unique<client::SecretsManagerClient>(
        endpoint, up->region,
        client::SecretsManagerClient::CredentialsSource([creds] { return creds->Get(); }),
        std::chrono::seconds(30), nullptr, up->ca_bundle);
    c->set_user_agent("coffer-migrate");
    return c;
  };
  side->sm_ = make(up->secretsmanager_endpoint);
  side->kms_ = make(KmsEndpointFor(up->secretsmanager_endpoint));
  side->kms_->set_service("TrentService", "kms");
  return side;
}

Result<std::string> Side::Call(std::string_view operation, std::string_view json_body) const {
  return sm_->Call(operation, json_body);
}

Result<std::string> Side::KmsCall(std::string_view operation, std::string_view json_body) const {
  return kms_->Call(operation, json_body);
}

std::string Side::Describe() const {
  return label_ + " " + endpoint() + " (" + region() + ", " + credentials_->Describe() + ")";
}

Result<std::vector<std::string>> ListSecretNames(const Side& side, const std::string& prefix) {
  std::vector<std::string> names;
  std::string token;
  do {
    std::string body = JsonBody([&](JsonWriter& w) {
      WriteBool(w, "IncludePlannedDeletion", false);
      WriteInt(w, "MaxResults", 100);
      if (!token.empty()) WriteString(w, "NextToken", token);
      if (!prefix.empty()) {
        WriteKey(w, "Filters");
        w.StartArray();
        w.StartObject();
        WriteString(w, "Key", "name");
        WriteStringArray(w, "Values", {prefix});
        w.EndObject();
        w.EndArray();
      }
    });
    COFFER_ASSIGN_OR_RETURN(std::string answer, side.Call("ListSecrets", body));
    JsonDocument doc;
    doc.Parse(answer.data(), answer.size());
    if (doc.HasParseError() || !doc.IsObject()) return BadAnswer("ListSecrets");
    if (const JsonValue* list = JsonMember(doc, "SecretList"); list && list->IsArray()) {
      for (const JsonValue& s : list->GetArray()) {
        std::optional<std::string_view> name = JsonString(s, "Name");
        if (!name || JsonMember(s, "DeletedDate") != nullptr) continue;
        if (name->substr(0, prefix.size()) != prefix) continue;
        names.emplace_back(*name);
      }
    }
    std::optional<std::string_view> next = JsonString(doc, "NextToken");
    token = next ? std::string(*next) : std::string();
  } while (!token.empty());
  return names;
}

Result<std::vector<VersionInfo>> ReadVersions(const Side& side, const std::string& name,
                                              bool include_deprecated) {
  std::vector<VersionInfo> versions;
  std::string token;
  do {
    std::string body = JsonBody([&](JsonWriter& w) {
      WriteString(w, "SecretId", name);
      WriteBool(w, "IncludeDeprecated", include_deprecated);
      WriteInt(w, "MaxResults", 100);
      if (!token.empty()) WriteString(w, "NextToken", token);
    });
    COFFER_ASSIGN_OR_RETURN(std::string answer, side.Call("ListSecretVersionIds", body));
    JsonDocument doc;
    doc.Parse(answer.data(), answer.size());
    if (doc.HasParseError() || !doc.IsObject()) return BadAnswer("ListSecretVersionIds");
    if (const JsonValue* list = JsonMember(doc, "Versions"); list && list->IsArray()) {
      for (const JsonValue& v : list->GetArray()) {
        VersionInfo info;
        info.id = std::string(JsonString(v, "VersionId").value_or(""));
        info.stages = JsonStringArray(v, "VersionStages");
        info.created_ms = EpochMs(v, "CreatedDate");
        if (!info.id.empty()) versions.push_back(std::move(info));
      }
    }
    std::optional<std::string_view> next = JsonString(doc, "NextToken");
    token = next ? std::string(*next) : std::string();
  } while (!token.empty());
  return versions;
}

Result<std::optional<SecretState>> ReadSecret(const Side& side, const std::string& name,
                                              bool include_deprecated) {
  const std::string id = JsonBody([&](JsonWriter& w) { WriteString(w, "SecretId", name); });
  Result<std::string> described = side.Call("DescribeSecret", id);
  if (!described.ok() && described.status().code() == StatusCode::kNotFound) {
    return std::optional<SecretState>();
  }
  if (!described.ok()) return described.status();
  JsonDocument doc;
  doc.Parse(described->data(), described->size());
  if (doc.HasParseError() || !doc.IsObject()) return BadAnswer("DescribeSecret");
  SecretState s;
  s.name = std::string(JsonString(doc, "Name").value_or(name));
  s.arn = std::string(JsonString(doc, "ARN").value_or(""));
  s.description = std::string(JsonString(doc, "Description").value_or(""));
  s.kms_key_id = std::string(JsonString(doc, "KmsKeyId").value_or(""));
  s.rotation_enabled = JsonBool(doc, "RotationEnabled").value_or(false);
  s.rotation_lambda_arn = std::string(JsonString(doc, "RotationLambdaARN").value_or(""));
  if (const JsonValue* rules = JsonMember(doc, "RotationRules"); rules && rules->IsObject()) {
    s.rotation_rules_json = JsonBody([&](JsonWriter& w) {
      for (const auto& m : rules->GetObject()) {
        w.Key(m.name.GetString(), m.name.GetStringLength());
        m.value.Accept(w);
      }
    });
  }
  s.scheduled_for_deletion = JsonMember(doc, "DeletedDate") != nullptr;
  if (const JsonValue* tags = JsonMember(doc, "Tags"); tags && tags->IsArray()) {
    for (const JsonValue& t : tags->GetArray()) {
      s.tags.emplace_back(JsonString(t, "Key").value_or(""), JsonString(t, "Value").value_or(""));
    }
  }
  COFFER_ASSIGN_OR_RETURN(std::string policy, side.Call("GetResourcePolicy", id));
  JsonDocument pdoc;
  pdoc.Parse(policy.data(), policy.size());
  if (pdoc.HasParseError() || !pdoc.IsObject()) return BadAnswer("GetResourcePolicy");
  if (auto p = JsonString(pdoc, "ResourcePolicy"); p && !p->empty()) s.policy = std::string(*p);
  COFFER_ASSIGN_OR_RETURN(s.versions, ReadVersions(side, name, include_deprecated));
  return std::optional<SecretState>(std::move(s));
}

Result<std::vector<AliasEntry>> ListAliases(const Side& side) {
  std::vector<AliasEntry> aliases;
  std::string marker;
  do {
    std::string body = JsonBody([&](JsonWriter& w) {
      WriteInt(w, "Limit", 100);
      if (!marker.empty()) WriteString(w, "Marker", marker);
    });
    COFFER_ASSIGN_OR_RETURN(std::string answer, side.KmsCall("ListAliases", body));
    JsonDocument doc;
    doc.Parse(answer.data(), answer.size());
    if (doc.HasParseError() || !doc.IsObject()) return BadAnswer("ListAliases");
    if (const JsonValue* list = JsonMember(doc, "Aliases"); list && list->IsArray()) {
      for (const JsonValue& a : list->GetArray()) {
        aliases.push_back({std::string(JsonString(a, "AliasName").value_or("")),
                           std::string(JsonString(a, "TargetKeyId").value_or(""))});
      }
    }
    const bool truncated = JsonBool(doc, "Truncated").value_or(false);
    std::optional<std::string_view> next = JsonString(doc, "NextMarker");
    marker = truncated && next ? std::string(*next) : std::string();
  } while (!marker.empty());
  return aliases;
}

}  // namespace coffer::migrate
