#include "agent/upstream.h"

#include "common/json.h"
#include "common/log.h"
#include "common/secure_string.h"

namespace coffer::agent {
namespace {

std::string JsonQuoted(std::string_view s) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

// The error code as the AWS SDKs sanitize `__type`: after any '#', before any ':'.
std::string SanitizedCode(std::string_view type) {
  if (size_t hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (size_t colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  return std::string(type);
}

}  // namespace

std::string ErrorBody(std::string_view code, std::string_view message) {
  if (message.empty() || code == "InternalFailure") return R"({"__type":"InternalFailure"})";
  return "{\"__type\":" + JsonQuoted(code) + ", \"message\":" + JsonQuoted(message) + "}";
}

bool IsThrottlingCode(std::string_view code) {
  for (std::string_view c :
       {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
        "ThrottledException", "RequestThrottled", "SlowDown"}) {
    if (code == c) return true;
  }
  return false;
}

std::string GetSecretValueBody(const SecretQuery& query) {
  JsonBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  WriteString(w, "SecretId", query.secret_id);
  if (query.version_id) WriteString(w, "VersionId", *query.version_id);
  if (query.version_stage) WriteString(w, "VersionStage", *query.version_stage);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

AgentAnswer MapUpstream(const Result<client::HttpCallResponse>& outcome) {
  if (!outcome.ok()) {
    const Status& s = outcome.status();
    if (s.reason() == "Timeout") return {504, ErrorBody("TimeoutError", "Timeout"), true};
    if (s.code() == StatusCode::kUnavailable) {
      return {502, ErrorBody("ConnectionError", "Read Error"), true};
    }
    return {500, ErrorBody("InternalFailure", ""), true};
  }
  const client::HttpCallResponse& r = *outcome;
  if (r.status >= 200 && r.status < 300) {
    JsonDocument doc;
    doc.Parse(r.body.data(), r.body.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      return {502, ErrorBody("ConnectionError", "Response Error"), true};
    }
    return {200, r.body};
  }
  const bool server_side = r.status >= 500 || r.status == 429;
  JsonDocument doc;
  doc.Parse(r.body.data(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return {500, ErrorBody("InternalFailure", ""), server_side};
  }
  std::optional<std::string_view> type = JsonString(doc, "__type");
  std::optional<std::string_view> message = JsonString(doc, "message");
  if (!message) message = JsonString(doc, "Message");
  if (!type || !message) return {500, ErrorBody("InternalFailure", ""), server_side};
  const std::string code = SanitizedCode(*type);
  return {r.status, ErrorBody(code, *message), server_side || IsThrottlingCode(code)};
}

AgentAnswer SecretsManagerFetcher::Fetch(const SecretQuery& query) {
  Result<client::HttpCallResponse> outcome =
      client_.Send("GetSecretValue", GetSecretValueBody(query));
  AgentAnswer answer = MapUpstream(outcome);
  if (outcome.ok()) {
    client::HttpCallResponse& r = *outcome;
    if (answer.status != 200) {
      LogInfo("agent: GetSecretValue failed",
              {{"secret_id", query.secret_id}, {"status", std::to_string(r.status)}});
    }
    WipeString(r.body);
  } else {
    LogWarn("agent: GetSecretValue not answered",
            {{"secret_id", query.secret_id}, {"error", outcome.status().ToString()}});
  }
  return answer;
}

}  // namespace coffer::agent
