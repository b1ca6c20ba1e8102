#include "server/seed.h"

#include <openssl/sha.h>

#include <fstream>
#include <sstream>

#include "common/encoding.h"
#include "common/json.h"
#include "common/log.h"

namespace coffer::server {
namespace {

constexpr size_t kMaxSeedBytes = 16 << 20;

Status Bad(const std::string& path, const std::string& what) {
  return Status::InvalidArgument("Seed", "seed file " + path + ": " + what);
}

// The services' Handle(op, ctx, input, out), as Coffer's own work.
template <typename ServiceT>
Result<JsonDocument> Call(ServiceT& service, std::string_view op, RequestContext& ctx,
                          const Clock& clock, const JsonValue& input) {
  ctx.now_ms = clock.NowMillis();
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  COFFER_RETURN_IF_ERROR(service.Handle(op, ctx, input, writer));
  JsonDocument out;
  out.Parse(buffer.GetString(), buffer.GetSize());
  return out;
}

// A ClientRequestToken that is the same at every start for the same name.
std::string TokenFor(std::string_view name) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(name.data()), name.size(), digest);
  return "seed-" + HexEncode(std::string_view(reinterpret_cast<char*>(digest), 16));
}

std::string Serialized(const JsonValue& v) {
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Checks the file's shape before anything is applied: names which entry is
// wrong.
Status CheckShape(const std::string& path, const JsonDocument& doc) {
  if (!doc.IsObject()) return Bad(path, "must be a JSON object");
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (name == "Region") {
      if (!it->value.IsString()) return Bad(path, "Region must be a string");
      continue;
    }
    const char* key = name == "KmsKeys" ? "AliasName"
                      : name == "Secrets" ? "Name"
                      : name == "Users"   ? "UserName"
                                          : nullptr;
    if (key == nullptr) {
      return Bad(path, "unknown member " + name + " (Region, KmsKeys, Secrets, Users)");
    }
    if (!it->value.IsArray()) return Bad(path, name + " must be an array");
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
      const JsonValue& e = it->value[i];
      if (!e.IsObject() || !JsonString(e, key)) {
        return Bad(path, name + "[" + std::to_string(i) + "] needs " + key);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SeedReport> ApplySeed(const std::string& path, const std::string& account_id,
                             const std::string& region, secrets::Service& secrets,
                             kms::Service& kms, iam::Service& iam, const Clock& clock) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad(path, "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxSeedBytes) return Bad(path, "is larger than 16 MiB");
  JsonDocument doc;
  doc.Parse(text.str().data(), text.str().size());
  if (doc.HasParseError()) return Bad(path, "is not valid JSON");
  COFFER_RETURN_IF_ERROR(CheckShape(path, doc));

  RequestContext ctx;
  ctx.request_id = "seed";
  ctx.account_id = account_id;
  ctx.region = std::string(JsonString(doc, "Region").value_or(region));
  ctx.principal_arn = "arn:aws:iam::" + account_id + ":user/admin";
  SeedReport report;
  auto failed = [&path](const std::string& entry, const Status& s) {
    return Bad(path, entry + ": " + s.reason() + ": " + s.message());
  };

  if (const JsonValue* keys = JsonMember(doc, "KmsKeys")) {
    for (const JsonValue& e : keys->GetArray()) {
      const std::string alias(*JsonString(e, "AliasName"));
      JsonDocument probe;
      probe.SetObject();
      probe.AddMember("KeyId", JsonValue(alias.c_str(), probe.GetAllocator()), probe.GetAllocator());
      if (Call(kms, "DescribeKey", ctx, clock, probe).ok()) {
        ++report.existing;
        continue;
      }
      JsonDocument create;
      create.SetObject();
      if (auto d = JsonString(e, "Description")) {
        create.AddMember("Description", JsonValue(std::string(*d).c_str(), create.GetAllocator()),
                         create.GetAllocator());
      }
      auto made = Call(kms, "CreateKey", ctx, clock, create);
      if (!made.ok()) return failed(alias, made.status());
      const std::string key_id((*made)["KeyMetadata"]["KeyId"].GetString());
      JsonDocument link;
      link.SetObject();
      link.AddMember("AliasName", JsonValue(alias.c_str(), link.GetAllocator()), link.GetAllocator());
      link.AddMember("TargetKeyId", JsonValue(key_id.c_str(), link.GetAllocator()),
                     link.GetAllocator());
      if (auto s = Call(kms, "CreateAlias", ctx, clock, link); !s.ok()) {
        return failed(alias, s.status());
      }
      ++report.created;
    }
  }

  if (const JsonValue* list = JsonMember(doc, "Secrets")) {
    for (const JsonValue& e : list->GetArray()) {
      const std::string name(*JsonString(e, "Name"));
      JsonDocument probe;
      probe.SetObject();
      probe.AddMember("SecretId", JsonValue(name.c_str(), probe.GetAllocator()),
                      probe.GetAllocator());
      if (Call(secrets, "DescribeSecret", ctx, clock, probe).ok()) {
        ++report.existing;  // never overwrite a value someone may have changed
        continue;
      }
      JsonDocument create;
      create.CopyFrom(e, create.GetAllocator());
      create.RemoveMember("ResourcePolicy");
      if (!create.HasMember("ClientRequestToken")) {
        create.AddMember("ClientRequestToken", JsonValue(TokenFor(name).c_str(), create.GetAllocator()),
                         create.GetAllocator());
      }
      auto made = Call(secrets, "CreateSecret", ctx, clock, create);
      if (!made.ok()) return failed(name, made.status());
      ++report.created;
      if (const JsonValue* policy = JsonMember(e, "ResourcePolicy")) {
        JsonDocument put;
        put.SetObject();
        put.AddMember("SecretId", JsonValue(name.c_str(), put.GetAllocator()), put.GetAllocator());
        const std::string doc_text = policy->IsString() ? policy->GetString() : Serialized(*policy);
        put.AddMember("ResourcePolicy", JsonValue(doc_text.c_str(), put.GetAllocator()),
                      put.GetAllocator());
        if (auto s = Call(secrets, "PutResourcePolicy", ctx, clock, put); !s.ok()) {
          return failed(name, s.status());
        }
      }
    }
  }

  if (const JsonValue* users = JsonMember(doc, "Users")) {
    for (const JsonValue& e : users->GetArray()) {
      const std::string user(*JsonString(e, "UserName"));
      JsonDocument create;
      create.SetObject();
      create.AddMember("UserName", JsonValue(user.c_str(), create.GetAllocator()),
                       create.GetAllocator());
      auto made = Call(iam, "CreateUser", ctx, clock, create);
      if (made.ok()) {
        ++report.created;
      } else if (made.status().code() == StatusCode::kAlreadyExists) {
        ++report.existing;
      } else {
        return failed(user, made.status());
      }
      const JsonValue* policies = JsonMember(e, "Policies");
      if (policies == nullptr || !policies->IsObject()) continue;
      for (auto p = policies->MemberBegin(); p != policies->MemberEnd(); ++p) {
        JsonDocument put;
        put.SetObject();
        auto& a = put.GetAllocator();
        put.AddMember("UserName", JsonValue(user.c_str(), a), a);
        put.AddMember("PolicyName", JsonValue(p->name.GetString(), a), a);
        const std::string text_doc = p->value.IsString() ? p->value.GetString() : Serialized(p->value);
        put.AddMember("PolicyDocument", JsonValue(text_doc.c_str(), a), a);
        if (auto s = Call(iam, "PutUserPolicy", ctx, clock, put); !s.ok()) {
          return failed(user, s.status());
        }
      }
    }
  }
  LogInfo("seed applied", {{"file", path},
                           {"created", std::to_string(report.created)},
                           {"existing", std::to_string(report.existing)}});
  return report;
}

}  // namespace coffer::server
