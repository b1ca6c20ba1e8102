// RotationRuntime: the server's share of rotation (issue 21). It owns the
// [functions.NAME] registry (reloaded from the configuration file on
// SIGHUP) and the rotation engine, gives the engine the credentials a
// function runs with (STS, the binding's role assumed by
// lambda.amazonaws.com) and Coffer's own URL, and connects RotateSecret's
// hooks (secrets::ServiceOptions) to the engine.
//
// Order: Hook() before the secrets::Service is made; Start() once the
// listener's URL is known; Stop() before the store closes. A RotateSecret
// that arrives before Start() answers as AWS does when it cannot invoke the
// function.
//
// Thread-safety: the hooks may run on any thread; Start/Reload/Stop are
// called by the main thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "rotation/engine.h"
#include "rotation/function_registry.h"
#include "secrets/service.h"
#include "server/config.h"
#include "sts/service.h"

namespace coffer::server {

class RotationRuntime {
 public:
  explicit RotationRuntime(const Config& config);
  ~RotationRuntime();

  void Hook(secrets::ServiceOptions& options);
  // `listener_url`: http(s)://HOST:PORT the server listens on. `is_leader`:
  // whether the scheduler may run now (several nodes; null: always).
  void Start(secrets::Service& secrets, sts::Service& sts, const std::string& listener_url,
             std::function<bool()> is_leader = nullptr);
  // Reads the configuration file again and swaps in its [functions]; on an
  // error the bindings in use stay.
  void Reload();
  void Stop();

  // The URL functions are told to call: the configured one, or the
  // listener's with a loopback host for a wildcard listen address.
  static std::string FunctionEndpoint(const Config& config, const std::string& listener_url);

 private:
  const Config& config_;
  rotation::FunctionRegistry registry_;
  std::unique_ptr<rotation::RotationEngine> engine_;
  std::atomic<rotation::RotationEngine*> live_{nullptr};  // what the hooks see
};

}  // namespace coffer::server
