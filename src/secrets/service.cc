// secrets::Service: dispatch of the 23 operations and the deletion purger.

#include "secrets/service.h"

#include <utility>

#include "common/op_table.h"
#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets {

namespace {

// Sorted by name for binary search.
constexpr OpTable<internal::OpFn, 23> kOps({{
    {"BatchGetSecretValue", &internal::BatchGetSecretValue},
    {"CancelRotateSecret", &internal::CancelRotateSecret},
    {"CreateSecret", &internal::CreateSecret},
    {"DeleteResourcePolicy", &internal::DeleteResourcePolicy},
    {"DeleteSecret", &internal::DeleteSecret},
    {"DescribeSecret", &internal::DescribeSecret},
    {"GetRandomPassword", &internal::GetRandomPassword},
    {"GetResourcePolicy", &internal::GetResourcePolicy},
    {"GetSecretValue", &internal::GetSecretValue},
    {"ListSecretVersionIds", &internal::ListSecretVersionIds},
    {"ListSecrets", &internal::ListSecrets},
    {"PutResourcePolicy", &internal::PutResourcePolicy},
    {"PutSecretValue", &internal::PutSecretValue},
    {"RemoveRegionsFromReplication", &internal::RemoveRegionsFromReplication},
    {"ReplicateSecretToRegions", &internal::ReplicateSecretToRegions},
    {"RestoreSecret", &internal::RestoreSecret},
    {"RotateSecret", &internal::RotateSecret},
    {"StopReplicationToReplica", &internal::StopReplicationToReplica},
    {"TagResource", &internal::TagResource},
    {"UntagResource", &internal::UntagResource},
    {"UpdateSecret", &internal::UpdateSecret},
    {"UpdateSecretVersionStage", &internal::UpdateSecretVersionStage},
    {"ValidateResourcePolicy", &internal::ValidateResourcePolicy},
}});

static_assert(kOps.Sorted(), "kOps must be sorted by name");

// Secrets purged per write transaction, so one purge never holds the write
// lock for long.
constexpr size_t kPurgeBatch = 100;

}  // namespace

Service::Service(storage::Store& store, crypto::Keyring& keyring, const Clock& clock,
                 ServiceOptions options)
    : store_(store), keyring_(keyring), clock_(clock), options_(std::move(options)) {}

Status Service::Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                       JsonWriter& out) {
  return DispatchJsonOp(
      kOps, op,
      [](std::string_view) {
        return Status::InvalidArgument(std::string(messages::kUnknownOperation), "");
      },
      out, *this, ctx, input);
}

Result<size_t> Service::PurgeExpired() {
  size_t purged = 0;
  for (;;) {
    COFFER_ASSIGN_OR_RETURN(auto txn, store_.Begin(storage::TxnMode::kWrite));
    const int64_t now_ms = clock_.NowMillis();
    COFFER_ASSIGN_OR_RETURN(auto due, txn->SecretsDueForPurge(now_ms, kPurgeBatch));
    for (const storage::SecretRecord& s : due) {
      // Replicas go with their primary (a primary with replicas cannot be
      // scheduled for deletion, but stay safe if one is).
      COFFER_ASSIGN_OR_RETURN(auto replicas, txn->ListReplicas(s.id));
      for (const auto& r : replicas) COFFER_RETURN_IF_ERROR(txn->DeleteSecret(r.id));
      COFFER_RETURN_IF_ERROR(txn->DeleteSecret(s.id));
    }
    COFFER_RETURN_IF_ERROR(txn->Commit());
    purged += due.size();
    if (due.size() < kPurgeBatch) return purged;
  }
}

}  // namespace coffer::secrets
