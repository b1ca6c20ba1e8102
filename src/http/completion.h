// Completion: the `done` an Offload calls once it has answered a request.
// Calling it hands the request back to its connection's I/O thread (a post to
// the connection's executor), which writes the response.
//
// An Offload that answers many requests at once (the WriteBatcher, after a
// COMMIT) passes them all to PostAll, which posts once per I/O thread for the
// lot. A post each woke the I/O thread (an epoll_ctl and often a context
// switch) up to once per request: 7% of a PutSecretValue profile at 64
// connections was that epoll_ctl (docs/performance.md §6).
//
// A Completion made from a bare callable, without an executor, runs it where
// it is called (tests, and Offloads that answer on the I/O thread).
//
// Thread-safety: a Completion is called once, from any thread; PostAll may
// run concurrently with other PostAll calls on distinct Completions.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

namespace coffer::http {

class Completion {
 public:
  Completion() = default;
  // `respond` will run on `executor`.
  Completion(boost::asio::any_io_executor executor, std::function<void()> respond)
      : executor_(std::move(executor)), respond_(std::move(respond)) {}
  // `fn` will run where the Completion is called.
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Completion> &&
                                              std::is_invocable_v<F&>>>
  Completion(F&& fn)  // NOLINT(google-explicit-constructor): any callable is a `done`
      : respond_(std::forward<F>(fn)) {}

  void operator()();

  // Calls every completion of `completions`: those of one executor run
  // together, in their order, from one post to it.
  static void PostAll(std::vector<Completion> completions);

 private:
  boost::asio::any_io_executor executor_;  // empty: run in place
  std::function<void()> respond_;
};

}  // namespace coffer::http
