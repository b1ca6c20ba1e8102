// Authorization of the KMS operations (issue 20): every operation asks
// auth::policy::Authorize whether ctx.caller may perform kms:<Op>. On a key
// the key policy is required (IAM policies count only when it delegates to
// the account through :root); CreateKey, ListKeys, ListAliases and
// GenerateRandom have no resource ("*", IAM policies only); an alias is its own
// resource (arn:aws:kms:REGION:ACCOUNT:alias/NAME, no policy) besides its key
// [docs: Service Authorization Reference, AWS KMS].
//
// Condition keys: kms:CallerAccount, aws:ResourceTag/<key> (the key's tags),
// and what the operation adds (kms:EncryptionContext:<k>,
// kms:EncryptionContextKeys, aws:RequestTag/<key>, aws:TagKeys). kms:ViaService
// is absent: these are direct calls.
//
// One mechanism for AWS managed keys: their policy is AWS's fixed one
// (crypto::DefaultSecretsKeyPolicy, whatever an older Coffer stored), and it
// binds Coffer's own calls too (a null ctx.caller, which is otherwise not
// authorized): they are evaluated as the account's administrator, so only
// kms:Describe*, Get* and List* pass, with AWS's AccessDenied message.
//
// Part of the kms module's internals (namespace internal): for its operation
// files only, not for use outside src/kms.
//
// Thread-safety: free functions; the Service's CompiledPolicyCache is
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/policy/access.h"
#include "coffer/status.h"
#include "common/json.h"
#include "common/request_context.h"
#include "crypto/keyring.h"
#include "kms/service.h"
#include "storage/records.h"

namespace coffer::kms::internal {

using auth::policy::ContextKeys;

// The policy `key` is evaluated with (and GetKeyPolicy shows).
std::string EffectiveKeyPolicy(const storage::KmsKeyRecord& key);

// kms:EncryptionContext:<k> for each pair and kms:EncryptionContextKeys.
void AddEncryptionContextKeys(ContextKeys& keys, const crypto::EncryptionContext& context);
// aws:RequestTag/<key> and aws:TagKeys (CreateKey, TagResource).
void AddRequestTags(ContextKeys& keys, const std::vector<storage::Tag>& tags);

// Authorizes "kms:" + `op` on `key` (see above). AccessDeniedException with
// AWS's message when denied.
Status AuthorizeKey(Service& svc, const RequestContext& ctx, const storage::KmsKeyRecord& key,
                    std::string_view op, ContextKeys* keys = nullptr);

// Authorizes "kms:" + `op` on `resource` ("*" or an alias ARN) with IAM
// policies only. OK for a null caller.
Status AuthorizeWithoutKey(const RequestContext& ctx, std::string_view op,
                           std::string_view resource = "*", ContextKeys* keys = nullptr);

// The policy lockout safety check of CreateKey and PutKeyPolicy [docs:
// API_PutKeyPolicy, BypassPolicyLockoutSafetyCheck]: unless the request sets
// BypassPolicyLockoutSafetyCheck, `policy_text` must allow ctx.caller
// kms:PutKeyPolicy on `key` (with that policy in place).
// MalformedPolicyDocumentException kPolicyLockout otherwise (kPolicyBadPrincipal
// for a principal the IAM grammar cannot read). OK for a null caller.
Status CheckPolicyLockout(Service& svc, const RequestContext& ctx, const JsonValue& in,
                          const storage::KmsKeyRecord& key, std::string_view policy_text);

}  // namespace coffer::kms::internal
