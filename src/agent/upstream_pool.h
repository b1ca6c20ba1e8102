// UpstreamPool: the http::Offload that runs the agent's requests that wait
// for the upstream (AgentHandler::NeedsUpstream) on a few threads of their
// own, so a slow GetSecretValue never holds up an I/O thread's cache hits.
// Stop finishes every queued request (each gets its `done`) and joins.
//
// Thread-safety: Submit may be called from every I/O thread at once; Stop
// from one thread, after the server has stopped submitting.
#pragma once

#include <condition_variable>
#include <deque>
#include <thread>
#include <vector>

#include "agent/handler.h"
#include "common/thread_annotations.h"
#include "http/server.h"

namespace coffer::agent {

class UpstreamPool final : public http::Offload {
 public:
  UpstreamPool(const AgentHandler& handler, int threads);
  ~UpstreamPool() override;
  void Submit(const http::Request& request, http::Response& response,
              http::Completion done) override;
  void Stop() EXCLUDES(mu_);

 private:
  struct Job {
    const http::Request* request = nullptr;
    http::Response* response = nullptr;
    http::Completion done;
  };
  void Run() EXCLUDES(mu_);

  const AgentHandler& handler_;
  Mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace coffer::agent
