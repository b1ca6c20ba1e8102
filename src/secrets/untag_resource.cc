// UntagResource: removes tag keys; Tags then shows [] rather than vanishing
// (aws-compat §1.4 "Response-field presence").

#include <algorithm>

#include "secrets/internal.h"
#include "secrets/messages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

Status UntagResource(Service& svc, const RequestContext& ctx, const JsonValue& in,
                     JsonWriter& out) {
  std::string_view secret_id = JsonString(in, "SecretId").value_or("");
  COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kWrite));
  ContextKeys tag_keys;
  tag_keys.Set("aws:TagKeys", JsonStringArray(in, "TagKeys"));
  COFFER_ASSIGN_OR_RETURN(
      storage::SecretRecord s,
      ResolveAuthorized(svc, *txn, ctx, secret_id, SmAction("UntagResource"), &tag_keys));
  COFFER_RETURN_IF_ERROR(RequireNotDeleted(s));
  std::vector<std::string> keys = JsonStringArray(in, "TagKeys");
  size_t before = s.tags.size();
  std::erase_if(s.tags, [&](const storage::Tag& t) {
    return std::find(keys.begin(), keys.end(), t.key) != keys.end();
  });
  if (s.tags.size() == before) return Status::Ok();  // nothing to remove, nothing changes
  s.tags_set = true;
  s.last_changed_ms = ctx.now_ms;
  COFFER_RETURN_IF_ERROR(txn->UpdateSecret(s));
  return txn->Commit();
}

}  // namespace coffer::secrets::internal
