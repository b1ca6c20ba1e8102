#include "server/audit_record.h"

#include <string_view>

#include "audit/record.h"
#include "auth/policy/access.h"
#include "protocol/query.h"
#include "protocol/target.h"

namespace coffer::server {
namespace {

using protocol::Service;

std::string_view EventSource(Service service) {
  switch (service) {
    case Service::kKms: return "kms.amazonaws.com";
    case Service::kIam: return "iam.amazonaws.com";
    case Service::kSts: return "sts.amazonaws.com";
    case Service::kSecretsManager: break;
  }
  return "secretsmanager.amazonaws.com";
}

// The text between `open` and the next '<' in an XML error body.
std::string_view XmlElement(std::string_view body, std::string_view open) {
  const size_t at = body.find(open);
  if (at == std::string_view::npos) return {};
  const size_t from = at + open.size();
  const size_t to = body.find('<', from);
  return to == std::string_view::npos ? std::string_view() : body.substr(from, to - from);
}

// The principal a SigV4 Authorization header names, for refused requests:
// only its access key id (the claim; nothing is known of its owner).
std::string_view ClaimedAccessKey(const http::Request& request) {
  std::string_view auth = request.Header("Authorization");
  const size_t at = auth.find("Credential=");
  if (at == std::string_view::npos) return {};
  auth.remove_prefix(at + 11);
  return auth.substr(0, auth.find('/'));
}

}  // namespace

void AppendAuditLine(const http::Request& request, const Pipeline::Call* call,
                     const http::Response& response, int64_t now_ms, std::string& line) {
  audit::AuditEvent event;
  event.event_time_ms = now_ms;
  event.source_ip = request.remote_address;
  event.user_agent = request.Header("User-Agent");
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-RequestId") event.request_id = value;
  }

  Service service = Service::kSecretsManager;
  std::string_view op;
  std::string user_id;
  std::string query_action;
  if (call != nullptr) {
    service = call->service;
    op = call->operation;
    const RequestContext& ctx = call->ctx;
    event.aws_region = ctx.region;
    event.request = &call->body;
    event.identity.arn = ctx.principal_arn;
    event.identity.account_id = ctx.account_id;
    event.identity.access_key_id = ctx.access_key_id;
    event.identity.type = "IAMUser";
    if (const auth::policy::Caller* who = ctx.caller.get()) {
      using auth::policy::PrincipalType;
      if (who->principal.type == PrincipalType::kRoot) event.identity.type = "Root";
      if (who->principal.type == PrincipalType::kAssumedRole) {
        event.identity.type = "AssumedRole";
        event.identity.session_issuer_arn = who->principal.role_arn;
      }
      if (const auto* id = who->keys.Find("aws:userid"); id && !id->empty()) {
        user_id = id->front();
        event.identity.principal_id = user_id;
      }
    }
  } else {
    auto target = protocol::DecodeTarget(request.Header("X-Amz-Target"));
    if (target.ok()) {
      service = target->service;
      op = target->operation;
    } else if (auto q = protocol::ParseQueryRequest(request.method, request.target,
                                                    request.Header("Content-Type"), request.body);
               q.ok()) {
      query_action = q->action;
      op = query_action;
      service = request.Header("Authorization").find("/sts/") != std::string_view::npos
                    ? Service::kSts
                    : Service::kIam;
    }
    event.identity.access_key_id = ClaimedAccessKey(request);
  }
  event.event_source = EventSource(service);
  event.event_name = op;
  event.read_only = Pipeline::ReadsOnly(service, op);

  const std::string_view body = response.body;
  std::string error_type, error_message;
  if (response.status >= 300) {
    if (protocol::IsQueryService(service)) {
      event.error_code = XmlElement(body, "<Code>");
      event.error_message = XmlElement(body, "<Message>");
    } else {
      // {"__type":"…","message":"…"}: small, and it holds no secret.
      JsonDocument doc;
      doc.Parse(body.data(), body.size());
      if (!doc.HasParseError() && doc.IsObject()) {
        if (auto t = JsonString(doc, "__type")) error_type = std::string(*t);
        if (auto m = JsonString(doc, "message")) error_message = std::string(*m);
        if (auto m = JsonString(doc, "Message")) error_message = std::string(*m);
      }
      event.error_code = error_type;
      event.error_message = error_message;
    }
  } else if (!event.read_only && !protocol::IsQueryService(service)) {
    event.response_text = body;
  }
  audit::AppendEventJson(event, line);
}

}  // namespace coffer::server
