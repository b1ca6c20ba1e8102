// Key-state rules (key_state_rules.h).

#include "kms/key_state_rules.h"

#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

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

}  // namespace coffer::kms::internal
