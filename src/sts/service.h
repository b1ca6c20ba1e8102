// sts::Service: the AWS STS operations Coffer serves (Query protocol; the
// protocol layer turns the form parameters into the input shape's JSON and
// the JSON written here into XML): GetCallerIdentity, AssumeRole and
// GetSessionToken. Temporary credentials are SessionTokens (stateless, sealed
// by the root key).
//
// AssumeRole is authorized as AWS does: the role's trust policy is the
// resource policy and must allow (naming the caller, or its account, which
// then needs the caller's identity policy to allow sts:AssumeRole), with
// sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity, aws:RequestTag/…
// and aws:TagKeys; session tags need sts:TagSession and a source identity
// sts:SetSourceIdentity on the same terms.
//
// Thread-safety: Handle may be called concurrently from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/policy/access.h"
#include "coffer/status.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/request_context.h"
#include "storage/store.h"
#include "sts/session_tokens.h"

namespace coffer::sts {

// What AssumeRole needs to know of a role (the iam module finds it).
struct RoleInfo {
  std::string account_id;
  std::string name;
  std::string id;   // AROA…
  std::string arn;  // arn:aws:iam::ACCOUNT:role/PATH/NAME
  std::string trust_policy;
  int64_t max_session_seconds = 3600;
  std::vector<std::pair<std::string, std::string>> tags;
};

struct ServiceOptions {
  // The role an ARN names, or nullopt when there is none.
  std::function<Result<std::optional<RoleInfo>>(storage::Txn&, std::string_view role_arn)>
      find_role;
  // The caller's unique id for GetCallerIdentity's UserId and aws:userid:
  // AIDA… for a user, "AROA…:SESSION" for a role session, the account id
  // for root.
  std::function<std::string(const RequestContext&)> user_id;
};

class Service {
 public:
  Service(storage::Store& store, const SessionTokens& tokens, const Clock& clock,
          ServiceOptions options);

  // `op` is the Query Action, e.g. "AssumeRole".
  Status Handle(std::string_view op, const RequestContext& ctx, const JsonValue& input,
                JsonWriter& out);

  // Handlers (public for the dispatch table).
  Status GetCallerIdentity(const RequestContext& ctx, const JsonValue& in, JsonWriter& out);
  Status AssumeRole(const RequestContext& ctx, const JsonValue& in, JsonWriter& out);
  Status GetSessionToken(const RequestContext& ctx, const JsonValue& in, JsonWriter& out);

  // An AWS service principal (e.g. "lambda.amazonaws.com") assumes a role, as
  // Lambda does for the function it runs (the rotation engine, issue 21): the
  // role's trust policy must allow that principal sts:AssumeRole; no identity
  // policy is involved. The session is named `session_name` and lasts
  // `seconds` (900 up to the role's maximum). AccessDenied otherwise, also
  // for a role that does not exist.
  Result<IssuedCredentials> AssumeRoleForService(std::string_view service_principal,
                                                 std::string_view role_arn,
                                                 std::string_view session_name, int64_t seconds);

 private:
  storage::Store& store_;
  const SessionTokens& tokens_;
  const Clock& clock_;
  // The role session's credentials (AssumeRole, AssumeRoleForService):
  // `claims` comes with the session's policies and tags and leaves complete
  // (the role's tags merged in, names and times set).
  Result<IssuedCredentials> IssueRoleSession(const RoleInfo& role, std::string_view session,
                                             int64_t seconds, auth::sigv4::SessionClaims& claims,
                                             std::string* session_arn);

  ServiceOptions options_;
  auth::policy::CompiledPolicyCache policies_;
};

}  // namespace coffer::sts
