// The audit record: one CloudTrail-shaped JSON object per request, written as
// one line of the audit trail (audit_log.h).
//
// AuditEvent is what the pipeline knows about a finished request: who called,
// what, from where, the outcome, and views of the request and response JSON.
// AppendEventJson turns it into CloudTrail's event shape (eventVersion 1.08,
// eventType AwsApiCall, userIdentity, requestParameters, responseElements,
// errorCode/errorMessage, requestID, eventID, readOnly, ...), as the AWS
// CloudTrail User Guide's "CloudTrail record contents" describes them.
//
// Where it departs from CloudTrail: requestParameters and responseElements
// keep the wire's member names (SecretId, not CloudTrail's secretId), so a
// record reads like the request that was sent.
//
// Redaction: every member whose name the table in record.cc calls secret
// (SecretString, SecretBinary, Plaintext, SecretAccessKey, SessionToken, any
// *Password*, *PrivateKey*, ...) is written as CloudTrail's own marker
// "HIDDEN_DUE_TO_SECURITY_REASONS", at any depth; large non-secret blobs
// (CiphertextBlob, ...) are left out. Headers are never part of an event, so
// no Authorization header or signature can reach the trail.
//
// Thread-safety: AuditEvent is a plain value holding views (the viewed JSON
// must outlive the call); AppendEventJson is pure and callable from any
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.h"

namespace coffer::audit {

// CloudTrail's marker for a value it will not record.
inline constexpr std::string_view kHiddenMarker = "HIDDEN_DUE_TO_SECURITY_REASONS";

// CloudTrail's userIdentity, as far as Coffer knows it.
struct AuditIdentity {
  std::string_view type;          // "IAMUser", "AssumedRole", "Root", "AWSAccount", ...
  std::string_view principal_id;  // e.g. "AIDA...", or "AROA...:session" for a role session
  std::string_view arn;
  std::string_view account_id;
  std::string_view access_key_id;
  std::string_view user_name;           // IAMUser/Root; empty: taken from the ARN's last segment
  std::string_view session_issuer_arn;  // AssumedRole: the role's ARN (sessionContext)
  std::string_view session_issuer_principal_id;
  int64_t session_created_ms = 0;  // AssumedRole: the session's creation time (0: unknown)
  bool mfa_authenticated = false;
};

struct AuditEvent {
  int64_t event_time_ms = 0;      // when the request was answered (epoch ms, UTC)
  std::string_view event_source;  // "secretsmanager.amazonaws.com", "kms.amazonaws.com", ...
  std::string_view event_name;    // the operation, "GetSecretValue"
  std::string_view aws_region;    // from the SigV4 credential scope
  std::string_view source_ip;     // the peer's address
  std::string_view user_agent;    // the User-Agent header
  AuditIdentity identity;         // type empty: userIdentity is null (unauthenticated)
  std::string_view recipient_account_id;  // empty: identity.account_id
  std::string_view request_id;            // x-amzn-RequestId
  bool read_only = false;
  std::string_view error_code;     // empty: the request succeeded
  std::string_view error_message;  // must be the client-visible message (no internals)

  // The request and response bodies. The parsed documents are preferred;
  // when a pointer is null the text (if any) is parsed. Neither: null.
  // A response is never recorded for a failed request.
  const JsonValue* request = nullptr;
  std::string_view request_text;
  const JsonValue* response = nullptr;
  std::string_view response_text;
};

// Appends the event as one JSON object and '\n' to `line`.
void AppendEventJson(const AuditEvent& event, std::string& line);

// Writes `value` with every secret member redacted as described above
// (exposed for tests and for callers that build their own records).
void WriteRedacted(JsonWriter& w, const JsonValue& value);

// What redaction does with a member of this name (case-insensitive): copy it
// (recursively redacted), write the marker instead of its value, or leave it
// out. The table and its reasons are in record.cc.
enum class MemberRule { kKeep, kHide, kOmit };
MemberRule RuleFor(std::string_view member_name);

}  // namespace coffer::audit
