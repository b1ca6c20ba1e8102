// Purger: the server's periodic background work (issue 2, 11, 24): every
// `interval` it runs secrets::Service::PurgeExpired (secrets past their
// recovery window), kms::Service::PurgeExpired (keys past their deletion
// window) and kms::Service::RotateDue (automatic key rotation) — while
// `is_leader` says this node leads (several nodes over one database run it on
// the leader alone; server/cluster.h). A node that becomes the leader runs a
// round at its next tick.
//
// Thread-safety: one thread of its own; construct and destroy from one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <thread>

#include "common/thread_annotations.h"
#include "kms/service.h"
#include "secrets/service.h"

namespace coffer::server {

class Purger {
 public:
  // `is_leader` null: always. `tick`: how often the leader check is made
  // (the work itself runs every `interval`).
  Purger(secrets::Service& svc, kms::Service& kms, std::chrono::seconds interval,
         std::function<bool()> is_leader = nullptr,
         std::chrono::milliseconds tick = std::chrono::milliseconds(1000));
  ~Purger();
  Purger(const Purger&) = delete;
  Purger& operator=(const Purger&) = delete;

 private:
  void Run();
  void Round();

  secrets::Service& svc_;
  kms::Service& kms_;
  const std::chrono::seconds interval_;
  const std::function<bool()> is_leader_;
  const std::chrono::milliseconds tick_;
  Mutex mu_;
  std::condition_variable cv_;
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace coffer::server
