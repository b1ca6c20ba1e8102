// Fuzzes secret ids and ARNs: the SecretId resolution of src/secrets
// (internal::ResolveSecret: name, full ARN, partial ARN, reached through
// DescribeSecret/GetSecretValue/ListSecretVersionIds after the model's
// validation, as in the pipeline) against a store holding secrets whose names
// look like partial ARNs, and the page-token decoder (NextToken).
// Input: the SecretId / NextToken text.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_store.h"
#include "protocol/json_body.h"
#include "protocol/service_model.h"
#include "secrets/page_token.h"

using namespace coffer;

namespace {

fuzz::FuzzStore& Store() {
  static fuzz::FuzzStore store_object;  // removed at exit
  static fuzz::FuzzStore* store = [] {
    auto* s = &store_object;
    for (const char* name : {"a", "prod/db", "x-AbCdEf", "name-123456", "arn"}) {
      rapidjson::Document d;
      std::string req =
          std::string(R"({"Name":")") + name +
          R"(","SecretString":"v","ClientRequestToken":"00000000-0000-4000-8000-000000000001"})";
      d.Parse(req.c_str());
      s->Call("CreateSecret", d);
    }
    return s;
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view id(reinterpret_cast<const char*>(data), size);
  fuzz::FuzzStore& store = Store();
  const auto& sm = protocol::ServiceModel::Get(protocol::Service::kSecretsManager);

  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("SecretId");
  w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.EndObject();
  auto body = protocol::ParseRequestBody(std::string_view(buf.GetString(), buf.GetSize()));
  if (body.ok()) {
    for (const char* op : {"DescribeSecret", "GetSecretValue", "ListSecretVersionIds"}) {
      if (!sm.ValidateInput(op, *body).ok()) continue;
      store.Call(sm.FindOperation(op), *body);
    }
  }

  // NextToken: a forged or garbled token is InvalidNextTokenException only.
  auto pos = secrets::DecodePageToken(std::string(32, 't'), "scope", id);
  if (!pos.ok() && pos.status().reason() != "InvalidNextTokenException") __builtin_trap();
  return 0;
}
