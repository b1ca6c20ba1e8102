// FunctionRegistry: the [functions.NAME] bindings the server was configured
// with, swapped whole on SIGHUP while rotations run (a rotation keeps the
// binding it started its step with).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/thread_annotations.h"
#include "functions/function.h"

namespace coffer::rotation {

class FunctionRegistry {
 public:
  using Map = std::map<std::string, functions::FunctionBinding, std::less<>>;

  void Replace(Map bindings) {
    auto fresh = std::make_shared<const Map>(std::move(bindings));
    MutexLock lock(mu_);
    bindings_ = std::move(fresh);
  }
  // The binding of the function NAME (the last part of its ARN).
  std::optional<functions::FunctionBinding> Find(std::string_view name) const {
    std::shared_ptr<const Map> now = Snapshot();
    auto it = now->find(name);
    if (it == now->end()) return std::nullopt;
    return it->second;
  }
  size_t size() const { return Snapshot()->size(); }

 private:
  std::shared_ptr<const Map> Snapshot() const {
    MutexLock lock(mu_);
    return bindings_;
  }
  mutable Mutex mu_;
  std::shared_ptr<const Map> bindings_ GUARDED_BY(mu_) = std::make_shared<const Map>();
};

}  // namespace coffer::rotation
