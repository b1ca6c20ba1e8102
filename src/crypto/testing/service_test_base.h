// ServiceTestBase: what the secrets and KMS operation tests share: a SQLite
// store in a fresh temp dir, a Barrier with a random root key, a Keyring and a
// FakeClock; requests go through Service::Handle as JSON text and outputs
// come back as parsed JSON. Derived fixtures say how to build their Service.
// Test-only (header-only; the tests link coffer_sqlite).
//
// Thread-safety: gtest fixture; single-threaded.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "common/json.h"
#include "common/request_context.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::crypto::testing {

inline constexpr int64_t kStartMs = 1709287200250;  // 2024-03-01T10:00:00.250Z
inline constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

struct Reply {
  Status status;
  std::string text;         // the JSON written (only when OK)
  rapidjson::Document doc;  // parsed `text`
  bool ok() const { return status.ok(); }
};

template <typename ServiceT>
class ServiceTestBase : public ::testing::Test {
 protected:
  // The service under test, over store_, keyring_ and clock_.
  virtual std::unique_ptr<ServiceT> MakeService() = 0;

  void SetUp() override {
    char tmpl[] = "/tmp/coffer-service-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_path_ = dir_ + "/coffer.db";
    auto store = storage::OpenSqliteStore(db_path_, storage::SqliteOptions{});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    barrier_ = std::make_unique<Barrier>(SecureString(RandomBytes(32)));
    keyring_ = std::make_unique<Keyring>(*barrier_, clock_);
    service_ = MakeService();
    ctx_.request_id = "req-1";
    ctx_.account_id = "123456789012";
    ctx_.region = "us-east-1";
    ctx_.principal_arn = "arn:aws:iam::123456789012:root";
  }

  void TearDown() override {
    service_.reset();
    keyring_.reset();
    if (store_) store_->Close();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Runs `op` with the JSON request `request` in `ctx` (default: ctx_).
  Reply Call(std::string_view op, const std::string& request, const RequestContext* ctx = nullptr) {
    rapidjson::Document in;
    in.Parse(request.c_str());
    EXPECT_FALSE(in.HasParseError()) << "bad test JSON: " << request;
    RequestContext c = ctx ? *ctx : ctx_;
    c.now_ms = clock_.NowMillis();
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    Reply r;
    r.status = service_->Handle(op, c, in, w);
    if (r.status.ok()) {
      r.text = buf.GetString();
      r.doc.Parse(r.text.c_str());
      EXPECT_FALSE(r.doc.HasParseError()) << "bad output JSON from " << op;
    }
    return r;
  }

  // Runs `op`, which must succeed.
  rapidjson::Document Ok(std::string_view op, const std::string& request) {
    Reply r = Call(op, request);
    EXPECT_TRUE(r.ok()) << op << " " << request << " -> " << r.status.ToString();
    rapidjson::Document d;
    if (r.ok()) d.CopyFrom(r.doc, d.GetAllocator());
    return d;
  }

  // Runs `op`, which must fail with `type` and `message` ("" or "*" = any).
  void ExpectError(std::string_view op, const std::string& request, std::string_view type,
                   std::string_view message = "") {
    Reply r = Call(op, request);
    ASSERT_FALSE(r.ok()) << op << " " << request << " unexpectedly succeeded: " << r.text;
    EXPECT_EQ(r.status.reason(), type) << r.status.ToString();
    if (!message.empty() && message != "*") EXPECT_EQ(r.status.message(), message);
  }

  // The bytes of every file in the data directory (database, WAL, …).
  std::string ReadDbFiles() {
    std::string all;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      std::ifstream f(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      all += ss.str();
    }
    return all;
  }

  std::string dir_;
  std::string db_path_;
  FakeClock clock_{kStartMs};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Barrier> barrier_;
  std::unique_ptr<Keyring> keyring_;
  std::unique_ptr<ServiceT> service_;
  RequestContext ctx_;
};

}  // namespace coffer::crypto::testing
