// Fuzzes JSON request decoding for every operation of both models and then the
// Secrets Manager handlers, the way server::Pipeline runs them:
// ParseRequestBody → ServiceModel::ValidateInput(op) → secrets::Service::Handle
// on one SQLite store (fuzz_store.h) per process; each input runs in a fresh
// account (secrets are scoped by account), so inputs do not see each other's
// secrets and a crash reproduces from its input alone. The clock restarts at
// kStartMs for each input.
// Input: lines; each line is "OPERATION BODY" (Secrets Manager, e.g.
// `CreateSecret {"Name":"a","SecretString":"x"}`), "kms:OPERATION BODY" (KMS:
// decode and validate only, the pipeline has no KMS handlers yet) or
// "+N" (advance the clock N hours). Up to 16 requests per input.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_store.h"
#include "protocol/json_body.h"
#include "protocol/service_model.h"

using namespace coffer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto& sm = protocol::ServiceModel::Get(protocol::Service::kSecretsManager);
  const auto& kms = protocol::ServiceModel::Get(protocol::Service::kKms);
  static fuzz::FuzzStore store_object;  // removed at exit
  fuzz::FuzzStore* store = &store_object;
  static uint64_t inputs = 0;
  char account[16];
  snprintf(account, sizeof account, "%012llu",
           static_cast<unsigned long long>(100000000000ULL + ++inputs));
  store->ctx().account_id = account;
  store->ctx().principal_arn = std::string("arn:aws:iam::") + account + ":root";
  store->clock().Set(fuzz::kStartMs);
  int requests = 0;
  while (!in.empty() && requests < 16) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    if (line.starts_with("+")) {
      int64_t hours = 0;
      for (char c : line.substr(1, 6))
        if (c >= '0' && c <= '9') hours = hours * 10 + (c - '0');
      store->clock().Advance(hours * 3600 * 1000);
      continue;
    }
    ++requests;
    size_t sp = line.find(' ');
    std::string_view op = line.substr(0, sp);
    std::string_view body = sp == std::string_view::npos ? "" : line.substr(sp + 1);
    bool is_kms = op.starts_with("kms:");
    if (is_kms) op.remove_prefix(4);
    const protocol::ServiceModel& model = is_kms ? kms : sm;
    auto doc = protocol::ParseRequestBody(body);
    if (!doc.ok()) continue;
    std::string_view name = model.FindOperation(op);
    Status v = model.ValidateInput(op, *doc);
    if (!v.ok()) {
      if (protocol::EncodeError(
              v, is_kms ? protocol::Service::kKms : protocol::Service::kSecretsManager)
              .http_status >= 500)
        __builtin_trap();
      continue;
    }
    if (is_kms || name.empty()) continue;
    store->Call(name, *doc);
  }
  return 0;
}
