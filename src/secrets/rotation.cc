// The secrets side of rotation (rotation.h).

#include "secrets/rotation.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "common/encoding.h"
#include "common/random.h"
#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/page_token.h"
#include "secrets/rotation_rules.h"
#include "secrets/stages.h"

namespace coffer::secrets {

namespace {

constexpr std::string_view kRotationTokenDomain = "coffer/rotation-token/v1";

bool HoldsCurrent(const storage::VersionRecord& v) {
  return std::find(v.stages.begin(), v.stages.end(), kAwsCurrent) != v.stages.end();
}

// The placeholder of a test-only run holds AWSCURRENT's value, sealed again
// for its own version id (the version id is in the encryption context).
Status CopyCurrentValue(Service& svc, storage::Txn& txn, const storage::SecretRecord& s,
                        storage::VersionRecord& placeholder) {
  COFFER_ASSIGN_OR_RETURN(auto current, txn.GetVersionByStage(s.id, kAwsCurrent));
  if (!current || !current->has_value) return Status::Ok();  // nothing to test with
  COFFER_ASSIGN_OR_RETURN(SecureString plain, svc.keyring().OpenValue(txn, current->sealed_value,
                                                                      internal::VersionContext(
                                                                          s, current->version_id)));
  COFFER_ASSIGN_OR_RETURN(
      storage::KmsKeyRecord key,
      svc.keyring().ResolveKey(txn, s.account_id, s.region, current->kms_key_arn));
  COFFER_ASSIGN_OR_RETURN(
      placeholder.sealed_value,
      svc.keyring().SealValue(txn, key, plain.view(),
                              internal::VersionContext(s, placeholder.version_id)));
  placeholder.kms_key_arn = key.arn;
  placeholder.is_binary = current->is_binary;
  placeholder.has_value = true;
  return Status::Ok();
}

// The next window after `now_ms`, or none without a schedule.
Result<std::optional<int64_t>> NextWindow(const storage::SecretRecord& s, int64_t now_ms) {
  if (!s.rotation_rules_json) return std::optional<int64_t>();
  COFFER_ASSIGN_OR_RETURN(RotationRules rules, RotationRulesFromJson(*s.rotation_rules_json));
  if (!rules.automatically_after_days && !rules.schedule_expression)
    return std::optional<int64_t>();
  COFFER_ASSIGN_OR_RETURN(int64_t next, NextRotationDate(rules, now_ms));
  return std::optional<int64_t>(next);
}

}  // namespace

namespace internal {

Status AddPendingVersion(storage::Txn& txn, storage::VersionRecord version) {
  COFFER_ASSIGN_OR_RETURN(auto existing, txn.GetVersion(version.secret_id, version.version_id));
  if (existing)
    return Status::AlreadyExists(std::string(messages::kResourceExists),
                                 std::string(messages::kVersionExists));
  COFFER_ASSIGN_OR_RETURN(auto labelled,
                          txn.ListLabeledVersions(version.secret_id, version.version_id));
  VersionSet set(std::move(labelled));
  COFFER_RETURN_IF_ERROR(set.AddVersion(std::move(version), {std::string(kAwsPending)}));
  return set.Save(txn);
}

}  // namespace internal

Result<std::optional<RotationJob>> BeginRotation(Service& svc, int64_t secret_id, bool test_only,
                                                 std::string_view only_token) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto row, txn->GetSecretById(secret_id));
  if (!row) return std::optional<RotationJob>();
  const storage::SecretRecord& s = *row;
  if (s.deleted_ms || !s.rotation_enabled || !s.rotation_lambda_arn)
    return std::optional<RotationJob>();
  RotationJob job;
  job.secret_id = s.id;
  job.arn = s.arn;
  job.account_id = s.account_id;
  job.region = s.region;
  job.lambda_arn = *s.rotation_lambda_arn;
  job.test_only = test_only;
  COFFER_ASSIGN_OR_RETURN(auto pending, txn->GetVersionByStage(s.id, kAwsPending));
  const bool in_progress = pending && !HoldsCurrent(*pending);
  if (!only_token.empty() && !(in_progress && pending->version_id == only_token))
    return std::optional<RotationJob>();  // that rotation is over, or another took its place
  if (in_progress) {
    if (test_only) return std::optional<RotationJob>();  // a real rotation is under way
    job.token = pending->version_id;
    job.resumed = true;
    return std::optional<RotationJob>(std::move(job));  // nothing to write
  }
  storage::VersionRecord placeholder;
  placeholder.secret_id = s.id;
  placeholder.version_id = RandomUuid();
  placeholder.created_ms = svc.clock().NowMillis();
  placeholder.has_value = false;
  if (test_only) COFFER_RETURN_IF_ERROR(CopyCurrentValue(svc, *txn, s, placeholder));
  job.token = placeholder.version_id;
  COFFER_RETURN_IF_ERROR(internal::AddPendingVersion(*txn, std::move(placeholder)));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  return std::optional<RotationJob>(std::move(job));
}

Status FinishRotation(Service& svc, const RotationJob& job, bool succeeded, bool give_up) {
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  COFFER_ASSIGN_OR_RETURN(auto row, txn->GetSecretById(job.secret_id));
  if (!row) return Status::Ok();  // deleted meanwhile: nothing to record
  storage::SecretRecord s = std::move(*row);
  COFFER_ASSIGN_OR_RETURN(auto version, txn->GetVersion(s.id, job.token));
  const int64_t now_ms = svc.clock().NowMillis();
  if (job.test_only) {
    // The test version goes whatever the outcome ("creates an AWSPENDING
    // version of the secret and then removes it").
    if (version && !HoldsCurrent(*version))
      COFFER_RETURN_IF_ERROR(txn->DeleteVersion(s.id, job.token));
    return txn->Commit();
  }
  if (succeeded && !(version && HoldsCurrent(*version))) {
    succeeded = false;
    give_up = give_up || !version;
  }
  if (succeeded) {
    // The rotation is over: AWSPENDING leaves the new current version, which
    // ends with AWSCURRENT as on AWS after a rotation (functions built on
    // AWS's templates move AWSCURRENT alone).
    if (std::find(version->stages.begin(), version->stages.end(), kAwsPending) !=
        version->stages.end())
      COFFER_RETURN_IF_ERROR(txn->RemoveStage(s.id, kAwsPending));
    s.last_rotated_ms = now_ms;
    COFFER_ASSIGN_OR_RETURN(s.next_rotation_ms, NextWindow(s, now_ms));
    s.last_changed_ms = now_ms;
  } else if (give_up) {
    COFFER_ASSIGN_OR_RETURN(s.next_rotation_ms, NextWindow(s, now_ms));
  } else {
    return Status::FailedPrecondition("", "the rotation function did not finish the rotation");
  }
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  if (!succeeded)
    return Status::FailedPrecondition("", "the rotation function did not finish the rotation");
  return Status::Ok();
}

std::string MakeRotationToken(const Service& svc, std::string_view secret_arn,
                              std::string_view version_id, int64_t expires_ms) {
  const std::string expires = std::to_string(expires_ms);
  const std::string mac = KeyedMac(svc.options().token_key, kRotationTokenDomain,
                                   PageTokenScope({secret_arn, version_id}), expires);
  return expires + "-" + HexEncode(mac);
}

Status CheckRotationToken(const Service& svc, std::string_view rotation_token,
                          std::string_view secret_arn, std::string_view version_id,
                          int64_t now_ms) {
  auto invalid = [] {
    return Status::InvalidArgument(std::string(messages::kInvalidRequest),
                                   std::string(messages::kInvalidRotationToken));
  };
  const size_t dash = rotation_token.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 19) return invalid();
  std::string_view expires = rotation_token.substr(0, dash);
  if (!std::all_of(expires.begin(), expires.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return invalid();
  const std::string expected =
      HexEncode(KeyedMac(svc.options().token_key, kRotationTokenDomain,
                         PageTokenScope({secret_arn, version_id}), expires));
  std::string_view mac = rotation_token.substr(dash + 1);
  if (mac.size() != expected.size() ||
      CRYPTO_memcmp(mac.data(), expected.data(), expected.size()) != 0)
    return invalid();
  if (std::stoll(std::string(expires)) < now_ms) return invalid();
  return Status::Ok();
}

}  // namespace coffer::secrets
