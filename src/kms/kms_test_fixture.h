// Test fixture for the KMS operations: ServiceTestBase (store, keyring, fake
// clock, JSON in and out through Service::Handle) plus KMS helpers.
// Test-only; included by the *_test.cc files of src/kms.
//
// Thread-safety: gtest fixture; single-threaded.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>

#include "common/encoding.h"
#include "kms/service.h"
#include "testing/service_test_base.h"

namespace coffer::kms::testing {

using crypto::testing::kDayMs;
using crypto::testing::kStartMs;
using crypto::testing::Reply;

class KmsTest : public crypto::testing::ServiceTestBase<Service> {
 protected:
  std::unique_ptr<Service> MakeService() override {
    return std::make_unique<Service>(*parts_.store, *parts_.keyring, clock_);
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
};

}  // namespace coffer::kms::testing
