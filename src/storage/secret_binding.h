// The secrets table's columns as every SQL engine binds them: one place
// that knows their order (the engines' INSERT and UPDATE statements name
// them in this order, 1..26, has_extras last), and what has_extras means.
// `Binder` is an engine's parameter list (sqlite::Stmt, pg::Params): it has
// chainable Text, OptText, Int, OptInt and Bool.
//
// Thread-safety: pure functions.
#pragma once

#include "storage/records.h"

namespace coffer::storage {

// Whether any extra column of `r` is set (a present-but-empty string counts):
// the value of has_extras. A row without it scans with its extra columns at
// their defaults, so this must name every extra column.
inline bool HasExtras(const SecretRecord& r) {
  return r.type || r.deletion_date_ms || r.rotation_configured || r.rotation_enabled ||
         r.rotation_lambda_arn || r.rotation_rules_json || r.last_rotated_ms ||
         r.next_rotation_ms || r.external_rotation_metadata_json || r.external_rotation_role_arn ||
         r.owning_service || r.resource_policy;
}

// Binds every column of `r` but id, has_extras last (parameters 1..26).
template <typename Binder>
void BindSecretColumns(Binder& b, const SecretRecord& r) {
  b.Text(r.account_id).Text(r.region).Text(r.name).Text(r.arn).OptText(r.description);
  b.Text(r.kms_key_id).OptText(r.type).Int(r.created_ms).Int(r.last_changed_ms);
  b.OptInt(r.last_accessed_ms).OptInt(r.deleted_ms).OptInt(r.deletion_date_ms);
  b.Bool(r.rotation_configured).Bool(r.rotation_enabled).OptText(r.rotation_lambda_arn);
  b.OptText(r.rotation_rules_json).OptInt(r.last_rotated_ms).OptInt(r.next_rotation_ms);
  b.OptText(r.external_rotation_metadata_json).OptText(r.external_rotation_role_arn);
  b.OptText(r.owning_service).OptText(r.resource_policy).Bool(r.tags_set);
  b.Text(r.primary_region).OptInt(r.replica_of).Bool(HasExtras(r));
}

}  // namespace coffer::storage
