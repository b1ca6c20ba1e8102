#include "agent/agent_server.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace coffer::agent {

int AgentIoThreads() {
  // The CPUs this process may run on (taskset, cgroup cpusets), not the
  // machine's: more I/O threads than CPUs only take turns (docs/agent.md).
  int cpus = static_cast<int>(std::thread::hardware_concurrency());
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = CPU_COUNT(&set);
  return std::clamp(cpus, 1, 4);
}

http::Response AgentErrorResponse(int status, std::string_view reason) {
  if (status == 503) return http::Response{429, {}, "Connection limit exceeded"};
  return http::DefaultErrorResponse(status, reason);
}

Result<std::unique_ptr<http::Server>> StartAgentServer(const AgentConfig& config,
                                                       const AgentHandler& handler,
                                                       UpstreamPool& pool) {
  http::ServerOptions options;
  options.host = config.http_address;
  options.port = config.http_port;
  options.threads = AgentIoThreads();
  options.max_connections = config.max_conn;
  options.max_connections_per_address = 0;  // every caller is local
  options.max_body_bytes = 64 * 1024;       // GETs have none
  options.read_timeout = std::chrono::seconds(61);
  options.blocking = [&handler](const http::Request& r) { return handler.NeedsUpstream(r); };
  options.offload = &pool;
  return http::Server::Start(
      options,
      [&handler](const http::Request& request, http::Response& response) {
        handler.Handle(request, response);
      },
      &AgentErrorResponse);
}

}  // namespace coffer::agent
