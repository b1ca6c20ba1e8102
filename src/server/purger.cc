#include "server/purger.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/log.h"

namespace coffer::server {

Purger::Purger(secrets::Service& svc, kms::Service& kms, std::chrono::seconds interval,
               std::function<bool()> is_leader, std::chrono::milliseconds tick)
    : svc_(svc),
      kms_(kms),
      interval_(interval),
      is_leader_(std::move(is_leader)),
      tick_(tick),
      thread_([this] { Run(); }) {}

Purger::~Purger() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Purger::Round() {
  auto n = svc_.PurgeExpired();
  if (!n.ok())
    LogError("purge failed", {{"error", n.status().ToString()}});
  else if (*n > 0)
    LogInfo("purged secrets past their recovery window", {{"count", std::to_string(*n)}});
  auto keys = kms_.PurgeExpired();
  if (!keys.ok())
    LogError("KMS key purge failed", {{"error", keys.status().ToString()}});
  else if (*keys > 0)
    LogInfo("destroyed KMS keys past their deletion window", {{"count", std::to_string(*keys)}});
  auto rotated = kms_.RotateDue();
  if (!rotated.ok())
    LogError("KMS key rotation failed", {{"error", rotated.status().ToString()}});
  else if (*rotated > 0)
    LogInfo("rotated KMS keys on their schedule", {{"count", std::to_string(*rotated)}});
}

void Purger::Run() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point next = Clock::now();  // the first round at once
  bool led = false;
  MutexLock lock(mu_);
  while (!stop_) {
    const bool leads = !is_leader_ || is_leader_();
    if (leads && (!led || Clock::now() >= next)) {
      lock.Unlock();
      Round();
      lock.Lock();
      next = Clock::now() + interval_;
    }
    led = leads;
    const auto wake = std::min(next, Clock::now() + tick_);
    lock.WaitUntil(cv_, leads ? wake : Clock::now() + tick_,
                   [this]() REQUIRES(mu_) { return stop_; });
  }
}

}  // namespace coffer::server
