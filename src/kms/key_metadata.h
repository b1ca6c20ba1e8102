// Rendering a key: the KeyMetadata member of CreateKey, DescribeKey and the
// state-changing operations, and the public id of a key material version.
//
// Part of the kms module's internals (namespace internal): for its operation
// files only, not for use outside src/kms.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"
#include "storage/records.h"

namespace coffer::kms::internal {

// A stable public identifier of (key, material version): 64 lowercase hex
// digits (the model's KeyMaterialId); reveals nothing about the material.
std::string KeyMaterialId(const storage::KmsKeyRecord& key, int32_t version);

// Writes the KeyMetadata object member.
void WriteKeyMetadata(JsonWriter& w, const storage::KmsKeyRecord& key);

}  // namespace coffer::kms::internal
