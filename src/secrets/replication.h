// Replication across regions (regions are namespaces of one deployment).
//
// A replica is a SecretRecord in another region with the primary's name and
// 6-character suffix, that region's ARN, replica_of = the primary's id and
// primary_region = the primary's region. It holds no versions: reads follow
// the primary's versions (internal::ValueOwner / WriteSecretValue), so a
// replica is always "InSync". The primary lists its replicas as
// ReplicaRecords {region, kms_key_id, status, status_message}.
//
// FOR CreateSecret (AddReplicaRegions / ForceOverwriteReplicaSecret): call
// ReadAddReplicaRegions() on the request, insert the primary (it needs its
// id), then ReplicateSecret(); it updates the primary's row itself. It
// behaves exactly like create_secret.cc's CreateReplica (same status texts),
// so that copy can be replaced by this one.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "coffer/result.h"
#include "common/json.h"
#include "common/request_context.h"
#include "secrets/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::secrets::replication {

struct ReplicaSpec {
  std::string region;
  std::string kms_key_id;  // empty = that region's default key
};

// Reads the AddReplicaRegions member. InvalidParameterException
// (kInvalidReplicaRegion) for an empty region, the secret's own region or a
// region listed twice.
Result<std::vector<ReplicaSpec>> ReadAddReplicaRegions(const JsonValue& in,
                                                       std::string_view own_region);

// Creates the replica of `primary` in each spec's region and records it on
// `primary` (replacing an earlier Failed record for that region; a region
// already InSync is left as it is). A name already taken in the target region
// (by anything but this primary's replica) makes that replica "Failed" with a
// status message, unless `force_overwrite` deletes the other secret (never
// one that is itself a replica or has replicas). A KmsKeyId that does not
// resolve in the target region also fails that replica only.
// Writes `primary` (txn.UpdateSecret) and returns the records for `specs`, in
// order. REQUIRES: primary.id is assigned and primary is not a replica.
Result<std::vector<storage::ReplicaRecord>> ReplicateSecret(Service& svc, storage::Txn& txn,
                                                            const RequestContext& ctx,
                                                            storage::SecretRecord& primary,
                                                            const std::vector<ReplicaSpec>& specs,
                                                            bool force_overwrite);

// Deletes the replica of `primary` in `region` (when it exists) and drops its
// record from `primary.replicas`. Does not write `primary`.
Status RemoveReplica(storage::Txn& txn, storage::SecretRecord& primary, std::string_view region);

// The 6-character suffix of a secret ARN (everything after the last '-').
std::string_view ArnSuffix(std::string_view arn);

}  // namespace coffer::secrets::replication
