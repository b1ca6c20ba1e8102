// Prefetch: fills the agent's cache at start with BatchGetSecretValue
// (config keys prefetch_secret_ids, prefetch_name_prefixes, prefetch_tags;
// docs/agent.md), so that the first GET of those secrets is a cache hit.
//   - ids: SecretIdList, 20 per call (the API's limit);
//   - each name prefix: Filters [{name: prefix}], followed through NextToken;
//   - the tags, all at once: Filters [{tag-key: K}, {tag-value: V}] per pair
//     (AWS's filter semantics: prefix matches, and a key and a value need not
//     be the same tag), followed through NextToken.
// Each secret returned is stored as GetSecretValue would have answered it
// (the entry of SecretValues, re-serialized) under the keys of a GET by its
// name and by its ARN with neither versionId nor versionStage, and under
// the id as listed when that names it (a partial ARN too). Paging stops when
// the cache is full. Failures (a call, an Errors[] entry) are logged and
// skipped: prefetch never stops the agent.
//
// Thread-safety: a function; call it before serving, or from any one thread
// (the cache is thread-safe).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/agent_metrics.h"
#include "agent/secret_cache.h"
#include "client/http_client.h"
#include "coffer/result.h"

namespace coffer::agent {

struct PrefetchSpec {
  std::vector<std::string> secret_ids;
  std::vector<std::string> name_prefixes;
  std::vector<std::pair<std::string, std::string>> tags;
  bool empty() const { return secret_ids.empty() && name_prefixes.empty() && tags.empty(); }
};

struct PrefetchReport {
  size_t calls = 0;    // BatchGetSecretValue calls made
  size_t secrets = 0;  // secrets stored
  size_t errors = 0;   // failed calls and Errors[] entries
};

// One BatchGetSecretValue call: the request's JSON body → the answer.
using BatchGetCall = std::function<Result<client::HttpCallResponse>(std::string_view body)>;

// `capacity`: stop paging once this many secrets were stored (the cache's size).
PrefetchReport Prefetch(const BatchGetCall& call, const PrefetchSpec& spec, size_t capacity,
                        SecretCache& cache, AgentMetrics* metrics);

// True when `id` names the secret `name`/`arn`: the name, the ARN, or the
// ARN without its 7-character "-XXXXXX" suffix (a partial ARN).
bool IdNamesSecret(std::string_view id, std::string_view name, std::string_view arn);

}  // namespace coffer::agent
