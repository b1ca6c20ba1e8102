// The agent's upstream: one GetSecretValue per cache miss, answered the way
// AWS's agent answers it (aws-secretsmanager-agent cache_manager.rs,
// utils.rs err_response; docs/agent.md has the table):
//   2xx                 → 200, the body as the server sent it
//   2xx, not JSON       → 502 {"__type":"ConnectionError", "message":"Response Error"}
//   an AWS JSON error   → its status, {"__type":"<code>", "message":"<message>"}
//                         (code without any "prefix#" or ":suffix"; an empty
//                         message gives {"__type":"InternalFailure"})
//   an error without __type or message → 500 {"__type":"InternalFailure"}
//   deadline passed     → 504 {"__type":"TimeoutError", "message":"Timeout"}
//   connection failure  → 502 {"__type":"ConnectionError", "message":"Read Error"}
//   no credentials      → 500 {"__type":"InternalFailure"} (the cause is logged)
// Each answer says whether the failure is transient (connection, timeout,
// no credentials, 5xx, 429 or a throttling code): what serve-stale covers.
//
// Thread-safety: Fetch may be called from several threads at once.
#pragma once

#include <string>

#include "agent/secret_cache.h"
#include "client/sm_client.h"
#include "coffer/result.h"

namespace coffer::agent {

// What the agent answers: a status and a body. A value type.
struct AgentAnswer {
  int status = 200;
  std::string body;        // a secret on 200: the caller wipes it or hands it on
  bool transient = false;  // an upstream failure that may pass (see above)
};

// Where cache misses go (an interface, so tests can fake the upstream).
// Thread-safety: implementations take Fetch from several threads at once.
class SecretFetcher {
 public:
  virtual ~SecretFetcher() = default;
  virtual AgentAnswer Fetch(const SecretQuery& query) = 0;
};

// GetSecretValue through a SecretsManagerClient, mapped as above.
// Thread-safety: the client is const and each call owns its connection.
class SecretsManagerFetcher final : public SecretFetcher {
 public:
  explicit SecretsManagerFetcher(client::SecretsManagerClient client)
      : client_(std::move(client)) {}
  AgentAnswer Fetch(const SecretQuery& query) override;

 private:
  const client::SecretsManagerClient client_;
};

// The GetSecretValue request body for `query`.
std::string GetSecretValueBody(const SecretQuery& query);
// The agent's answer for GetSecretValue's outcome, as above.
AgentAnswer MapUpstream(const Result<client::HttpCallResponse>& outcome);
// AWS's agent's error body: {"__type":"<code>", "message":"<msg>"}, or
// {"__type":"InternalFailure"} when msg is empty or code is InternalFailure.
std::string ErrorBody(std::string_view code, std::string_view message);
// True for the throttling error codes (ThrottlingException and its kin).
bool IsThrottlingCode(std::string_view code);

}  // namespace coffer::agent
