// Fuzzes the Query protocol of IAM and STS (src/protocol/query.h) the way
// server::Pipeline runs it: ParseQueryRequest over a form body (before any
// authentication: the pipeline parses the body to find the Action), then
// ResolveQueryAction against both models, QueryToJson into the operation's
// input shape, ServiceModel::ValidateInput, and EncodeQueryResponse of the
// converted document as if it were the output (every shape writer). Also the
// XML error encoder with the input's first line as a message.
// Input: the form body ("Action=CreateUser&UserName=a&Tags.member.1.Key=k…").
#include <cstdint>
#include <string>
#include <string_view>

#include "coffer/status.h"
#include "protocol/query.h"
#include "protocol/service_model.h"

using namespace coffer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto req = protocol::ParseQueryRequest("POST", "/", "application/x-www-form-urlencoded", body);
  if (!req.ok()) {
    // Every refusal is a client error with a reason the error table knows.
    if (req.status().code() != StatusCode::kInvalidArgument) __builtin_trap();
    (void)protocol::EncodeQueryError(req.status(), protocol::Service::kIam, "req");
    return 0;
  }
  for (protocol::Service service : {protocol::Service::kSts, protocol::Service::kIam}) {
    const auto& model = protocol::ServiceModel::Get(service);
    auto op = protocol::ResolveQueryAction(model, *req);
    if (!op.ok()) continue;
    auto json = protocol::QueryToJson(model, *op, *req);
    if (!json.ok()) {
      (void)protocol::EncodeQueryError(json.status(), service, "req");
      continue;
    }
    (void)model.ValidateInput(*op, *json);
    // The output writer over whatever document the input made (members it
    // does not know are skipped; types that do not match are the test).
    (void)protocol::EncodeQueryResponse(model, *op, *json, "req");
  }
  return 0;
}
