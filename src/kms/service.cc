// kms::Service: dispatch of the KMS operations and the key-deletion purger.

#include "kms/service.h"

#include "common/log.h"
#include "common/op_table.h"
#include "kms/internal.h"
#include "kms/messages.h"

namespace coffer::kms {

namespace {

// Sorted by name for binary search.
constexpr OpTable<internal::OpFn, 29> kOps({{
    {"CancelKeyDeletion", &internal::CancelKeyDeletion},
    {"CreateAlias", &internal::CreateAlias},
    {"CreateKey", &internal::CreateKey},
    {"Decrypt", &internal::Decrypt},
    {"DeleteAlias", &internal::DeleteAlias},
    {"DescribeKey", &internal::DescribeKey},
    {"DisableKey", &internal::DisableKey},
    {"DisableKeyRotation", &internal::DisableKeyRotation},
    {"EnableKey", &internal::EnableKey},
    {"EnableKeyRotation", &internal::EnableKeyRotation},
    {"Encrypt", &internal::Encrypt},
    {"GenerateDataKey", &internal::GenerateDataKey},
    {"GenerateDataKeyWithoutPlaintext", &internal::GenerateDataKeyWithoutPlaintext},
    {"GenerateRandom", &internal::GenerateRandom},
    {"GetKeyPolicy", &internal::GetKeyPolicy},
    {"GetKeyRotationStatus", &internal::GetKeyRotationStatus},
    {"ListAliases", &internal::ListAliases},
    {"ListKeyPolicies", &internal::ListKeyPolicies},
    {"ListKeyRotations", &internal::ListKeyRotations},
    {"ListKeys", &internal::ListKeys},
    {"ListResourceTags", &internal::ListResourceTags},
    {"PutKeyPolicy", &internal::PutKeyPolicy},
    {"ReEncrypt", &internal::ReEncrypt},
    {"RotateKeyOnDemand", &internal::RotateKeyOnDemand},
    {"ScheduleKeyDeletion", &internal::ScheduleKeyDeletion},
    {"TagResource", &internal::TagResource},
    {"UntagResource", &internal::UntagResource},
    {"UpdateAlias", &internal::UpdateAlias},
    {"UpdateKeyDescription", &internal::UpdateKeyDescription},
}});

static_assert(kOps.Sorted(), "kOps must be sorted by name");

// Keys destroyed per write transaction, so one purge never holds the write
// lock for long.
constexpr size_t kPurgeBatch = 100;

}  // namespace

Service::Service(storage::Store& store, crypto::Keyring& keyring, const Clock& clock)
    : store_(store), keyring_(keyring), clock_(clock) {}

Status Service::Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                       JsonWriter& out) {
  // A modeled KMS operation Coffer does not serve (asymmetric keys, grants,
  // custom key stores, imports, …).
  const auto unsupported = [](std::string_view name) {
    return Status::InvalidArgument(
        std::string(messages::kUnsupported),
        std::string(messages::kUnsupportedPrefix) + "the KMS operation " + std::string(name) + ".");
  };
  return DispatchJsonOp(kOps, op, unsupported, out, *this, ctx, input);
}

Result<size_t> Service::PurgeExpired() {
  size_t purged = 0;
  for (;;) {
    COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kWrite));
    COFFER_ASSIGN_OR_RETURN(auto due, txn->KmsKeysDueForDeletion(clock_.NowMillis(), kPurgeBatch));
    for (const storage::KmsKeyRecord& key : due) {
      COFFER_RETURN_IF_ERROR(txn->DeleteKmsKey(key.key_id));
    }
    COFFER_RETURN_IF_ERROR(txn->Commit());
    for (const storage::KmsKeyRecord& key : due) {
      keyring_.ForgetKey(key.key_id);
      LogInfo("destroyed KMS key at the end of its deletion window", {{"key", key.arn}});
    }
    purged += due.size();
    if (due.size() < kPurgeBatch) return purged;
  }
}

Result<size_t> Service::RotateDue() {
  constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
  size_t rotated = 0;
  for (;;) {
    COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kWrite));
    const int64_t now_ms = clock_.NowMillis();
    COFFER_ASSIGN_OR_RETURN(auto due, txn->KmsKeysDueForRotation(now_ms, kPurgeBatch));
    for (const storage::KmsKeyRecord& key : due) {
      COFFER_ASSIGN_OR_RETURN(storage::KmsKeyRecord updated,
                              keyring_.RotateKeyMaterial(*txn, key.key_id, "AUTOMATIC"));
      // The next one a period after this one (not after the missed due date,
      // so a server that was down does not rotate repeatedly to catch up).
      updated.next_rotation_ms = now_ms + updated.rotation_period_days * kDayMs;
      COFFER_RETURN_IF_ERROR(txn->PutKmsKey(updated));
    }
    COFFER_RETURN_IF_ERROR(txn->Commit());
    rotated += due.size();
    if (due.size() < kPurgeBatch) return rotated;
  }
}

}  // namespace coffer::kms
