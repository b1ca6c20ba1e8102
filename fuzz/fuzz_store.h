// Shared by the fuzz targets that run secrets::Service: the ServiceParts
// (src/testing/service_parts.h) in a private directory under /dev/shm
// (fsync is free there) with a fixed root key, and a FakeClock, as in
// src/secrets/secrets_test_fixture.h but without gtest.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "common/request_context.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "protocol/aws_error.h"
#include "secrets/service.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/service_parts.h"

namespace coffer::fuzz {

inline constexpr int64_t kStartMs = 1709287200250;  // 2024-03-01T10:00:00.250Z

class FuzzStore {
 public:
  FuzzStore() : clock_(kStartMs) {
    std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    if (!parts_.Open(base, clock_, SecureString(std::string(32, 'k'))).ok()) abort();
    service_ = std::make_unique<secrets::Service>(*parts_.store, *parts_.keyring, clock_,
                                                  secrets::ServiceOptions{std::string(32, 't')});
  }

  // Runs `op` like server::Pipeline does after validation. Traps on anything
  // that the pipeline would answer with a 5xx or on an output that is not a
  // JSON object. Returns the output JSON ("" on a 4xx).
  std::string Call(std::string_view op, const JsonValue& input) {
    RequestContext c = ctx_;
    c.now_ms = clock_.NowMillis();
    JsonBuffer buffer;
    JsonWriter writer(buffer);
    Status status = service_->Handle(op, c, input, writer);
    if (!status.ok()) {
      if (protocol::EncodeError(status, protocol::Service::kSecretsManager).http_status >= 500) {
        fprintf(stderr, "5xx from %.*s: %s\n", static_cast<int>(op.size()), op.data(),
                status.ToString().c_str());
        __builtin_trap();
      }
      return "";
    }
    std::string out(buffer.GetString(), buffer.GetSize());
    rapidjson::Document d;
    d.Parse(out.c_str(), out.size());
    if (d.HasParseError() || !d.IsObject()) __builtin_trap();
    return out;
  }

  FakeClock& clock() { return clock_; }
  RequestContext& ctx() { return ctx_; }

 private:
  FakeClock clock_;
  crypto::testing::ServiceParts parts_;  // before service_, which is destroyed first
  std::unique_ptr<secrets::Service> service_;
  RequestContext ctx_ = crypto::testing::TestContext();
};

}  // namespace coffer::fuzz
