// Rendering a key (key_metadata.h).

#include "kms/key_metadata.h"

#include <openssl/evp.h>

#include "common/encoding.h"

namespace coffer::kms::internal {

std::string KeyMaterialId(const storage::KmsKeyRecord& key, int32_t version) {
  const std::string input = "coffer-kms-material|" + key.arn + "|" + std::to_string(version);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

void WriteKeyMetadata(JsonWriter& w, const storage::KmsKeyRecord& key) {
  WriteKey(w, "KeyMetadata");
  w.StartObject();
  WriteString(w, "AWSAccountId", key.account_id);
  WriteString(w, "KeyId", key.key_id);
  WriteString(w, "Arn", key.arn);
  WriteTimestamp(w, "CreationDate", key.created_ms);
  WriteBool(w, "Enabled", key.key_state == "Enabled");
  WriteString(w, "Description", key.description);
  WriteString(w, "KeyUsage", key.key_usage);
  WriteString(w, "KeyState", key.key_state);
  if (key.key_state == "PendingDeletion" && key.deletion_ms) {
    WriteTimestamp(w, "DeletionDate", *key.deletion_ms);
  }
  WriteString(w, "Origin", key.origin);
  WriteString(w, "KeyManager", key.key_manager);
  WriteString(w, "CustomerMasterKeySpec", key.key_spec);
  WriteString(w, "KeySpec", key.key_spec);
  WriteStringArray(w, "EncryptionAlgorithms", {"SYMMETRIC_DEFAULT"});
  WriteBool(w, "MultiRegion", false);
  if (key.key_state == "PendingDeletion" && key.pending_window_days) {
    WriteInt(w, "PendingDeletionWindowInDays", *key.pending_window_days);
  }
  WriteString(w, "CurrentKeyMaterialId", KeyMaterialId(key, key.current_material));
  w.EndObject();
}

}  // namespace coffer::kms::internal
