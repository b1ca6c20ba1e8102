// Shared by the fuzz targets that run secrets::Service: a fresh SQLite store
// in a private directory under /dev/shm (fsync is free there), a Barrier with
// a fixed root key, a Keyring and a FakeClock, as in
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

namespace coffer::fuzz {

inline constexpr int64_t kStartMs = 1709287200250;  // 2024-03-01T10:00:00.250Z

class FuzzStore {
 public:
  FuzzStore() : clock_(kStartMs) {
    std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string tmpl = base + "/coffer-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) abort();
    dir_ = tmpl;
    auto store = storage::OpenSqliteStore(dir_ + "/coffer.db", storage::SqliteOptions{});
    if (!store.ok()) abort();
    store_ = std::move(*store);
    barrier_ = std::make_unique<crypto::Barrier>(SecureString(std::string(32, 'k')));
    keyring_ = std::make_unique<crypto::Keyring>(*barrier_, clock_);
    service_ = std::make_unique<secrets::Service>(*store_, *keyring_, clock_,
                                                  secrets::ServiceOptions{std::string(32, 't')});
    ctx_.request_id = "req-1";
    ctx_.account_id = "123456789012";
    ctx_.region = "us-east-1";
    ctx_.principal_arn = "arn:aws:iam::123456789012:root";
  }
  ~FuzzStore() {
    service_.reset();
    keyring_.reset();
    if (store_) store_->Close();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Runs `op` like server::Pipeline does after validation. Traps on anything
  // that the pipeline would answer with a 5xx or on an output that is not a
  // JSON object. Returns the output JSON ("" on a 4xx).
  std::string Call(std::string_view op, const JsonValue& input) {
    RequestContext c = ctx_;
    c.now_ms = clock_.NowMillis();
    rapidjson::StringBuffer buffer;
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
  std::string dir_;
  FakeClock clock_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Barrier> barrier_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<secrets::Service> service_;
  RequestContext ctx_;
};

}  // namespace coffer::fuzz
