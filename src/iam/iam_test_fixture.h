// Test fixture for the IAM operations: an iam::Service over the shared
// ServiceTestBase (a SQLite store in a fresh private directory, a
// FakeClock), with a key minter that stands in for the server's (the server
// mints and seals real keys with the root key, which the iam module does not
// hold; here the "sealed" secret is a marker). Test-only; included by the
// *_test.cc files of src/iam.
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
#include "testing/service_test_base.h"

namespace coffer::iam::testing {

using crypto::testing::kStartMs;
using crypto::testing::Reply;
inline constexpr char kAccount[] = "123456789012";

class IamTest : public crypto::testing::ServiceTestBase<Service> {
 protected:
  std::unique_ptr<Service> MakeService() override {
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
    return std::make_unique<Service>(*parts_.store, clock_, std::move(opts));
  }

  void SetUp() override {
    ServiceTestBase::SetUp();
    ctx_.account_id = kAccount;
    ctx_.principal_arn = std::string("arn:aws:iam::") + kAccount + ":user/admin";
  }

  std::unique_ptr<storage::Txn> Txn(bool write = false) {
    auto t = parts_.store->Begin(write ? storage::TxnMode::kWrite : storage::TxnMode::kRead);
    EXPECT_TRUE(t.ok());
    return t.ok() ? std::move(*t) : nullptr;
  }

  static std::string Arn(std::string_view kind_and_name) {
    return std::string("arn:aws:iam::") + kAccount + ":" + std::string(kind_and_name);
  }

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
