// Key-state rules (key_state_rules.h).

#include "kms/key_state_rules.h"

#include "kms/messages.h"

namespace coffer::kms::internal {

namespace msg = messages;

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
