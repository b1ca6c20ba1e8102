// AgentHandler: the AWS Secrets Manager Agent's local protocol
// (aws-secretsmanager-agent server.rs and parse.rs), checked in AWS's order:
//   1. every path but /ping: an X-Forwarded-For header → 400 "Forwarded";
//      no ssrf_headers header carrying the token → 403 "Bad Token";
//   2. a method other than GET → 405 "Not allowed";
//   3. GET /ping → 200 "healthy";
//      GET /secretsmanager/get?secretId=&versionId=&versionStage=&refreshNow=
//      GET <path_prefix><secretId>?versionId=&versionStage=&refreshNow=
//        (the id is the rest of the path, not percent-decoded, as AWS's);
//      an unknown parameter → 400 "unknown parameter: NAME"; no secretId →
//      400 "missing parameter secretId" (path form: "missing secret ID");
//      refreshNow other than true/false/1/0 (any case) → 400 "invalid
//      refreshNow value"; any other path → 404 "Not found".
//      GET /metrics (Coffer's) → the counters (agent_metrics.h).
//   4. a secret: from the cache unless refreshNow=true, else from the
//      SecretFetcher (upstream.h), whose 200 answers are cached. When the
//      fetch fails transiently (upstream.h) and an expired entry is still
//      within max_stale_seconds, that entry is served with the header
//      X-Coffer-Stale: <age seconds> (not for refreshNow=true, as AWS's);
//      a non-transient error (ResourceNotFound, AccessDenied) drops it.
// Local errors are plain text bodies, as AWS's; upstream errors are JSON.
// Over max_conn connections the transport answers 429 (agent_main.cc).
//
// Thread-safety: Handle and NeedsUpstream may run on several threads at once
// (the cache and the fetcher are thread-safe; the rest is immutable).
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "agent/agent_metrics.h"
#include "agent/config.h"
#include "agent/secret_cache.h"
#include "agent/ssrf_token.h"
#include "agent/upstream.h"
#include "http/message.h"

namespace coffer::agent {

class AgentHandler {
 public:
  // `cache` and `fetcher` must outlive the handler.
  // `metrics` may be null (then the handler counts into its own).
  AgentHandler(const AgentConfig& config, SsrfToken token, SecretCache& cache,
               SecretFetcher& fetcher, AgentMetrics* metrics = nullptr);

  void Handle(const http::Request& request, http::Response& response) const;

  // True when the request will wait for the upstream (a well-formed secret
  // GET that is not a fresh cache hit): what runs off the I/O threads. An
  // entry that expires between this and Handle is fetched inline, on the
  // I/O thread (a window of microseconds, once per entry and TTL).
  bool NeedsUpstream(const http::Request& request) const;

  // Steps 1-3 above: a local answer, or the secret query to serve.
  std::variant<AgentAnswer, SecretQuery> Route(const http::Request& request) const {
    return Route(request, /*log_rejections=*/true);
  }

 private:
  // `log_rejections`: warn about a bad token or X-Forwarded-For (once per
  // request: NeedsUpstream routes quietly, Handle logs).
  std::variant<AgentAnswer, SecretQuery> Route(const http::Request& request,
                                               bool log_rejections) const;

  const std::string path_prefix_;
  const std::vector<std::string> ssrf_headers_;
  const bool ignore_transient_errors_;
  const SsrfToken token_;
  SecretCache& cache_;
  SecretFetcher& fetcher_;
  AgentMetrics own_metrics_;
  AgentMetrics& metrics_;
};

// The header that marks a value served stale: its age in seconds.
inline constexpr char kStaleHeader[] = "X-Coffer-Stale";

// Decodes one application/x-www-form-urlencoded component ('+' is a space,
// %XX a byte; a malformed escape stays as it is).
std::string FormDecode(std::string_view s);

}  // namespace coffer::agent
