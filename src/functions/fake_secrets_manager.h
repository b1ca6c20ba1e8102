// Test-only: an in-memory Secrets Manager for one secret, answering the
// operations the built-in rotators call, as a client::SecretsManagerClient
// Transport. Versions may exist without a value (as RotateSecret stages the
// new token AWSPENDING before createSecret), which GetSecretValue reports as
// ResourceNotFoundException.
//
// Thread-safety: one test thread.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/sm_client.h"

namespace coffer::functions::testing {

class FakeSecretsManager {
 public:
  struct Version {
    std::optional<std::string> text;  // nullopt: staged but no value yet
    std::vector<std::string> stages;
  };
  struct Call {
    std::string operation;
    std::string body;
  };

  std::string arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
  std::optional<bool> rotation_enabled = true;
  std::map<std::string, Version> versions;
  std::string random_password = "N3w'P\\a\"ss word";
  // An error answer ({"__type":…}) for an operation, instead of handling it.
  std::map<std::string, std::string> fail;
  std::vector<Call> calls;

  client::SecretsManagerClient Client() {
    auth::sigv4::SigningCredentials creds{"AKIDEXAMPLE", SecureString(std::string_view("k")), ""};
    return client::SecretsManagerClient(
        "http://127.0.0.1:1", "us-east-1", std::move(creds), std::chrono::seconds(1),
        [this](const client::HttpCallRequest& r) -> Result<client::HttpCallResponse> {
          return Handle(r);
        });
  }

  std::vector<std::string> Ops() const {
    std::vector<std::string> ops;
    for (const auto& c : calls) ops.push_back(c.operation);
    return ops;
  }
  const Call* Last(const std::string& op) const {
    for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
      if (it->operation == op) return &*it;
    }
    return nullptr;
  }
  std::string VersionWith(const std::string& stage) const {
    for (const auto& [id, v] : versions) {
      if (Has(v, stage)) return id;
    }
    return "";
  }

 private:
  using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

  static bool Has(const Version& v, const std::string& stage) {
    return std::find(v.stages.begin(), v.stages.end(), stage) != v.stages.end();
  }
  void RemoveStage(const std::string& stage) {
    for (auto& [id, v] : versions) std::erase(v.stages, stage);
  }
  static client::HttpCallResponse Error(const std::string& type, const std::string& message) {
    return {400, {}, R"({"__type":")" + type + R"(","message":")" + message + R"("})"};
  }
  static std::string Str(const rapidjson::Document& d, const char* name) {
    auto it = d.FindMember(name);
    return it != d.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  }

  Result<client::HttpCallResponse> Handle(const client::HttpCallRequest& r) {
    std::string op;
    for (const auto& [n, v] : r.headers) {
      if (n == "X-Amz-Target") op = v.substr(v.find('.') + 1);
    }
    calls.push_back({op, r.body});
    if (auto f = fail.find(op); f != fail.end())
      return client::HttpCallResponse{400, {}, f->second};
    rapidjson::Document in;
    in.Parse(r.body.c_str());
    rapidjson::StringBuffer out;
    Writer w(out);
    w.StartObject();
    if (op == "DescribeSecret") {
      w.Key("ARN");
      w.String(arn.c_str());
      if (rotation_enabled) {
        w.Key("RotationEnabled");
        w.Bool(*rotation_enabled);
      }
      w.Key("VersionIdsToStages");
      w.StartObject();
      for (const auto& [id, v] : versions) {
        w.Key(id.c_str());
        w.StartArray();
        for (const auto& s : v.stages) w.String(s.c_str());
        w.EndArray();
      }
      w.EndObject();
    } else if (op == "GetSecretValue") {
      std::string id = Str(in, "VersionId"), stage = Str(in, "VersionStage");
      if (id.empty()) id = VersionWith(stage);
      auto it = versions.find(id);
      if (it == versions.end() || !it->second.text || (!stage.empty() && !Has(it->second, stage))) {
        return Error("ResourceNotFoundException",
                     "Secrets Manager can't find the specified secret value");
      }
      w.Key("VersionId");
      w.String(id.c_str());
      w.Key("SecretString");
      w.String(it->second.text->c_str());
    } else if (op == "GetRandomPassword") {
      w.Key("RandomPassword");
      w.String(random_password.c_str());
    } else if (op == "PutSecretValue") {
      Version& v = versions[Str(in, "ClientRequestToken")];
      if (!v.text) {
        for (const auto& s : in["VersionStages"].GetArray()) {
          RemoveStage(s.GetString());
          v.stages.push_back(s.GetString());
        }
      }
      v.text = Str(in, "SecretString");
    } else if (op == "UpdateSecretVersionStage") {
      std::string stage = Str(in, "VersionStage"), to = Str(in, "MoveToVersionId"),
                  from = Str(in, "RemoveFromVersionId");
      if (VersionWith(stage) != from) {
        return Error("InvalidParameterException", "RemoveFromVersionId is wrong");
      }
      RemoveStage(stage);
      if (stage == "AWSCURRENT" && !from.empty()) {
        RemoveStage("AWSPREVIOUS");
        versions[from].stages.push_back("AWSPREVIOUS");
      }
      versions[to].stages.push_back(stage);
    } else {
      return Error("InvalidAction", "unknown operation");
    }
    w.EndObject();
    return client::HttpCallResponse{200, {}, out.GetString()};
  }
};

}  // namespace coffer::functions::testing
