#include "server/pipeline.h"

#include <openssl/crypto.h>

#include "common/log.h"
#include "common/random.h"
#include "protocol/aws_error.h"
#include "protocol/json_body.h"
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

void Fail(http::Response& response, std::string_view request_id, const Status& status,
          Service service, std::string_view op) {
  protocol::EncodedError e = protocol::EncodeError(status, service);
  if (e.http_status >= 500) {
    LogError("request failed", {{"request_id", request_id},
                                {"operation", op},
                                {"type", e.type},
                                {"error", status.ToString()}});
  } else if (LogEnabled(LogLevel::kDebug)) {
    Log(LogLevel::kDebug, "request rejected",
        {{"request_id", request_id}, {"operation", op}, {"type", e.type}});
  }
  Frame(response, request_id, e.http_status, e.body);
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// The signing name of each service, as in the models' sigv4 trait.
std::string_view SigningName(Service service) {
  return service == Service::kKms ? "kms" : "secretsmanager";
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

  if (request.method == "GET") {
    std::string_view path = PathOf(request.target);
    if (path == "/health") {
      response.headers.emplace_back("Content-Type", "application/json");
      response.body = "{\"status\":\"ok\",\"region\":\"" + deps_.region + "\"}";
      return std::nullopt;
    }
    if (path == "/ready") {
      auto txn = deps_.secrets.store().Begin(storage::TxnMode::kRead);
      response.headers.emplace_back("Content-Type", "application/json");
      if (!txn.ok()) {
        response.status = 503;
        response.body = "{\"status\":\"unavailable\"}";
      } else {
        response.body = "{\"status\":\"ready\"}";
      }
      return std::nullopt;
    }
  }

  auto target = protocol::DecodeTarget(request.Header("X-Amz-Target"));
  if (!target.ok()) {
    Fail(response, request_id, target.status(), Service::kSecretsManager, "");
    return std::nullopt;
  }
  const Service service = target->service;
  const std::string_view op = target->operation;

  auth::sigv4::HttpRequestView view{request.method, request.target, &request.headers, request.body};
  auto caller = deps_.verifier.Verify(view, SigningName(service), kJsonMustSign);
  if (!caller.ok()) {
    Fail(response, request_id, caller.status(), service, op);
    return std::nullopt;
  }
  if (rate_limiter_ && !rate_limiter_->Allow(caller->account_id, deps_.clock.NowMillis())) {
    Fail(response, request_id, Status::ResourceExhausted("ThrottlingException", "Rate exceeded"),
         service, op);
    return std::nullopt;
  }

  auto body = protocol::ParseRequestBody(request.body);
  if (!body.ok()) {
    Fail(response, request_id, body.status(), service, op);
    return std::nullopt;
  }
  if (Status v = deps_.models.Of(service).ValidateInput(op, *body); !v.ok()) {
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
  Status status = call.service == Service::kKms
                      ? deps_.kms.Handle(call.operation, call.ctx, call.body, writer)
                      : deps_.secrets.Handle(call.operation, call.ctx, call.body, writer);
  if (!status.ok()) {
    Fail(response, call.ctx.request_id, status, call.service, call.operation);
    return;
  }
  Frame(response, call.ctx.request_id, 200, std::string_view(buffer.GetString(), buffer.GetSize()));
}

void Pipeline::Unacknowledged(const http::Request& request, http::Response& response,
                              const Status& why) const {
  std::string request_id;
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-RequestId") request_id = value;
  }
  if (request_id.empty()) request_id = RandomUuid();
  auto target = protocol::DecodeTarget(request.Header("X-Amz-Target"));
  const Service service = target.ok() ? target->service : Service::kSecretsManager;
  const std::string_view op = target.ok() ? target->operation : std::string_view();
  response.headers.clear();
  // An Internal status: the answer is the service's internal error, whose
  // text names no detail of `why` (which is logged).
  Fail(response, request_id, Status::Internal(why.ToString()), service, op);
}

bool Pipeline::MayBlock(const http::Request& request) {
  auto target = protocol::DecodeTarget(request.Header("X-Amz-Target"));
  if (!target.ok()) return false;
  const std::string_view op = target->operation;
  for (std::string_view read : {"Get", "Describe", "List", "BatchGet", "Validate", "Encrypt",
                                "Decrypt", "ReEncrypt", "Generate"}) {
    if (op.starts_with(read)) return false;
  }
  return true;
}

http::Response Pipeline::TransportError(int status, std::string_view reason) const {
  http::Response response;
  const std::string request_id = RandomUuid();
  protocol::EncodedError e = protocol::EncodeTransportError(status, reason);
  Frame(response, request_id, status, e.body);
  return response;
}

}  // namespace coffer::server
