// RotateSecret (aws-compat §4.1): stores the rotation configuration and
// starts a rotation, asynchronously.
//
// Before anything is stored, Coffer checks that it can invoke the function
// (ServiceOptions::check_rotation_function: a [functions.NAME] binding whose
// role trusts lambda.amazonaws.com). When it cannot, it answers as AWS does:
// AccessDeniedException kCannotInvokeLambda, and nothing is stored (AWS
// checks before it saves anything; LocalStack's AWS-validated
// test_rotate_secret_invalid_lambda_arn shows DescribeSecret without
// RotationEnabled, RotationRules or RotationLambdaARN after that error).
//
// RotateImmediately (default true): the new version, named by the
// ClientRequestToken, is created here as an AWSPENDING placeholder without a
// value (the function's createSecret fills it), the answer carries its
// VersionId, and the rotation engine runs the four steps after the commit.
// RotateImmediately=false: the configuration is stored, NextRotationDate
// computed, and the engine runs testSecret alone against a temporary
// AWSPENDING copy of the current value (rotation.h); no VersionId is answered.
// A secret whose rotation is external (ExternalSecretRotationRoleArn without
// a function) cannot be rotated by Coffer: kCannotInvokeLambda.

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"
#include "secrets/rotation_rules.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

// A rotation is in progress when AWSPENDING sits on a version other than
// the AWSCURRENT one (aws-compat §4.1).
Result<bool> RotationInProgress(storage::Txn& txn, int64_t secret_id) {
  COFFER_ASSIGN_OR_RETURN(auto pending, txn.GetVersionByStage(secret_id, kAwsPending));
  if (!pending) return false;
  return std::find(pending->stages.begin(), pending->stages.end(), kAwsCurrent) ==
         pending->stages.end();
}

}  // namespace

Status RotateSecret(Service& svc, const RequestContext& ctx, const JsonValue& in, JsonWriter& out) {
  // AWS answers a missing token here as InvalidParameterException (the other
  // writes say InvalidRequestException), before the secret is looked up.
  COFFER_ASSIGN_OR_RETURN(std::string token, RequireClientRequestToken(in, msg::kInvalidParameter));
  std::optional<RotationRules> rules;
  if (const JsonValue* r = JsonMember(in, "RotationRules")) {
    COFFER_ASSIGN_OR_RETURN(RotationRules parsed, ParseRotationRules(*r));
    rules = std::move(parsed);
  }
  std::optional<std::string_view> lambda_arn = JsonString(in, "RotationLambdaARN");
  if (lambda_arn && lambda_arn->empty()) lambda_arn.reset();
  const bool immediately = JsonBool(in, "RotateImmediately").value_or(true);
  ContextKeys keys;
  if (lambda_arn) keys.Set("secretsmanager:RotationLambdaARN", std::string(*lambda_arn));
  if (JsonBool(in, "RotateImmediately"))
    keys.Set("secretsmanager:RotateImmediately", immediately ? "true" : "false");
  keys.Set("secretsmanager:ModifyRotationRules",
           JsonMember(in, "RotationRules") != nullptr ? "true" : "false");
  if (auto role = JsonString(in, "ExternalSecretRotationRoleArn"))
    keys.Set("secretsmanager:ExternalSecretRotationRoleArn", std::string(*role));

  COFFER_ASSIGN_OR_RETURN(WritableSecret opened,
                          OpenWritableSecret(svc, ctx, JsonString(in, "SecretId").value_or(""),
                                             SmAction("RotateSecret"), &keys));
  std::unique_ptr<storage::Txn>& txn = opened.txn;
  storage::SecretRecord& s = opened.secret;

  if (const JsonValue* meta = JsonMember(in, "ExternalSecretRotationMetadata")) {
    JsonBuffer buf;
    JsonWriter w(buf);
    meta->Accept(w);
    s.external_rotation_metadata_json = std::string(buf.GetString(), buf.GetSize());
  }
  if (auto role = JsonString(in, "ExternalSecretRotationRoleArn"))
    s.external_rotation_role_arn = std::string(*role);
  if (lambda_arn) s.rotation_lambda_arn = std::string(*lambda_arn);
  if (!s.rotation_lambda_arn && !s.external_rotation_role_arn)
    return Status::FailedPrecondition(std::string(msg::kInvalidRequest),
                                      std::string(msg::kNoRotationLambda));
  if (rules) {
    s.rotation_rules_json = RotationRulesToJson(*rules);
  } else if (s.rotation_rules_json) {
    COFFER_ASSIGN_OR_RETURN(RotationRules stored, RotationRulesFromJson(*s.rotation_rules_json));
    rules = std::move(stored);
  }
  COFFER_ASSIGN_OR_RETURN(bool in_progress, RotationInProgress(*txn, s.id));
  if (in_progress)
    return Status::FailedPrecondition(std::string(msg::kInvalidRequest),
                                      std::string(msg::kRotationInProgress));
  if (!s.rotation_lambda_arn || !svc.options().check_rotation_function)
    return Status::PermissionDenied(std::string(msg::kAccessDenied),
                                    std::string(msg::kCannotInvokeLambda));
  if (!svc.options().check_rotation_function(*s.rotation_lambda_arn, s.account_id).ok())
    return Status::PermissionDenied(std::string(msg::kAccessDenied),
                                    std::string(msg::kCannotInvokeLambda));

  s.rotation_configured = true;
  s.rotation_enabled = true;
  s.next_rotation_ms.reset();
  if (rules) {
    // Rate-based schedules count from the last rotation (AWS: "based on the
    // previous rotation"); cron windows are the next ones after now.
    const bool from_last =
        !rules->schedule_expression || !rules->schedule_expression->starts_with("cron(");
    const int64_t base = from_last ? s.last_rotated_ms.value_or(ctx.now_ms) : ctx.now_ms;
    COFFER_ASSIGN_OR_RETURN(int64_t next, NextRotationDate(*rules, base));
    s.next_rotation_ms = next;
  }
  s.last_changed_ms = ctx.now_ms;
  if (immediately) {
    // The new rotation's version: AWSPENDING without a value, named by the
    // request's ClientRequestToken.
    storage::VersionRecord placeholder;
    placeholder.secret_id = s.id;
    placeholder.version_id = token;
    placeholder.created_ms = ctx.now_ms;
    placeholder.has_value = false;
    COFFER_RETURN_IF_ERROR(AddPendingVersion(*txn, std::move(placeholder)));
  }
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  COFFER_RETURN_IF_ERROR(txn->Commit());
  if (svc.options().rotation_requested)
    svc.options().rotation_requested(s.id, !immediately, immediately ? token : std::string());
  WriteString(out, "ARN", s.arn);
  WriteString(out, "Name", s.name);
  if (immediately) WriteString(out, "VersionId", token);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
