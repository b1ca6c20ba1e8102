#include "functions/postgres_rotator.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/log.h"

namespace coffer::functions {

namespace {

constexpr char kCurrent[] = "AWSCURRENT";
constexpr char kPending[] = "AWSPENDING";
constexpr char kPrevious[] = "AWSPREVIOUS";

Status ValueError(std::string msg) { return Status::InvalidArgument("", std::move(msg)); }
Status SecretError(std::string msg) {
  return Status::InvalidArgument("InvalidSecret", std::move(msg));
}

// Logs as the template does (logger.info / logger.error), then returns.
void Info(const std::string& msg) { LogInfo(msg, {{"function", "postgresql-single-user"}}); }
Status Fail(Status s) {
  LogError(s.message(), {{"function", "postgresql-single-user"}, {"reason", s.reason()}});
  return s;
}

std::string_view View(const JsonBuffer& b) { return {b.GetString(), b.GetSize()}; }

// DescribeSecret's answer, the parts the template reads.
struct Metadata {
  std::optional<bool> rotation_enabled;
  std::map<std::string, std::vector<std::string>> stages;  // version id -> stages
};

Result<Metadata> Describe(const client::SecretsManagerClient& sm, const std::string& arn) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteString(w, "SecretId", arn);
  w.EndObject();
  COFFER_ASSIGN_OR_RETURN(std::string body, sm.Call("DescribeSecret", View(buf)));
  JsonDocument doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::Unavailable("", "DescribeSecret returned an unreadable answer");
  }
  Metadata m;
  m.rotation_enabled = JsonBool(doc, "RotationEnabled");
  if (const JsonValue* v = JsonMember(doc, "VersionIdsToStages"); v && v->IsObject()) {
    for (const auto& member : v->GetObject()) {
      std::string id(member.name.GetString(), member.name.GetStringLength());
      auto& list = m.stages[id];
      if (member.value.IsArray()) {
        for (const auto& s : member.value.GetArray()) {
          if (s.IsString()) list.emplace_back(s.GetString(), s.GetStringLength());
        }
      }
    }
  }
  return m;
}

bool Has(const std::vector<std::string>& v, std::string_view s) {
  for (const auto& e : v) {
    if (e == s) return true;
  }
  return false;
}

}  // namespace

PostgresRotator::PostgresRotator(const client::SecretsManagerClient& sm, PostgresConnector& db,
                                 PostgresRotatorOptions options)
    : sm_(sm), db_(db), options_(std::move(options)) {}

Result<PostgresRotator::SecretDict> PostgresRotator::GetSecretDict(const std::string& arn,
                                                                   std::string_view stage,
                                                                   std::string_view token) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteString(w, "SecretId", arn);
  if (!token.empty()) WriteString(w, "VersionId", token);
  WriteString(w, "VersionStage", stage);
  w.EndObject();
  COFFER_ASSIGN_OR_RETURN(std::string body, sm_.Call("GetSecretValue", View(buf)));
  JsonDocument doc;
  doc.Parse(body.data(), body.size());
  WipeString(body);
  auto text = doc.IsObject() ? JsonString(doc, "SecretString") : std::nullopt;
  if (!text) {
    return SecretError("Secret " + arn + " has no SecretString at stage " + std::string(stage));
  }
  SecretDict d{PostgresSecret(), SecureString(*text)};
  COFFER_ASSIGN_OR_RETURN(d.secret, ParsePostgresSecret(d.text.view()));
  return d;
}

Status PostgresRotator::Run(const RotationEvent& e) {
  const std::string& arn = e.secret_id;
  const std::string& token = e.client_request_token;
  Result<Metadata> m = Describe(sm_, arn);
  if (!m.ok()) return Fail(m.take_status());
  if (m->rotation_enabled.has_value() && !*m->rotation_enabled) {
    return Fail(ValueError("Secret " + arn + " is not enabled for rotation"));
  }
  auto it = m->stages.find(token);
  if (it == m->stages.end()) {
    return Fail(ValueError("Secret version " + token + " has no stage for rotation of secret " +
                           arn + "."));
  }
  if (Has(it->second, kCurrent)) {
    Info("Secret version " + token + " already set as AWSCURRENT for secret " + arn + ".");
    return Status::Ok();
  }
  if (!Has(it->second, kPending)) {
    return Fail(ValueError("Secret version " + token +
                           " not set as AWSPENDING for rotation of secret " + arn + "."));
  }
  Status s;
  if (e.step == "createSecret") {
    s = CreateSecret(e);
  } else if (e.step == "setSecret") {
    s = SetSecret(e);
  } else if (e.step == "testSecret") {
    s = TestSecret(e);
  } else if (e.step == "finishSecret") {
    s = FinishSecret(e);
  } else {
    s = ValueError("Invalid step parameter " + e.step + " for secret " + arn);
  }
  return s.ok() ? s : Fail(std::move(s));
}

Status PostgresRotator::CreateSecret(const RotationEvent& e) {
  const std::string& arn = e.secret_id;
  const std::string& token = e.client_request_token;
  COFFER_ASSIGN_OR_RETURN(SecretDict current, GetSecretDict(arn, kCurrent));
  Result<SecretDict> pending = GetSecretDict(arn, kPending, token);
  if (pending.ok()) {
    Info("createSecret: Successfully retrieved secret for " + arn + ".");
    return Status::Ok();
  }
  if (pending.status().reason() != "ResourceNotFoundException") return pending.take_status();

  JsonBuffer req;
  JsonWriter w(req);
  w.StartObject();
  WriteString(w, "ExcludeCharacters", options_.exclude_characters);
  WriteInt(w, "PasswordLength", options_.password_length);
  w.EndObject();
  COFFER_ASSIGN_OR_RETURN(std::string body, sm_.Call("GetRandomPassword", View(req)));
  JsonDocument doc;
  doc.Parse(body.data(), body.size());
  WipeString(body);
  auto password = doc.IsObject() ? JsonString(doc, "RandomPassword") : std::nullopt;
  if (!password) return Status::Unavailable("", "GetRandomPassword returned no password");
  COFFER_ASSIGN_OR_RETURN(SecureString pending_text,
                          BuildPendingSecretString(current.text.view(), *password));

  JsonBuffer put;
  JsonWriter pw(put);
  pw.StartObject();
  WriteString(pw, "SecretId", arn);
  WriteString(pw, "ClientRequestToken", token);
  WriteString(pw, "SecretString", pending_text.view());
  WriteStringArray(pw, "VersionStages", {kPending});
  if (!e.rotation_token.empty()) WriteString(pw, "RotationToken", e.rotation_token);
  pw.EndObject();
  COFFER_RETURN_IF_ERROR(sm_.Call("PutSecretValue", View(put)).status());
  Info("createSecret: Successfully put secret for ARN " + arn + " and version " + token + ".");
  return Status::Ok();
}

Status PostgresRotator::SetSecret(const RotationEvent& e) {
  const std::string& arn = e.secret_id;
  const std::string& token = e.client_request_token;
  std::optional<SecretDict> previous;
  if (Result<SecretDict> p = GetSecretDict(arn, kPrevious); p.ok()) {
    previous = std::move(p).value();
  } else if (p.status().code() != StatusCode::kNotFound && p.status().reason() != "InvalidSecret") {
    return p.take_status();
  }
  COFFER_ASSIGN_OR_RETURN(SecretDict current, GetSecretDict(arn, kCurrent));
  COFFER_ASSIGN_OR_RETURN(SecretDict pending, GetSecretDict(arn, kPending, token));
  const PostgresSecret& cur = current.secret;
  const PostgresSecret& pend = pending.secret;

  if (db_.Connect(pend).ok()) {
    Info(
        "setSecret: AWSPENDING secret is already set as password in PostgreSQL DB for secret "
        "arn " +
        arn + ".");
    return Status::Ok();
  }
  if (cur.username != pend.username) {
    return ValueError("Attempting to modify user " + pend.username + " other than current user " +
                      cur.username);
  }
  if (cur.host != pend.host) {
    return ValueError("Attempting to modify user for host " + pend.host +
                      " other than current host " + cur.host);
  }
  Result<std::unique_ptr<PostgresConnection>> conn = db_.Connect(cur);
  if (!conn.ok() && previous) {
    PostgresSecret& prev = previous->secret;
    prev.sslmode = cur.sslmode;  // the template reuses the current ssl setting
    conn = db_.Connect(prev);
    if (prev.username != pend.username) {
      return ValueError("Attempting to modify user " + pend.username +
                        " other than previous valid user " + prev.username);
    }
    if (prev.host != pend.host) {
      return ValueError("Attempting to modify user for host " + pend.host +
                        " other than previous valid host " + prev.host);
    }
  }
  if (!conn.ok()) {
    return ValueError(
        "Unable to log into database with previous, current, or pending secret of secret arn " +
        arn);
  }
  COFFER_RETURN_IF_ERROR((*conn)->SetPassword(pend.username, pend.password.view()));
  Info("setSecret: Successfully set password for user " + pend.username +
       " in PostgreSQL DB for secret arn " + arn + ".");
  return Status::Ok();
}

Status PostgresRotator::TestSecret(const RotationEvent& e) {
  const std::string& arn = e.secret_id;
  COFFER_ASSIGN_OR_RETURN(SecretDict pending, GetSecretDict(arn, kPending, e.client_request_token));
  Result<std::unique_ptr<PostgresConnection>> conn = db_.Connect(pending.secret);
  if (!conn.ok()) {
    LogWarn("testSecret: login failed", {{"arn", arn}, {"error", conn.status().message()}});
    return ValueError("Unable to log into database with pending secret of secret ARN " + arn);
  }
  COFFER_RETURN_IF_ERROR((*conn)->Execute("SELECT NOW()"));
  Info("testSecret: Successfully signed into PostgreSQL DB with AWSPENDING secret in " + arn + ".");
  return Status::Ok();
}

Status PostgresRotator::FinishSecret(const RotationEvent& e) {
  const std::string& arn = e.secret_id;
  const std::string& token = e.client_request_token;
  COFFER_ASSIGN_OR_RETURN(Metadata m, Describe(sm_, arn));
  std::string current_version;
  for (const auto& [version, stages] : m.stages) {
    if (!Has(stages, kCurrent)) continue;
    if (version == token) {
      Info("finishSecret: Version " + version + " already marked as AWSCURRENT for " + arn);
      return Status::Ok();
    }
    current_version = version;
    break;
  }
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteString(w, "SecretId", arn);
  WriteString(w, "VersionStage", kCurrent);
  WriteString(w, "MoveToVersionId", token);
  if (!current_version.empty()) WriteString(w, "RemoveFromVersionId", current_version);
  w.EndObject();
  COFFER_RETURN_IF_ERROR(sm_.Call("UpdateSecretVersionStage", View(buf)).status());
  Info("finishSecret: Successfully set AWSCURRENT stage to version " + token + " for secret " +
       arn + ".");
  return Status::Ok();
}

Status RunPostgresSingleUser(const FunctionBinding& binding, const Invocation& invocation) {
  COFFER_ASSIGN_OR_RETURN(RotationEvent event, ParseRotationEvent(invocation.event_json));
  // The invocation's variables win over the binding's.
  std::vector<std::pair<std::string, std::string>> env(binding.environment.begin(),
                                                       binding.environment.end());
  env.insert(env.end(), invocation.environment.begin(), invocation.environment.end());
  Result<PostgresRotatorOptions> options = PostgresRotatorOptionsFromEnvironment(env);
  if (!options.ok()) {
    for (auto& [k, v] : env) WipeString(v);
    return options.take_status();
  }
  Result<client::SecretsManagerClient> sm_client = client::SecretsManagerClient::FromEnvironment(
      env, std::chrono::duration_cast<std::chrono::milliseconds>(binding.timeout));
  for (auto& [k, v] : env) WipeString(v);  // the copy of the secret key
  if (!sm_client.ok()) return sm_client.take_status();
  client::SecretsManagerClient& sm = *sm_client;
  // The step as a whole stays within the binding's timeout, as Lambda's.
  sm.set_deadline(std::chrono::steady_clock::now() + binding.timeout);
  LibpqConnector db;
  PostgresRotator rotator(sm, db, std::move(options).value());
  return rotator.Run(event);
}

}  // namespace coffer::functions
