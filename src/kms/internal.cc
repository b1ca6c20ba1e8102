// Helpers shared by the KMS operation files.

#include "kms/internal.h"

#include <openssl/evp.h>

#include <algorithm>

#include "common/encoding.h"
#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

bool NamesDefaultAlias(std::string_view spec) {
  constexpr std::string_view kAlias = crypto::kDefaultSecretsKeyAlias;
  if (spec == kAlias) return true;
  return spec.starts_with("arn:") && spec.size() > kAlias.size() && spec.ends_with(kAlias) &&
         spec[spec.size() - kAlias.size() - 1] == ':';
}

storage::TxnMode ModeFor(std::string_view spec) {
  return NamesDefaultAlias(spec) ? storage::TxnMode::kWrite : storage::TxnMode::kRead;
}

Result<storage::KmsKeyRecord> ResolveAnyKey(Service& svc, storage::Txn& txn,
                                            const RequestContext& ctx, std::string_view spec) {
  if (spec.empty()) {
    return Status::NotFound(std::string(msg::kNotFound), "Invalid keyId ''");
  }
  return svc.keyring().ResolveKey(txn, ctx.account_id, ctx.region, spec);
}

Result<storage::KmsKeyRecord> ResolveKeyIdOrArn(Service& svc, storage::Txn& txn,
                                                const RequestContext& ctx, std::string_view spec) {
  const bool alias = spec.starts_with("alias/") ||
                     (spec.starts_with("arn:") && spec.find(":alias/") != std::string_view::npos);
  if (alias || spec.empty()) {
    return Status::NotFound(std::string(msg::kNotFound),
                            "Invalid keyId '" + std::string(spec) + "'");
  }
  return ResolveAnyKey(svc, txn, ctx, spec);
}

std::string AccessDeniedMessage(const RequestContext& ctx, std::string_view key_arn,
                                std::string_view action) {
  std::string a = "kms:" + std::string(action);
  return "User: " + ctx.principal_arn + " is not authorized to perform: " + a +
         " on resource: " + std::string(key_arn) + " because no resource-based policy allows the " +
         a + " action";
}

Status RequireCustomerManaged(const RequestContext& ctx, const storage::KmsKeyRecord& key,
                              std::string_view action) {
  if (key.key_manager != "AWS") return Status::Ok();
  return Status::PermissionDenied(std::string(msg::kAccessDenied),
                                  AccessDeniedMessage(ctx, key.arn, action));
}

Status RequireEnabled(const storage::KmsKeyRecord& key) {
  if (key.key_state == "Enabled") return Status::Ok();
  if (key.key_state == "Disabled") {
    return Status::FailedPrecondition(std::string(msg::kDisabled), key.arn + " is disabled.");
  }
  COFFER_RETURN_IF_ERROR(RequireNotPendingDeletion(key));
  return Status::FailedPrecondition(std::string(msg::kInvalidState),
                                    key.arn + " is not in a valid state.");  // [guess]
}

Status RequireNotPendingDeletion(const storage::KmsKeyRecord& key) {
  if (key.key_state != "PendingDeletion") return Status::Ok();
  return Status::FailedPrecondition(std::string(msg::kInvalidState),
                                    key.arn + " is pending deletion.");
}

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

crypto::EncryptionContext ReadContext(const JsonValue& in, const char* name) {
  crypto::EncryptionContext context;
  const JsonValue* m = JsonMember(in, name);
  if (m == nullptr || !m->IsObject()) return context;
  for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
    if (!it->value.IsString()) continue;  // the model validator rejects these first
    context.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()),
                         std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  return context;
}

Result<std::optional<std::string>> ReadBlob(const JsonValue& in, const char* name) {
  std::optional<std::string_view> text = JsonString(in, name);
  if (!text) return std::optional<std::string>();
  std::optional<std::string> bytes = Base64Decode(*text);
  if (!bytes)
    return Status::InvalidArgument("SerializationException", "");  // as the protocol layer
  return bytes;
}

Status Unsupported(std::string_view what) {
  return Status::InvalidArgument(std::string(msg::kUnsupported),
                                 std::string(msg::kUnsupportedPrefix) + std::string(what) + ".");
}

Result<Page> Paginate(const JsonValue& in, size_t n,
                      const std::function<std::string(size_t)>& key_of, int64_t default_limit) {
  const int64_t limit = JsonInt(in, "Limit").value_or(default_limit);
  Page page;
  if (std::optional<std::string_view> marker = JsonString(in, "Marker")) {
    std::optional<std::string> after = Base64Decode(*marker);
    if (!after || after->empty()) {
      return Status::InvalidArgument(std::string(msg::kInvalidMarker),
                                     std::string(msg::kInvalidMarkerMessage));
    }
    // First item strictly after the marker's key.
    size_t lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (key_of(mid) <= *after)
        lo = mid + 1;
      else
        hi = mid;
    }
    page.begin = lo;
  }
  page.end = std::min(n, page.begin + static_cast<size_t>(std::max<int64_t>(limit, 1)));
  if (page.end < n && page.end > page.begin) page.next_marker = Base64Encode(key_of(page.end - 1));
  return page;
}

void WritePageEnd(JsonWriter& w, const Page& page) {
  if (!page.next_marker.empty()) WriteString(w, "NextMarker", page.next_marker);
  WriteBool(w, "Truncated", !page.next_marker.empty());
}

}  // namespace coffer::kms::internal
