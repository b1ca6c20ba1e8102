#include "agent/upstream_pool.h"

#include "agent/upstream.h"

namespace coffer::agent {

UpstreamPool::UpstreamPool(const AgentHandler& handler, int threads) : handler_(handler) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

UpstreamPool::~UpstreamPool() { Stop(); }

void UpstreamPool::Submit(const http::Request& request, http::Response& response,
                          http::Completion done) {
  {
    MutexLock lock(mu_);
    jobs_.push_back(Job{&request, &response, std::move(done)});
  }
  cv_.notify_one();
}

void UpstreamPool::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void UpstreamPool::Run() {
  for (;;) {
    Job job;
    {
      MutexLock lock(mu_);
      lock.Wait(cv_, [this]() REQUIRES(mu_) { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to answer
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      handler_.Handle(*job.request, *job.response);
    } catch (...) {
      job.response->status = 500;
      job.response->body = ErrorBody("InternalFailure", "");
    }
    job.done();
  }
}

}  // namespace coffer::agent
