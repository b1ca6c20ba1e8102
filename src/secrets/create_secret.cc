// CreateSecret: a new secret, with its first version when a value is given
// (aws-compat §1.4), and replicas in other regions when asked (replication.h).

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/replication.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

Status NameTaken(const storage::SecretRecord& existing) {
  if (existing.deleted_ms)
    return Status::FailedPrecondition(std::string(msg::kInvalidRequest),
                                      std::string(msg::kNameScheduledForDeletion));
  return Status::AlreadyExists(
      std::string(msg::kResourceExists),
      "The operation failed because the secret " + existing.name + " already exists.");
}

// CreateSecret on the ARN the secret will have, with its request keys; with
// Tags also TagResource, with AddReplicaRegions also ReplicateSecretToRegions
// (aws-compat §1.8).
Status AuthorizeCreate(Service& svc, const RequestContext& ctx, const JsonValue& in,
                       const std::string& arn, const std::vector<storage::Tag>& tags,
                       bool replicas) {
  if (!ctx.caller) return Status::Ok();
  storage::SecretRecord probe;  // the new secret, as far as policies can see it
  probe.account_id = ctx.account_id;
  probe.region = ctx.region;
  probe.primary_region = ctx.region;
  probe.arn = arn;
  ContextKeys keys;
  keys.Set("secretsmanager:Name", std::string(JsonString(in, "Name").value_or("")));
  if (auto d = JsonString(in, "Description"))
    keys.Set("secretsmanager:Description", std::string(*d));
  if (auto k = JsonString(in, "KmsKeyId")) AddKmsKeyKeys(keys, ctx, *k);
  if (auto t = JsonString(in, "Type")) keys.Set("secretsmanager:Type", std::string(*t));
  AddReplicaRegionKeys(keys, in);
  if (auto f = JsonBool(in, "ForceOverwriteReplicaSecret"))
    keys.Set("secretsmanager:ForceOverwriteReplicaSecret", *f ? "true" : "false");
  AddRequestTags(keys, tags);
  COFFER_RETURN_IF_ERROR(AuthorizeSecret(svc, ctx, probe, SmAction("CreateSecret"), &keys));
  if (!tags.empty())
    COFFER_RETURN_IF_ERROR(AuthorizeSecret(svc, ctx, probe, SmAction("TagResource"), &keys));
  if (replicas) {
    COFFER_RETURN_IF_ERROR(
        AuthorizeSecret(svc, ctx, probe, SmAction("ReplicateSecretToRegions"), &keys));
  }
  return Status::Ok();
}

}  // namespace

Status CreateSecret(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  // The token first, value or not (docs/compatibility.md, "ClientRequestToken").
  COFFER_ASSIGN_OR_RETURN(std::string token, RequireClientRequestToken(in));
  std::string name(JsonString(in, "Name").value_or(""));
  if (!IsValidSecretName(name))
    return Status::InvalidArgument(std::string(msg::kValidation), std::string(msg::kInvalidName));
  COFFER_ASSIGN_OR_RETURN(RequestValue value, ReadRequestValue(in));
  COFFER_ASSIGN_OR_RETURN(std::vector<storage::Tag> tags, ReadTags(in, "Tags"));
  COFFER_ASSIGN_OR_RETURN(std::vector<replication::ReplicaSpec> replica_requests,
                          replication::ReadAddReplicaRegions(in, ctx.region));
  const bool force_replicas = JsonBool(in, "ForceOverwriteReplicaSecret").value_or(false);
  const std::string arn = SecretArn(ctx.region, ctx.account_id, name, NewArnSuffix());
  COFFER_RETURN_IF_ERROR(AuthorizeCreate(svc, ctx, in, arn, tags, !replica_requests.empty()));

  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto existing, txn->GetSecretByName(ctx.account_id, ctx.region, name));
  if (existing) {
    // A retry of a create that succeeded: same token, same value -> same answer.
    if (value.present && !existing->deleted_ms && !existing->replica_of) {
      storage::SecretRecord s = *existing;
      COFFER_ASSIGN_OR_RETURN(auto v, txn->GetVersion(s.id, token));
      if (v && v->has_value) {
        // Nothing is written: the transaction is dropped without Commit.
        auto stored = StoreNewVersion(svc, *txn, ctx, s, token, value, {});
        if (stored.ok() && !stored->created) {
          WriteString(out, "ARN", s.arn);
          WriteString(out, "Name", s.name);
          WriteString(out, "VersionId", stored->version_id);
          if (!replica_requests.empty()) WriteReplicationStatus(out, s.replicas);
          return Status::Ok();
        }
        if (!stored.ok() && stored.status().reason() != msg::kResourceExists)
          return stored.take_status();
      }
    }
    return NameTaken(*existing);
  }

  storage::SecretRecord s;
  s.account_id = ctx.account_id;
  s.region = ctx.region;
  s.name = name;
  s.arn = arn;
  if (auto d = JsonString(in, "Description")) s.description = std::string(*d);
  s.kms_key_id = std::string(JsonString(in, "KmsKeyId").value_or(""));
  if (auto t = JsonString(in, "Type")) s.type = std::string(*t);
  s.created_ms = ctx.now_ms;
  s.last_changed_ms = ctx.now_ms;
  s.tags_set = !tags.empty();
  s.tags = std::move(tags);
  s.primary_region = ctx.region;
  auto inserted = txn->InsertSecret(s);
  if (!inserted.ok()) {
    if (inserted.status().code() == StatusCode::kAlreadyExists)
      return Status::AlreadyExists(
          std::string(msg::kResourceExists),
          "The operation failed because the secret " + name + " already exists.");
    return inserted.take_status();
  }
  s.id = *inserted;

  std::optional<StoredVersion> stored;
  if (value.present) {
    COFFER_ASSIGN_OR_RETURN(stored, StoreNewVersion(svc, *txn, ctx, s, token, value, {}));
  }
  if (!replica_requests.empty()) {
    // Writes the primary's row with its replica records.
    COFFER_ASSIGN_OR_RETURN(auto records, replication::ReplicateSecret(
                                              svc, *txn, ctx, s, replica_requests, force_replicas));
    (void)records;
  }
  COFFER_RETURN_IF_ERROR(txn->Commit());

  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  if (stored) WriteString(out, "VersionId", stored->version_id);
  if (!replica_requests.empty()) WriteReplicationStatus(out, s.replicas);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
