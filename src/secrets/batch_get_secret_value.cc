// BatchGetSecretValue: the AWSCURRENT values of up to 20 secrets, named by
// SecretIdList or chosen by Filters (then paginated like ListSecrets).
// Failures of one secret (not found, marked for deletion, no current value,
// decryption failure) become an Errors[] entry instead of failing the call.
// LastAccessedDate is updated as GetSecretValue does.

#include <rapidjson/stringbuffer.h>

#include "secrets/internal.h"
#include "secrets/list_filter.h"
#include "secrets/messages.h"
#include "secrets/secret_scan.h"
#include "secrets/stages.h"

namespace coffer::secrets::internal {

namespace msg = messages;

namespace {

constexpr size_t kDefaultBatchResults = 20;

struct Outcome {
  // A complete SecretValueEntry object when error is Ok; wiped when freed.
  JsonBuffer value_json;
  Status error;
  int64_t touch_secret = 0;
  std::string touch_version;
};

// Reads the current value of `s` into a standalone JSON object, so that a
// failure half-way leaves `out` untouched.
Outcome ReadCurrent(Service& svc, storage::Txn& txn, const RequestContext& ctx,
                    const storage::SecretRecord& s, int64_t today) {
  Outcome o;
  // GetSecretValue on each secret (aws-compat §1.8); a denial is this
  // secret's Errors[] entry, as AWS reports it.
  o.error = AuthorizeSecret(svc, ctx, s, SmAction("GetSecretValue"));
  if (!o.error.ok()) return o;
  o.error = RequireNotDeleted(s);
  if (!o.error.ok()) return o;
  storage::Row<storage::SecretRecord> primary;
  auto owner = ValueOwner(txn, s, primary);
  if (!owner.ok()) {
    o.error = owner.status();
    return o;
  }
  auto v = txn.GetVersionByStage((*owner)->id, kAwsCurrent);
  if (!v.ok()) {
    o.error = v.status();
    return o;
  }
  if (!*v || !(*v)->has_value) {
    o.error = Status::NotFound(std::string(msg::kResourceNotFound),
                               std::string(msg::kValueNotFoundForStage) + std::string(kAwsCurrent));
    return o;
  }
  JsonWriter w(o.value_json);
  w.StartObject();
  o.error = WriteSecretValue(svc, txn, ctx, s, **v, w);
  if (!o.error.ok()) return o;
  w.EndObject();
  if (s.last_accessed_ms != today || (*v)->last_accessed_ms != today) {
    o.touch_secret = s.id;
    o.touch_version = (*v)->version_id;
  }
  return o;
}

struct Entry {
  std::string secret_id;  // as the caller named it (or the ARN, for Filters)
  Outcome outcome;
};

void WriteResults(const std::vector<Entry>& entries, JsonWriter& out) {
  WriteKey(out, "SecretValues");
  out.StartArray();
  for (const Entry& e : entries)
    if (e.outcome.error.ok())
      out.RawValue(e.outcome.value_json.GetString(), e.outcome.value_json.GetSize(),
                   rapidjson::kObjectType);
  out.EndArray();
  WriteKey(out, "Errors");
  out.StartArray();
  for (const Entry& e : entries) {
    if (e.outcome.error.ok()) continue;
    out.StartObject();
    WriteString(out, "SecretId", e.secret_id);
    WriteString(out, "ErrorCode", e.outcome.error.reason());
    WriteString(out, "Message", e.outcome.error.message());
    out.EndObject();
  }
  out.EndArray();
}

}  // namespace

Status BatchGetSecretValue(Service& svc, const RequestContext& ctx, const JsonValue& in,
                           JsonWriter& out) {
  const JsonValue* ids = JsonMember(in, "SecretIdList");
  const JsonValue* filters = JsonMember(in, "Filters");
  if ((ids == nullptr) == (filters == nullptr))
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kBatchIdsOrFilters));
  if (filters == nullptr && JsonInt(in, "MaxResults"))
    return Status::InvalidArgument(std::string(msg::kInvalidParameter),
                                   std::string(msg::kBatchMaxResultsNeedsFilters));
  if (filters == nullptr && JsonString(in, "NextToken"))
    return Status::InvalidArgument(std::string(msg::kInvalidNextToken),
                                   std::string(msg::kInvalidNextTokenText));
  // The batch action itself has no resource; choosing the secrets by
  // Filters also lists them (aws-compat §1.8).
  COFFER_RETURN_IF_ERROR(AuthorizeUnscoped(ctx, SmAction("BatchGetSecretValue")));
  if (filters != nullptr) COFFER_RETURN_IF_ERROR(AuthorizeUnscoped(ctx, SmAction("ListSecrets")));
  const int64_t today = DayStart(ctx.now_ms);

  std::vector<Entry> entries;
  std::optional<std::string> next_token;
  {
    COFFER_ASSIGN_OR_RETURN(auto txn, svc.store().Begin(storage::TxnMode::kReadCached));
    if (ids != nullptr) {
      for (const std::string& id : JsonStringArray(in, "SecretIdList")) {
        Entry e;
        e.secret_id = id;
        auto s = ResolveSecretRow(*txn, ctx, id);
        if (!s.ok()) {
          if (s.status().code() == StatusCode::kInternal) return s.status();
          e.outcome.error = AuthorizeMissing(ctx, id, SmAction("GetSecretValue"), s.status());
        } else {
          e.outcome = ReadCurrent(svc, *txn, ctx, **s, today);
        }
        if (e.outcome.error.code() == StatusCode::kInternal) return e.outcome.error;
        entries.push_back(std::move(e));
      }
    } else {
      ScanQuery q;
      q.op = "BatchGetSecretValue";
      COFFER_ASSIGN_OR_RETURN(q.filters, ParseFilters(in));
      q.max_results = static_cast<size_t>(
          JsonInt(in, "MaxResults").value_or(static_cast<int64_t>(kDefaultBatchResults)));
      if (auto token = JsonString(in, "NextToken")) q.next_token = std::string(*token);
      COFFER_ASSIGN_OR_RETURN(ScanPage page,
                              ScanSecretsPage(*txn, ctx, svc.options().token_key, q));
      next_token = std::move(page.next_token);
      for (const storage::SecretRecord& s : page.secrets) {
        Entry e;
        e.secret_id = s.arn;
        e.outcome = ReadCurrent(svc, *txn, ctx, s, today);
        if (e.outcome.error.code() == StatusCode::kInternal) return e.outcome.error;
        entries.push_back(std::move(e));
      }
    }
  }  // the read transaction ends here

  // LastAccessedDate, best effort and only when the day changed (as
  // GetSecretValue does): a failed timestamp must not fail the read.
  bool any_touch = false;
  for (const Entry& e : entries) any_touch |= e.outcome.touch_secret != 0;
  if (any_touch) {
    auto txn = svc.store().Begin(storage::TxnMode::kWrite);
    if (txn.ok()) {
      bool ok = true;
      for (const Entry& e : entries)
        if (ok && e.outcome.touch_secret != 0)
          ok = (*txn)->TouchAccessed(e.outcome.touch_secret, e.outcome.touch_version, today).ok();
      if (ok) (void)(*txn)->Commit();
    }
  }
  WriteResults(entries, out);
  if (next_token) WriteString(out, "NextToken", *next_token);
  return Status::Ok();
}

}  // namespace coffer::secrets::internal
