// Rendering: how a secret's metadata (DescribeSecret, ListSecrets entries),
// its replication status and its values (GetSecretValue, BatchGetSecretValue)
// are written into a response.
//
// Part of the secrets module's internals (namespace internal): for its
// operation files only, not for use outside src/secrets.
//
// Thread-safety: free functions; they touch only what is passed in.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "coffer/status.h"
#include "common/json.h"
#include "secrets/service.h"
#include "storage/records.h"
#include "storage/store.h"

namespace coffer::secrets::internal {

// True when `s` is a replica or a primary with replicas: only then do
// DescribeSecret and ListSecrets show PrimaryRegion.
bool IsReplicationInvolved(const storage::SecretRecord& s);

// Writes the members of DescribeSecret (list_entry=false) or of a ListSecrets
// SecretListEntry (list_entry=true: SecretVersionsToStages, no
// ReplicationStatus) into an already-open JSON object, omitting absent ones.
// `versions` are the secret's versions (deprecated ones are skipped).
void WriteSecretMetadata(JsonWriter& w, const storage::SecretRecord& s,
                         std::span<const storage::VersionRecord> versions, bool list_entry);

// Writes a ReplicationStatus array member for `replicas` (CreateSecret,
// DescribeSecret and the replication operations).
void WriteReplicationStatus(JsonWriter& w, const std::vector<storage::ReplicaRecord>& replicas);

// Decrypts `v` and writes the members of a GetSecretValue response / a
// SecretValueEntry (ARN, Name, VersionId, SecretString|SecretBinary,
// VersionStages, CreatedDate) into an already-open JSON object. ctx.caller
// must be allowed kms:Decrypt on the value's key through Secrets Manager
// (authorization.h: AccessDeniedException "Access to KMS is not allowed").
// Key failures become DecryptionFailure.
Status WriteSecretValue(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                        const storage::SecretRecord& s, const storage::VersionRecord& v,
                        JsonWriter& w);

// Day resolution for LastAccessedDate: `ms` truncated to midnight UTC.
int64_t DayStart(int64_t ms);

}  // namespace coffer::secrets::internal
