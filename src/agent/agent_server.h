// StartAgentServer: the agent's http::Server for a configuration: listens
// on http_address:http_port with AgentIoThreads() I/O threads, admits at
// most max_conn connections (the one over gets AWS's 429 "Connection limit
// exceeded" and is closed), answers
// cache hits and local errors on the I/O threads and hands the requests
// that wait for the upstream to `pool`.
//
// Thread-safety: as http::Server. `handler` and `pool` must outlive it.
#pragma once

#include <memory>

#include "agent/config.h"
#include "agent/handler.h"
#include "agent/upstream_pool.h"
#include "coffer/result.h"
#include "http/server.h"

namespace coffer::agent {

Result<std::unique_ptr<http::Server>> StartAgentServer(const AgentConfig& config,
                                                       const AgentHandler& handler,
                                                       UpstreamPool& pool);

// The number of I/O threads: the CPUs the process may run on, 1 to 4.
int AgentIoThreads();

// The transport's error answers: 503 (too many connections) becomes AWS's
// 429 "Connection limit exceeded"; the others stay plain text.
http::Response AgentErrorResponse(int status, std::string_view reason);

}  // namespace coffer::agent
