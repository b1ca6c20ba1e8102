// DescribeSecret: the secret's metadata, members present only when they have
// a value (aws-compat §1.4). Works on secrets pending deletion.

#include "secrets/internal.h"

namespace coffer::secrets::internal {

Status DescribeSecret(Service& svc, const RequestContext& ctx, const JsonValue& in,
                      JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  // Cached like GetSecretValue: caching clients call DescribeSecret on every
  // refresh to learn whether AWSCURRENT moved.
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kReadCached));
  COFFER_ASSIGN_OR_RETURN(
      storage::Row<storage::SecretRecord> found,
      ResolveAuthorizedRow(svc, *txn, ctx, secret_id, SmAction("DescribeSecret")));
  const storage::SecretRecord& s = *found;
  storage::Row<storage::SecretRecord> primary;
  COFFER_ASSIGN_OR_RETURN(const storage::SecretRecord* owner, ValueOwner(*txn, s, primary));
  // Only the labelled versions are shown (deprecated ones are hidden), so
  // only they are read: not every version's sealed value.
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::VersionRecord> versions,
                          txn->ListStagedVersions({owner->id}));
  WriteSecretMetadata(out, s, versions, /*list_entry=*/false);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
