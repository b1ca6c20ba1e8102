// ServiceTestBase: what the secrets and KMS operation tests share: the
// ServiceParts (service_parts.h) over a random root key, and a FakeClock;
// requests go through Service::Handle as JSON text and outputs come back as
// parsed JSON. Derived fixtures say how to build their Service.
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
#include "common/json.h"
#include "common/random.h"
#include "common/request_context.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/service_parts.h"

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
  // The service under test, over parts_ and clock_.
  virtual std::unique_ptr<ServiceT> MakeService() = 0;

  void SetUp() override {
    Status opened = parts_.Open("/tmp", clock_, SecureString(RandomBytes(32)));
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    service_ = MakeService();
  }

  void TearDown() override {
    service_.reset();
    parts_.Close();
  }

  // Runs `op` with the JSON request `request` in `ctx` (default: ctx_).
  Reply Call(std::string_view op, const std::string& request, const RequestContext* ctx = nullptr) {
    rapidjson::Document in;
    in.Parse(request.c_str());
    EXPECT_FALSE(in.HasParseError()) << "bad test JSON: " << request;
    RequestContext c = ctx ? *ctx : ctx_;
    c.now_ms = clock_.NowMillis();
    JsonBuffer buf;
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

  // Runs `op` (in `ctx`, default ctx_), which must succeed.
  rapidjson::Document Ok(std::string_view op, const std::string& request,
                         const RequestContext* ctx = nullptr) {
    Reply r = Call(op, request, ctx);
    EXPECT_TRUE(r.ok()) << op << " " << request << " -> " << r.status.ToString();
    rapidjson::Document d;
    if (r.ok()) d.CopyFrom(r.doc, d.GetAllocator());
    return d;
  }

  // Runs `op` (in `ctx`, default ctx_), which must fail with `type` and
  // `message` ("" or "*" = any).
  void ExpectError(std::string_view op, const std::string& request, std::string_view type,
                   std::string_view message = "", const RequestContext* ctx = nullptr) {
    Reply r = Call(op, request, ctx);
    ASSERT_FALSE(r.ok()) << op << " " << request << " unexpectedly succeeded: " << r.text;
    EXPECT_EQ(r.status.reason(), type) << r.status.ToString();
    if (!message.empty() && message != "*") {
      EXPECT_EQ(r.status.message(), message);
    }
  }

  // The bytes of every file in the data directory (database, WAL, …).
  std::string ReadDbFiles() {
    std::string all;
    for (const auto& e : std::filesystem::directory_iterator(parts_.dir)) {
      std::ifstream f(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      all += ss.str();
    }
    return all;
  }

  FakeClock clock_{kStartMs};
  ServiceParts parts_;  // before service_, which is destroyed first
  std::unique_ptr<ServiceT> service_;
  RequestContext ctx_ = TestContext();
};

}  // namespace coffer::crypto::testing
