#include "server/change_feed.h"

#include <algorithm>
#include <charconv>

#include "common/random.h"

namespace coffer::server {
namespace {

// The changes a thread noted inside a write batch, until the batch ends.
struct BatchState {
  const ChangeFeed* feed = nullptr;
  std::vector<ChangeFeed::Change> pending;
};
thread_local BatchState batch_state;

}  // namespace

ChangeFeed::ChangeFeed(size_t retained)
    : retained_(std::max<size_t>(retained, 1)),
      id_(RandomUuid().substr(0, 8)),
      thread_([this] { Run(); }) {}

ChangeFeed::~ChangeFeed() { Shutdown(); }

std::string ChangeFeed::TokenFor(uint64_t sequence) const {
  return id_ + "." + std::to_string(sequence);
}

std::string ChangeFeed::CurrentToken() const {
  MutexLock lock(mu_);
  return TokenFor(last_);
}

void ChangeFeed::Note(Change change) {
  BatchState& b = batch_state;
  if (b.feed == this) {
    b.pending.push_back(std::move(change));
    return;
  }
  std::vector<Change> one;
  one.push_back(std::move(change));
  Publish(std::move(one), true);
}

void ChangeFeed::SetRelay(Relay relay) { relay_ = std::move(relay); }

void ChangeFeed::NoteFromPeer(Change change) {
  std::vector<Change> one;
  one.push_back(std::move(change));
  Publish(std::move(one), false);
}

void ChangeFeed::Reset() {
  {
    MutexLock lock(mu_);
    // A sequence nobody will see: every token up to the current end falls out
    // of the (emptied) window, so it and every parked watcher answer Reset.
    ++last_;
    window_.clear();
  }
  changed_.notify_one();
}

void ChangeFeed::BeginBatch() {
  batch_state.feed = this;
  batch_state.pending.clear();
}

void ChangeFeed::EndBatch(bool committed) {
  BatchState& b = batch_state;
  if (b.feed != this) return;
  b.feed = nullptr;
  std::vector<Change> pending = std::move(b.pending);
  b.pending.clear();
  if (committed && !pending.empty()) Publish(std::move(pending), true);
}

void ChangeFeed::Publish(std::vector<Change> changes, bool relay) {
  if (relay && relay_) relay_(changes);
  {
    MutexLock lock(mu_);
    for (Change& c : changes) {
      c.sequence = ++last_;
      window_.push_back(std::move(c));
      if (window_.size() > retained_) window_.pop_front();
    }
  }
  changed_.notify_one();
}

void ChangeFeed::Watch(std::string_view after, std::chrono::milliseconds wait, Filter filter,
                       Deliver deliver) {
  wait = std::clamp<std::chrono::milliseconds>(wait, std::chrono::milliseconds(0), kMaxWait);
  Answer at_once;
  {
    MutexLock lock(mu_);
    at_once.next_token = TokenFor(last_);
    bool valid = false;
    uint64_t seq = 0;
    if (!after.empty() && !stopping_) {
      const size_t dot = after.find('.');
      const std::string_view id = after.substr(0, dot);
      const std::string_view num = dot == std::string_view::npos ? "" : after.substr(dot + 1);
      const auto parsed = std::from_chars(num.data(), num.data() + num.size(), seq);
      const uint64_t first = window_.empty() ? last_ + 1 : window_.front().sequence;
      valid = id == id_ && !num.empty() && parsed.ec == std::errc() &&
              parsed.ptr == num.data() + num.size() && seq <= last_ && seq + 1 >= first;
    }
    if (valid) {
      watchers_.push_back(
          Watcher{seq, Steady::now() + wait, std::move(filter), std::move(deliver)});
      changed_.notify_one();
      return;
    }
    // No token: the start of a subscription. A token of another run, beyond
    // the end, or older than the window: the watcher may have missed changes.
    at_once.reset = !after.empty();
  }
  deliver(std::move(at_once));
}

void ChangeFeed::Shutdown() {
  {
    MutexLock lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  changed_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ChangeFeed::Run() {
  while (true) {
    std::list<Watcher> work;
    std::vector<Change> snapshot;  // the changes after the oldest watcher's position
    uint64_t last = 0;
    uint64_t first = 0;
    bool stop = false;
    {
      MutexLock lock(mu_);
      while (true) {
        if (stopping_) break;
        Steady::time_point next = Steady::time_point::max();
        bool ready = false;
        for (const Watcher& w : watchers_) {
          if (w.after < last_ || w.deadline <= Steady::now()) ready = true;
          next = std::min(next, w.deadline);
        }
        if (ready) break;
        if (next == Steady::time_point::max()) {
          lock.Wait(changed_);
        } else {
          lock.WaitUntil(changed_, next);
        }
      }
      stop = stopping_;
      work.splice(work.end(), watchers_);
      last = last_;
      first = window_.empty() ? last_ + 1 : window_.front().sequence;
      uint64_t oldest = last;
      for (const Watcher& w : work) oldest = std::min(oldest, w.after);
      for (const Change& c : window_) {
        if (c.sequence > oldest) snapshot.push_back(c);
      }
    }
    const std::string token = TokenFor(last);
    const Steady::time_point now = Steady::now();
    for (auto it = work.begin(); it != work.end();) {
      Watcher& w = *it;
      Answer answer;
      answer.next_token = token;
      bool done = stop || w.deadline <= now;
      if (w.after + 1 < first) {
        answer.reset = true;  // changes it has not seen left the window
        done = true;
      } else {
        for (const Change& c : snapshot) {
          if (c.sequence > w.after && (!w.filter || w.filter(c))) answer.changes.push_back(c);
        }
        if (!answer.changes.empty()) done = true;
      }
      if (done) {
        Deliver deliver = std::move(w.deliver);
        it = work.erase(it);
        deliver(std::move(answer));
      } else {
        w.after = last;  // seen, none visible to it
        ++it;
      }
    }
    if (stop) return;
    MutexLock lock(mu_);
    watchers_.splice(watchers_.end(), work);
  }
}

}  // namespace coffer::server
