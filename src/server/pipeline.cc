#include "server/pipeline.h"

#include <openssl/crypto.h>

#include <initializer_list>

#include "common/log.h"
#include "common/random.h"
#include "console/console.h"
#include "protocol/aws_error.h"
#include "protocol/json_body.h"
#include "protocol/query.h"
#include "protocol/target.h"

namespace coffer::server {
namespace {

using protocol::Service;

constexpr size_t kRetainedResponseBytes = 64 * 1024;

// `response` comes with empty headers and body whose capacity the
// connection keeps from request to request: assigning into it allocates
// nothing once the connection has answered a response as large.
void Frame(http::Response& response, std::string_view request_id, int status,
           std::string_view body) {
  response.status = status;
  response.body.assign(body);
  for (const protocol::Header& h : protocol::ResponseHeaders(request_id))
    response.headers.emplace_back(h.name, h.value);
}

void FrameQuery(http::Response& response, std::string_view request_id, int status,
                std::string_view body) {
  response.status = status;
  response.body.assign(body);
  for (const protocol::Header& h : protocol::QueryResponseHeaders(request_id))
    response.headers.emplace_back(h.name, h.value);
}

void Fail(http::Response& response, std::string_view request_id, const Status& status,
          Service service, std::string_view op) {
  protocol::EncodedError e = protocol::IsQueryService(service)
                                 ? protocol::EncodeQueryError(status, service, request_id)
                                 : protocol::EncodeError(status, service);
  if (e.http_status >= 500) {
    LogError("request failed", {{"request_id", request_id},
                                {"operation", op},
                                {"type", e.type},
                                {"error", status.ToString()}});
  } else if (LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "request rejected",
        {{"request_id", request_id}, {"operation", op}, {"type", e.type}});
  }
  if (protocol::IsQueryService(service)) {
    FrameQuery(response, request_id, e.http_status, e.body);
  } else {
    Frame(response, request_id, e.http_status, e.body);
  }
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// A request of the Query protocol: no X-Amz-Target, and a form body or an
// Action in the query string.
bool IsQueryRequest(const http::Request& request) {
  if (!request.Header("X-Amz-Target").empty()) return false;
  const std::string_view type = request.Header("Content-Type");
  if (type.starts_with("application/x-www-form-urlencoded")) return true;
  const size_t q = request.target.find('?');
  return q != std::string::npos && request.target.find("Action=", q) != std::string::npos;
}

// The headers a JSON 1.1 request takes its meaning from: X-Amz-Target names
// the operation and Content-Type the protocol. Every AWS SDK signs both; a
// signature that leaves them out would let whoever holds the request replay
// it as another operation (issue #18 item 1), so it is refused.
constexpr std::string_view kJsonMustSign[] = {"Content-Type", "X-Amz-Target"};

}  // namespace

void Pipeline::Handle(const http::Request& request, http::Response& response) const {
  if (std::optional<Call> call = Admit(request, response)) Run(*call, response);
}

std::optional<Pipeline::Call> Pipeline::Admit(const http::Request& request,
                                              http::Response& response) const {
  std::string request_id = RandomUuid();

  if (request.method != "POST") {
    const std::string_view path = PathOf(request.target);
    if (console::IsConsolePath(path)) {
      console::Serve(request, path, response);
      return std::nullopt;
    }
  }
  if (request.method == "GET") {
    std::string_view path = PathOf(request.target);
    if (path == "/health") {
      response.headers.emplace_back("Content-Type", "application/json");
      response.body = "{\"status\":\"ok\",\"region\":\"" + deps_.region + "\"}";
      return std::nullopt;
    }
    if (path == "/metrics" && metrics_ != nullptr) {
      response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      response.body = metrics_->Render();
      return std::nullopt;
    }
    if (path == "/ready") {
      response.headers.emplace_back("Content-Type", "application/json");
      if (draining_ && draining_()) {
        response.status = 503;
        response.body = "{\"status\":\"draining\"}";
        return std::nullopt;
      }
      auto txn = deps_.secrets.store().Begin(storage::TxnMode::kRead);
      if (!txn.ok()) {
        response.status = 503;
        response.body = "{\"status\":\"unavailable\"}";
      } else {
        response.body = "{\"status\":\"ready\"}";
      }
      return std::nullopt;
    }
  }

  Service service = Service::kSecretsManager;
  std::string_view op;
  protocol::QueryRequest query;
  const bool watch = IsWatchRequest(request);
  const bool is_query =
      !watch && IsQueryRequest(request) && deps_.iam != nullptr && deps_.sts != nullptr;
  if (watch) {
    op = kWatchOperation;
  } else if (is_query) {
    auto parsed = protocol::ParseQueryRequest(request.method, request.target,
                                              request.Header("Content-Type"), request.body);
    if (!parsed.ok()) {
      Fail(response, request_id, parsed.status(), Service::kIam, "");
      return std::nullopt;
    }
    query = std::move(parsed).value();
    // STS and IAM have no operation name in common: the models say which.
    auto sts_op = protocol::ResolveQueryAction(deps_.models.Of(Service::kSts), query);
    if (sts_op.ok()) {
      service = Service::kSts;
      op = *sts_op;
    } else {
      auto iam_op = protocol::ResolveQueryAction(deps_.models.Of(Service::kIam), query);
      if (!iam_op.ok()) {
        Fail(response, request_id, iam_op.status(), Service::kIam, "");
        return std::nullopt;
      }
      service = Service::kIam;
      op = *iam_op;
    }
  } else {
    auto target = protocol::DecodeTarget(request.Header("X-Amz-Target"));
    if (!target.ok()) {
      Fail(response, request_id, target.status(), Service::kSecretsManager, "");
      return std::nullopt;
    }
    service = target->service;
    op = target->operation;
  }

  auth::sigv4::HttpRequestView view{request.method, request.target, &request.headers, request.body};
  // Query requests take their meaning from the body (signed through its
  // hash) or the query string (signed itself).
  // A watch is a GET whose meaning is its signed query string.
  auto caller = is_query || watch
                    ? deps_.verifier.Verify(view, protocol::SigningName(service))
                    : deps_.verifier.Verify(view, protocol::SigningName(service), kJsonMustSign);
  if (!caller.ok()) {
    Fail(response, request_id, caller.status(), service, op);
    return std::nullopt;
  }
  if (rate_limiter_ && !rate_limiter_->Allow(caller->account_id, deps_.clock.NowMillis())) {
    Fail(response, request_id, Status::ResourceExhausted("ThrottlingException", "Rate exceeded"),
         service, op);
    return std::nullopt;
  }
  std::shared_ptr<const auth::policy::Caller> identity;
  if (deps_.identity != nullptr) {
    RequestOrigin origin{request.remote_address, request.tls, deps_.clock.NowMillis()};
    auto resolved = deps_.identity->Resolve(*caller, origin);
    if (!resolved.ok()) {
      Fail(response, request_id, resolved.status(), service, op);
      return std::nullopt;
    }
    identity = std::move(resolved).value();
  }

  auto body = watch      ? WatchInput(request.target)
              : is_query ? protocol::QueryToJson(deps_.models.Of(service), op, query)
                         : protocol::ParseRequestBody(request.body);
  if (!body.ok()) {
    Fail(response, request_id, body.status(), service, op);
    return std::nullopt;
  }
  if (Status v = watch ? Status::Ok() : deps_.models.Of(service).ValidateInput(op, *body);
      !v.ok()) {
    Fail(response, request_id, v, service, op);
    return std::nullopt;
  }

  std::optional<Call> call(std::in_place);
  call->service = service;
  call->operation = op;
  call->body = std::move(body).value();
  RequestContext& ctx = call->ctx;
  ctx.request_id = std::move(request_id);
  ctx.account_id = std::move(caller->account_id);
  ctx.region = std::move(caller->region);
  ctx.principal_arn = std::move(caller->principal_arn);
  ctx.access_key_id = std::move(caller->access_key_id);
  ctx.caller = std::move(identity);
  return call;
}

void Pipeline::Run(Call& call, http::Response& response) const {
  // The time of the change, not of admission: a Call may wait for the writer.
  call.ctx.now_ms = deps_.clock.NowMillis();
  // One buffer per thread, reused: a response is written without growing a
  // fresh buffer (two reallocations for a GetSecretValue) and copied once,
  // into the connection's body. It is wiped after each response (a
  // GetSecretValue's holds the value), and released when a large one grew it.
  thread_local JsonBuffer buffer;
  buffer.Clear();
  struct Release {
    ~Release() {
      OPENSSL_cleanse(const_cast<char*>(buffer.GetString()), buffer.GetSize());
      const bool large = buffer.GetSize() > kRetainedResponseBytes;
      buffer.Clear();
      if (large) buffer.ShrinkToFit();  // empty: frees it
    }
  } release;
  JsonWriter writer(buffer);
  Status status;
  switch (call.service) {
    case Service::kKms:
      status = deps_.kms.Handle(call.operation, call.ctx, call.body, writer);
      break;
    case Service::kIam:
      status = deps_.iam->Handle(call.operation, call.ctx, call.body, writer);
      break;
    case Service::kSts:
      status = deps_.sts->Handle(call.operation, call.ctx, call.body, writer);
      break;
    case Service::kSecretsManager:
      status = deps_.secrets.Handle(call.operation, call.ctx, call.body, writer);
      break;
  }
  if (call.service == Service::kIam && deps_.identity != nullptr &&
      !ReadsOnly(Service::kIam, call.operation)) {
    deps_.identity->Changed();  // this process's cached principals may be stale
  }
  if (!status.ok()) {
    Fail(response, call.ctx.request_id, status, call.service, call.operation);
    return;
  }
  const std::string_view json(buffer.GetString(), buffer.GetSize());
  if (feed_ != nullptr && call.service == Service::kSecretsManager &&
      !ReadsOnly(call.service, call.operation)) {
    NoteChange(call, json);
  }
  if (protocol::IsQueryService(call.service)) {
    JsonDocument output;  // wiped when freed (an access key's secret)
    output.Parse(json.data(), json.size());
    FrameQuery(response, call.ctx.request_id, 200,
               protocol::EncodeQueryResponse(deps_.models.Of(call.service), call.operation, output,
                                             call.ctx.request_id));
    return;
  }
  Frame(response, call.ctx.request_id, 200, json);
}

void Pipeline::AnswerJson(const Call& call, std::string_view json, http::Response& response) {
  Frame(response, call.ctx.request_id, 200, json);
}

void Pipeline::AnswerError(const Call& call, const Status& status, http::Response& response) {
  Fail(response, call.ctx.request_id, status, call.service, call.operation);
}

void Pipeline::Unacknowledged(const http::Request& request, http::Response& response,
                              const Status& why, bool store_unavailable) const {
  std::string request_id;
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-RequestId") request_id = value;
  }
  if (request_id.empty()) request_id = RandomUuid();
  auto target = protocol::DecodeTarget(request.Header("X-Amz-Target"));
  Service service = target.ok() ? target->service : Service::kSecretsManager;
  const std::string_view op = target.ok() ? target->operation : std::string_view();
  if (IsQueryRequest(request)) service = Service::kIam;  // IAM's writes are the Query ones
  response.headers.clear();
  if (store_unavailable) {
    // The store was unreachable at COMMIT (PostgreSQL restarted, the session
    // lost; issue 24): a 503 the SDKs retry; the request may or may not have
    // applied, which a retry with the same ClientRequestToken resolves.
    LogWarn("write not acknowledged: the store is unavailable",
            {{"request_id", request_id}, {"error", why.ToString()}});
    Fail(response, request_id,
         Status::Unavailable("",
                             "the service is unavailable; the request may not have been "
                             "applied: retry it"),
         service, op);
    return;
  }
  // An Internal status: the answer is the service's internal error, whose
  // text names no detail of `why` (which is logged).
  Fail(response, request_id, Status::Internal(why.ToString()), service, op);
}

bool Pipeline::IsProbe(const http::Request& request) {
  if (request.method == "POST") return false;
  const std::string_view path = PathOf(request.target);
  if (console::IsConsolePath(path)) return true;
  return request.method == "GET" && (path == "/health" || path == "/ready" || path == "/metrics");
}

bool Pipeline::MayBlock(const http::Request& request) {
  if (IsWatchRequest(request)) return true;  // parked until a change or its wait ends
  if (IsQueryRequest(request)) {
    // IAM's writes; STS writes nothing (its credentials are sealed tokens).
    auto query = protocol::ParseQueryRequest(request.method, request.target,
                                             request.Header("Content-Type"), request.body);
    if (!query.ok()) return false;
    const std::string_view action = query->action;
    if (action == "AssumeRole" || action == "GetCallerIdentity" || action == "GetSessionToken") {
      return false;
    }
    return !ReadsOnly(Service::kIam, action);
  }
  auto target = protocol::DecodeTarget(request.Header("X-Amz-Target"));
  if (!target.ok()) return false;
  return !ReadsOnly(target->service, target->operation);
}

bool Pipeline::ReadsOnly(protocol::Service service, std::string_view op) {
  auto starts_with_any = [op](std::initializer_list<std::string_view> prefixes) {
    for (std::string_view p : prefixes) {
      if (op.starts_with(p)) return true;
    }
    return false;
  };
  switch (service) {
    case Service::kSts: return true;  // its credentials are sealed tokens: nothing is stored
    case Service::kIam: return starts_with_any({"Get", "List", "Simulate"});
    case Service::kSecretsManager:
    case Service::kKms: break;
  }
  return starts_with_any({"Get", "Describe", "List", "BatchGet", "Validate", "Encrypt", "Decrypt",
                          "ReEncrypt", "Generate", "CofferWatch"});
}

http::Response Pipeline::TransportError(int status, std::string_view reason) const {
  http::Response response;
  const std::string request_id = RandomUuid();
  protocol::EncodedError e = protocol::EncodeTransportError(status, reason);
  Frame(response, request_id, status, e.body);
  return response;
}

}  // namespace coffer::server
