// Test fixture for the KMS operations: a SQLite store in a fresh temp dir, a
// Barrier with a random root key, a Keyring and a FakeClock; requests go
// through Service::Handle as JSON text, outputs come back as parsed JSON.
// Test-only; included by the *_test.cc files of src/kms.
//
// Thread-safety: gtest fixture; single-threaded.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "common/clock.h"
#include "common/encoding.h"
#include "common/random.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "kms/service.h"
#include "storage/sqlite/sqlite_store.h"

namespace coffer::kms::testing {

inline constexpr int64_t kStartMs = 1709287200250;  // 2024-03-01T10:00:00.250Z
inline constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

struct Reply {
  Status status;
  std::string text;
  rapidjson::Document doc;
  bool ok() const { return status.ok(); }
};

class KmsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/coffer-kms-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = storage::OpenSqliteStore(dir_ + "/coffer.db", storage::SqliteOptions{});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    barrier_ = std::make_unique<crypto::Barrier>(SecureString(RandomBytes(32)));
    keyring_ = std::make_unique<crypto::Keyring>(*barrier_, clock_);
    service_ = std::make_unique<Service>(*store_, *keyring_, clock_);
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

  rapidjson::Document Ok(std::string_view op, const std::string& request) {
    Reply r = Call(op, request);
    EXPECT_TRUE(r.ok()) << op << " " << request << " -> " << r.status.ToString();
    rapidjson::Document d;
    if (r.ok()) d.CopyFrom(r.doc, d.GetAllocator());
    return d;
  }

  // `op` must fail with `type` (and `message` unless it is "*").
  void ExpectError(std::string_view op, const std::string& request, std::string_view type,
                   std::string_view message = "*") {
    Reply r = Call(op, request);
    ASSERT_FALSE(r.ok()) << op << " " << request << " unexpectedly succeeded: " << r.text;
    EXPECT_EQ(r.status.reason(), type) << r.status.ToString();
    if (message != "*") {
      EXPECT_EQ(r.status.message(), message);
    }
  }

  // A new customer managed key; returns its id.
  std::string NewKey(const std::string& extra = "") {
    auto d = Ok("CreateKey", "{" + extra + "}");
    return d.IsObject() && d.HasMember("KeyMetadata") ? d["KeyMetadata"]["KeyId"].GetString() : "";
  }
  std::string Arn(const std::string& key_id) const {
    return "arn:aws:kms:us-east-1:123456789012:key/" + key_id;
  }
  std::string State(const std::string& key_spec) {
    auto d = Ok("DescribeKey", R"({"KeyId":")" + key_spec + R"("})");
    return d.IsObject() ? d["KeyMetadata"]["KeyState"].GetString() : "";
  }
  // Encrypts `plain` under `key_spec` with `context_json`; returns the base64 blob.
  std::string EncryptB64(const std::string& key_spec, const std::string& plain,
                         const std::string& context_json = "{}") {
    auto d = Ok("Encrypt", R"({"KeyId":")" + key_spec + R"(","Plaintext":")" + Base64Encode(plain) +
                               R"(","EncryptionContext":)" + context_json + "}");
    return d.IsObject() && d.HasMember("CiphertextBlob") ? d["CiphertextBlob"].GetString() : "";
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

  std::string dir_;
  FakeClock clock_{kStartMs};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Barrier> barrier_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<Service> service_;
  RequestContext ctx_;
};

}  // namespace coffer::kms::testing
