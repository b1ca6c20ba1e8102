// Test fixture for the secrets operations: a SQLite store in a fresh temp
// dir, a Barrier with a random root key, a Keyring and a FakeClock; requests
// go through Service::Handle as JSON text, outputs come back as parsed JSON.
// Test-only; included by the *_test.cc files of src/secrets.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/encoding.h"
#include "common/random.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "secrets/messages.h"
#include "secrets/service.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::secrets::testing {

// 2024-03-01T10:00:00.250Z
inline constexpr int64_t kStartMs = 1709287200250;
inline constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

// A ClientRequestToken-shaped id (36 chars) that differs per `n`.
inline std::string Token(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

struct Reply {
  Status status;
  std::string text;        // the JSON written (only when OK)
  rapidjson::Document doc;  // parsed `text`
  bool ok() const { return status.ok(); }
};

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/coffer-secrets-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_path_ = dir_ + "/coffer.db";
    auto store = storage::OpenSqliteStore(db_path_, storage::SqliteOptions{});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    barrier_ = std::make_unique<crypto::Barrier>(SecureString(RandomBytes(32)));
    keyring_ = std::make_unique<crypto::Keyring>(*barrier_, clock_);
    service_ = std::make_unique<Service>(*store_, *keyring_, clock_,
                                         ServiceOptions{RandomBytes(32)});
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

  // Runs `op`, which must fail with `type` and `message` (message "" = any).
  void ExpectError(std::string_view op, const std::string& request, std::string_view type,
                   std::string_view message = "") {
    Reply r = Call(op, request);
    ASSERT_FALSE(r.ok()) << op << " " << request << " unexpectedly succeeded: " << r.text;
    EXPECT_EQ(r.status.reason(), type) << r.status.ToString();
    if (!message.empty()) EXPECT_EQ(r.status.message(), message);
  }

  // Creates a secret with a string value; returns its ARN.
  std::string CreateString(const std::string& name, const std::string& value, int token) {
    auto d = Ok("CreateSecret", R"({"Name":")" + name + R"(","SecretString":")" + value +
                                    R"(","ClientRequestToken":")" + Token(token) + R"("})");
    return d.IsObject() && d.HasMember("ARN") ? d["ARN"].GetString() : "";
  }

  // version id -> sorted labels ([] for deprecated versions), via
  // ListSecretVersionIds with IncludeDeprecated.
  std::map<std::string, std::vector<std::string>> Labels(const std::string& secret_id) {
    std::map<std::string, std::vector<std::string>> out;
    auto d = Ok("ListSecretVersionIds",
                R"({"SecretId":")" + secret_id + R"(","IncludeDeprecated":true})");
    if (!d.IsObject() || !d.HasMember("Versions")) return out;
    for (const auto& v : d["Versions"].GetArray()) {
      auto& labels = out[v["VersionId"].GetString()];
      if (v.HasMember("VersionStages"))
        for (const auto& l : v["VersionStages"].GetArray()) labels.emplace_back(l.GetString());
    }
    return out;
  }

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

  using Labels_t = std::vector<std::string>;

  std::string dir_;
  std::string db_path_;
  FakeClock clock_{kStartMs};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Barrier> barrier_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<Service> service_;
  RequestContext ctx_;
};

}  // namespace coffer::secrets::testing
