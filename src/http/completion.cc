#include "http/completion.h"

#include <boost/asio/post.hpp>

namespace coffer::http {

void Completion::operator()() {
  if (!executor_) return respond_();
  boost::asio::post(executor_, std::move(respond_));
}

void Completion::PostAll(std::vector<Completion> completions) {
  // Usually one I/O thread's requests, or a few threads': a linear search for
  // each completion's group is cheaper than a map.
  struct Group {
    boost::asio::any_io_executor executor;
    std::vector<std::function<void()>> responds;
  };
  std::vector<Group> groups;
  for (Completion& c : completions) {
    if (!c.executor_) {
      c.respond_();
      continue;
    }
    Group* group = nullptr;
    for (Group& g : groups) {
      if (g.executor == c.executor_) {
        group = &g;
        break;
      }
    }
    if (group == nullptr) group = &groups.emplace_back(Group{c.executor_, {}});
    group->responds.push_back(std::move(c.respond_));
  }
  for (Group& g : groups) {
    boost::asio::post(g.executor, [responds = std::move(g.responds)]() mutable {
      for (auto& respond : responds) respond();
    });
  }
}

}  // namespace coffer::http
