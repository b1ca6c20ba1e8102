// Test fixture for the IAM operations: an iam::Service over a SQLite store
// in a fresh private directory, a FakeClock, and a fake key minter (the
// server mints and seals real keys; here the "sealed" secret is a marker).
// Requests go through Service::Handle as JSON text; outputs come back
// parsed. Test-only; included by the *_test.cc files of src/iam.
//
// Thread-safety: gtest fixture; single-threaded.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "auth/policy/access.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/random.h"
#include "common/request_context.h"
#include "iam/service.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::iam::testing {

inline constexpr int64_t kStartMs = 1709287200250;  // 2024-03-01T10:00:00.250Z
inline constexpr char kAccount[] = "123456789012";

struct Reply {
  Status status;
  std::string text;
  rapidjson::Document doc;
  bool ok() const { return status.ok(); }
};

class IamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/coffer-iam-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto opened = storage::OpenSqliteStore(dir_ + "/coffer.db", storage::SqliteOptions{});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ServiceOptions opts;
    opts.mint = [this](std::string account, std::string principal,
                       int64_t now_ms) -> Result<MintedKey> {
      MintedKey k;
      k.record.access_key_id = "AKIA" + RandomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
      k.record.account_id = std::move(account);
      k.record.principal_arn = std::move(principal);
      k.record.sealed_secret = "sealed";
      k.record.created_ms = now_ms;
      k.secret = SecureString(std::string(40, 's'));
      ++minted_;
      return k;
    };
    opts.rebind = [this](const storage::AccessKeyRecord& old,
                         storage::AccessKeyRecord updated) -> Result<storage::AccessKeyRecord> {
      ++rebound_;
      updated.sealed_secret = "resealed";
      return updated;
    };
    opts.invalidate = [this](std::string_view id) { invalidated_.emplace_back(id); };
    service_ = std::make_unique<Service>(*store_, clock_, std::move(opts));
    ctx_.request_id = "req-1";
    ctx_.account_id = kAccount;
    ctx_.region = "us-east-1";
    ctx_.principal_arn = std::string("arn:aws:iam::") + kAccount + ":user/admin";
  }

  void TearDown() override {
    service_.reset();
    if (store_) store_->Close();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

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
      EXPECT_FALSE(r.doc.HasParseError()) << "bad output JSON from " << op << ": " << r.text;
    }
    return r;
  }

  rapidjson::Document Ok(std::string_view op, const std::string& request,
                         const RequestContext* ctx = nullptr) {
    Reply r = Call(op, request, ctx);
    EXPECT_TRUE(r.ok()) << op << " " << request << " -> " << r.status.ToString();
    rapidjson::Document d;
    if (r.ok()) d.CopyFrom(r.doc, d.GetAllocator());
    return d;
  }

  // `op` must fail with `reason` and, unless empty, `message`.
  void ExpectError(std::string_view op, const std::string& request, std::string_view reason,
                   std::string_view message = "", const RequestContext* ctx = nullptr) {
    Reply r = Call(op, request, ctx);
    ASSERT_FALSE(r.ok()) << op << " " << request << " unexpectedly succeeded: " << r.text;
    EXPECT_EQ(r.status.reason(), reason) << r.status.ToString();
    if (!message.empty()) {
      EXPECT_EQ(r.status.message(), message);
    }
  }

  std::unique_ptr<storage::Txn> Txn(bool write = false) {
    auto t = store_->Begin(write ? storage::TxnMode::kWrite : storage::TxnMode::kRead);
    EXPECT_TRUE(t.ok());
    return t.ok() ? std::move(*t) : nullptr;
  }

  static std::string Arn(std::string_view kind_and_name) {
    return std::string("arn:aws:iam::") + kAccount + ":" + std::string(kind_and_name);
  }

  FakeClock clock_{kStartMs};
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Service> service_;
  RequestContext ctx_;
  int minted_ = 0;
  int rebound_ = 0;
  std::vector<std::string> invalidated_;
};

// An identity policy allowing `action` on "*".
inline std::string AllowPolicy(std::string_view action, std::string_view resource = "*") {
  return std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")") +
         std::string(action) + R"(","Resource":")" + std::string(resource) + R"("}]})";
}

// A JSON string literal of `text` (for embedding documents in requests).
inline std::string Quote(std::string_view text) {
  std::string s = "\"";
  for (char c : text) {
    if (c == '\n') {
      s += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') s += '\\';
    s += c;
  }
  return s + "\"";
}

}  // namespace coffer::iam::testing
