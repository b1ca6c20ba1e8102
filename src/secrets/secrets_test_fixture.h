// Test fixture for the secrets operations: ServiceTestBase (store, keyring,
// fake clock, JSON in and out through Service::Handle) plus secrets helpers.
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

#include "common/encoding.h"
#include "common/random.h"
#include "secrets/messages.h"
#include "secrets/service.h"
#include "testing/service_test_base.h"

namespace coffer::secrets::testing {

using crypto::testing::kDayMs;
using crypto::testing::kStartMs;
using crypto::testing::Reply;

// A ClientRequestToken-shaped id (36 chars) that differs per `n`.
inline std::string Token(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

class SecretsTest : public crypto::testing::ServiceTestBase<Service> {
 protected:
  // A server that can invoke every rotation function (RotateSecret stores
  // and starts; no engine runs here).
  std::unique_ptr<Service> MakeService() override {
    ServiceOptions options;
    options.token_key = RandomBytes(32);
    options.check_rotation_function = [](std::string_view, std::string_view) {
      return Status::Ok();
    };
    return std::make_unique<Service>(*parts_.store, *parts_.keyring, clock_, std::move(options));
  }

  // A customer managed key in ctx_'s account and region, made the way KMS
  // CreateKey makes one.
  storage::KmsKeyRecord MakeKey() {
    storage::KmsKeyRecord key;
    key.account_id = ctx_.account_id;
    key.region = ctx_.region;
    auto txn = parts_.store->Begin(storage::TxnMode::kWrite);
    EXPECT_TRUE(txn.ok());
    auto made = parts_.keyring->CreateKey(**txn, key);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_TRUE((*txn)->Commit().ok());
    return made.ok() ? *made : key;
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

  using Labels_t = std::vector<std::string>;
};

}  // namespace coffer::secrets::testing
