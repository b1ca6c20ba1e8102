// Pipeline: one HTTP request → one AWS response, in the protocol of its
// service: JSON 1.1 (Secrets Manager, KMS) or Query/XML (IAM, STS). The
// steps, in order:
//   1. GET /health (liveness) and GET /ready (the store answers) for probes;
//   2. the operation: X-Amz-Target → service and operation
//      (UnknownOperationException); without it, a Query request's Action
//      (form body or query string) → STS or IAM by the models' operations;
//   3. SigV4 verification against the operation's service ("secretsmanager",
//      "kms", "iam", "sts"): the caller's account, principal and region; then
//      the caller's identity for authorization (IdentityResolver);
//   4. body → JSON (SerializationException; Query: the parameters as the
//      input shape's JSON) → model validation;
//   5. the service handler, inside one storage transaction;
//   6. the result or error encoded with x-amzn-RequestId (JSON or XML).
// Regions are namespaces of one deployment: the caller's credential scope
// picks the region the request acts in.
//
// Thread-safety: Handle and TransportError may be called concurrently from
// every I/O thread; the pipeline holds only references to thread-safe parts.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/sigv4/verifier.h"
#include "common/clock.h"
#include "http/message.h"
#include "iam/service.h"
#include "kms/service.h"
#include "protocol/service_model.h"
#include "secrets/service.h"
#include "server/change_feed.h"
#include "server/identity.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "sts/service.h"

namespace coffer::server {

struct PipelineDeps {
  secrets::Service& secrets;
  kms::Service& kms;
  const auth::sigv4::Verifier& verifier;
  const protocol::Models& models;
  const Clock& clock;
  std::string region;  // the default region, reported by /health
  // IAM and STS (Query protocol); null: answered as unknown operations.
  iam::Service* iam = nullptr;
  sts::Service* sts = nullptr;
  // Who the caller is, for authorization (null: no Caller is set, and the
  // services do not authorize; only unit tests of the pipeline do that).
  IdentityResolver* identity = nullptr;
};

class Pipeline {
 public:
  explicit Pipeline(PipelineDeps deps) : deps_(std::move(deps)) {}

  // A request that passed steps 1-4: the caller, the operation and its
  // validated body, ready for step 5 (on the writer thread, for writes).
  // `operation` views the request's X-Amz-Target: the request must outlive it.
  struct Call {
    protocol::Service service = protocol::Service::kSecretsManager;
    // JSON 1.1: views the request's X-Amz-Target; Query: the model's name.
    std::string_view operation;
    RequestContext ctx;  // now_ms is set by Run
    JsonDocument body;   // its strings are wiped with it (a SecretString)
  };

  // All six steps.
  void Handle(const http::Request& request, http::Response& response) const;
  // Steps 1-4: the Call, or nullopt once `response` holds the answer (a
  // probe, or an error: unknown operation, authentication, throttling,
  // malformed or invalid body).
  std::optional<Call> Admit(const http::Request& request, http::Response& response) const;
  // Steps 5-6 for an admitted Call.
  void Run(Call& call, http::Response& response) const;

  // An AWS-shaped answer to a transport failure (malformed HTTP, body too
  // large, too many connections, …), for http::Server's ErrorResponder.
  http::Response TransportError(int status, std::string_view reason) const;

  // Rewrites `response`, which Handle filled, as the InternalServiceError
  // (KMSInternalException for KMS) of a request whose writes did not become
  // durable (`why`: the batch's COMMIT failed, or the handler threw); keeps
  // its x-amzn-RequestId. `store_unavailable` (the batch's COMMIT found the
  // store unreachable: PostgreSQL restarted, its session lost) answers a
  // ServiceUnavailableException (503, retried by the SDKs) instead. For
  // WriteOffload.
  void Unacknowledged(const http::Request& request, http::Response& response, const Status& why,
                      bool store_unavailable = false) const;

  // True for requests that may wait on a durable write (every operation
  // that changes state), which the HTTP server hands to its Offload (the
  // WriteOffload) so that they share the writer thread's COMMIT
  // (server/write_batcher.h). Reads
  // (Get*, Describe*, List*, BatchGet*, Validate*, and KMS's Encrypt,
  // Decrypt, ReEncrypt, Generate*) and anything unparseable stay inline.
  static bool MayBlock(const http::Request& request);
  // Whether `op` of `service` only reads (CloudTrail's readOnly): what
  // MayBlock and the audit record decide by.
  static bool ReadsOnly(protocol::Service service, std::string_view op);
  // GET /health, GET /ready, GET /metrics and the console's static files (any method
  // but POST, which is always an API call, under /console/): answered inline without a caller, not
  // audited.
  static bool IsProbe(const http::Request& request);

  // Per-account request rate (issue #4): checked right after SigV4
  // verification; over the rate → ThrottlingException. Null = unlimited.
  void SetRateLimiter(RateLimiter* limiter) { rate_limiter_ = limiter; }
  // GET /metrics answers metrics->Render() (issue 25); null = 404-like
  // (the request goes on as an API call and fails as one).
  void SetMetrics(const Metrics* metrics) { metrics_ = metrics; }
  // Changes of secrets are noted in `feed`, and GET /coffer/secret-changes
  // long-polls it (issue 23; secret_changes.cc). Null = neither.
  void SetChangeFeed(ChangeFeed* feed) { feed_ = feed; }
  // The operation name of an admitted GET /coffer/secret-changes.
  static constexpr std::string_view kWatchOperation = "CofferWatchSecretChanges";
  static bool IsWatchRequest(const http::Request& request);
  // Parks an admitted watch in the feed; `answered` is called once
  // `response` holds its answer (from the feed's thread, or at once).
  void Watch(std::shared_ptr<Call> call, http::Response& response,
             std::function<void()> answered) const;

  // GET /ready answers 503 while `draining()` is true (a graceful stop has
  // begun), so a load balancer stops sending before the listener closes.
  void SetDraining(std::function<bool()> draining) { draining_ = std::move(draining); }

 private:
  // secret_changes.cc: the watch's input from its query string ("after",
  // "wait"); the change a successful write made, into feed_; whether the
  // caller may DescribeSecret the changed secret.
  static Result<JsonDocument> WatchInput(std::string_view target);
  void NoteChange(const Call& call, std::string_view output_json) const;
  bool MayDescribe(const Call& call, const ChangeFeed::Change& change) const;
  // A 200 with `json`, or `status`'s error, for `call` (framed as Run does).
  static void AnswerJson(const Call& call, std::string_view json, http::Response& response);
  static void AnswerError(const Call& call, const Status& status, http::Response& response);

  PipelineDeps deps_;
  RateLimiter* rate_limiter_ = nullptr;
  const Metrics* metrics_ = nullptr;
  ChangeFeed* feed_ = nullptr;
  std::function<bool()> draining_;
};

}  // namespace coffer::server
