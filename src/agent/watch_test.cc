#include "agent/watch.h"

#include <gtest/gtest.h>

#include <deque>

namespace coffer::agent {
namespace {

constexpr char kArn[] = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";

std::string Key(const std::string& id) {
  return SecretQuery{id, std::nullopt, std::nullopt}.CacheKey();
}

// Scripted answers; when none is left, a poll blocks until cancelled (a long
// poll with nothing to say). Records the paths asked.
class FakeFeed {
 public:
  void Push(Result<client::HttpCallResponse> answer) {
    MutexLock lock(mu_);
    answers_.push_back(std::move(answer));
    cv_.notify_all();
  }
  void PushFeed(const std::string& changes, const std::string& token, bool reset = false) {
    Push(client::HttpCallResponse{200,
                                  {},
                                  R"({"Changes":[)" + changes + R"(],"NextToken":")" + token +
                                      R"(","Reset":)" + (reset ? "true" : "false") + "}"});
  }
  ChangeWatcher::Poll Poll() {
    return [this](std::string_view path, std::chrono::milliseconds,
                  const std::atomic<bool>* cancel) -> Result<client::HttpCallResponse> {
      MutexLock lock(mu_);
      paths_.emplace_back(path);
      while (answers_.empty()) {
        if (cancel != nullptr && cancel->load()) return Status::Unavailable("Timeout", "cancelled");
        lock.WaitFor(cv_, std::chrono::milliseconds(10), [] { return false; });
      }
      auto a = std::move(answers_.front());
      answers_.pop_front();
      return a;
    };
  }
  std::vector<std::string> paths() {
    MutexLock lock(mu_);
    return paths_;
  }
  // Waits until `n` polls were made (the n-th is then waiting or done).
  bool WaitForPolls(size_t n) {
    for (int i = 0; i < 500; ++i) {
      if (paths().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  Mutex mu_;
  std::condition_variable cv_;
  std::deque<Result<client::HttpCallResponse>> answers_;
  std::vector<std::string> paths_;
};

ChangeWatcher::Options Fast() {
  ChangeWatcher::Options o;
  o.wait = std::chrono::seconds(20);
  o.first_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(20);
  o.unsupported_backoff = std::chrono::milliseconds(30);
  return o;
}

SecureString V(const char* s) { return SecureString(std::string_view(s)); }

TEST(ChangeWatcherTest, NoticesDropTheEntriesOfTheChangedSecretOnly) {
  FakeFeed feed;
  SecretCache cache(100, std::chrono::seconds(300));
  AgentMetrics metrics;
  ChangeWatcher w(feed.Poll(), cache, &metrics, Fast());
  feed.PushFeed("", "run1.0");
  ASSERT_TRUE(w.Subscribe());
  EXPECT_EQ(feed.paths()[0], "/coffer/secret-changes?wait=0");
  cache.Put(Key("db"), V("1"));
  cache.Put(Key(kArn), V("2"));
  cache.Put(Key("arn:aws:secretsmanager:us-east-1:111122223333:secret:db"), V("3"));
  cache.Put(SecretQuery{"db", std::nullopt, std::string("AWSPREVIOUS")}.CacheKey(), V("4"));
  cache.Put(Key("db2"), V("5"));
  cache.Put(Key("other"), V("6"));
  w.Start();
  feed.PushFeed(std::string(R"({"ARN":")") + kArn +
                    R"(","Name":"db","EventName":"PutSecretValue","EventTime":1.5})",
                "run1.1");
  ASSERT_TRUE(feed.WaitForPolls(3));
  EXPECT_EQ(feed.paths()[1], "/coffer/secret-changes?after=run1.0&wait=20");
  EXPECT_EQ(feed.paths()[2], "/coffer/secret-changes?after=run1.1&wait=20");
  EXPECT_EQ(cache.size(), 2u);  // db2 and other
  EXPECT_TRUE(cache.Get(Key("db2")));
  EXPECT_TRUE(cache.Get(Key("other")));
  w.Stop();
  const std::string m = metrics.Render(cache);
  EXPECT_NE(m.find("coffer_agent_watch_changes_total 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("coffer_agent_watch_connected 1\n"), std::string::npos) << m;
}

TEST(ChangeWatcherTest, ResetDropsEverything) {
  FakeFeed feed;
  SecretCache cache(100, std::chrono::seconds(300));
  ChangeWatcher w(feed.Poll(), cache, nullptr, Fast());
  feed.PushFeed("", "run1.0");
  ASSERT_TRUE(w.Subscribe());
  cache.Put(Key("a"), V("1"));
  cache.Put(Key("b"), V("2"));
  w.Start();
  feed.PushFeed("", "run2.0", /*reset=*/true);
  ASSERT_TRUE(feed.WaitForPolls(3));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(feed.paths()[2], "/coffer/secret-changes?after=run2.0&wait=20");
}

TEST(ChangeWatcherTest, FailuresBackOffAndResumeWithTheSameToken) {
  FakeFeed feed;
  SecretCache cache(100, std::chrono::seconds(300));
  AgentMetrics metrics;
  ChangeWatcher w(feed.Poll(), cache, &metrics, Fast());
  feed.PushFeed("", "run1.5");
  ASSERT_TRUE(w.Subscribe());
  cache.Put(Key("a"), V("1"));
  w.Start();
  feed.Push(Status::Unavailable("", "connection refused"));
  feed.Push(client::HttpCallResponse{503, {}, "<html>"});
  feed.PushFeed("", "run1.6");
  ASSERT_TRUE(feed.WaitForPolls(5));
  std::vector<std::string> paths = feed.paths();
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(paths[i], "/coffer/secret-changes?after=run1.5&wait=20");
  EXPECT_EQ(paths[4], "/coffer/secret-changes?after=run1.6&wait=20");
  EXPECT_EQ(cache.size(), 1u);  // the server answered what changed (nothing): no reset
  w.Stop();
  EXPECT_NE(metrics.Render(cache).find("coffer_agent_watch_errors_total 2\n"), std::string::npos);
}

TEST(ChangeWatcherTest, ASubscriptionMadeAfterServingStartedDropsTheCache) {
  FakeFeed feed;
  SecretCache cache(100, std::chrono::seconds(300));
  ChangeWatcher w(feed.Poll(), cache, nullptr, Fast());
  feed.Push(Status::Unavailable("", "connection refused"));
  EXPECT_FALSE(w.Subscribe());
  cache.Put(Key("a"), V("1"));  // served while no subscription existed
  w.Start();
  feed.PushFeed("", "run1.0");
  ASSERT_TRUE(feed.WaitForPolls(3));
  EXPECT_EQ(feed.paths()[1], "/coffer/secret-changes?wait=0");
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ChangeWatcherTest, AServerWithoutTheEndpoint) {
  FakeFeed feed;
  SecretCache cache(100, std::chrono::seconds(300));
  ChangeWatcher w(feed.Poll(), cache, nullptr, Fast());
  feed.Push(client::HttpCallResponse{
      400, {}, R"({"__type":"UnknownOperationException","message":"no such operation"})"});
  EXPECT_FALSE(w.Subscribe());
  feed.Push(client::HttpCallResponse{200, {}, R"({"SecretList":[]})"});  // not a feed
  w.Start();
  ASSERT_TRUE(feed.WaitForPolls(3));  // it keeps trying, slowly
  EXPECT_EQ(feed.paths()[2], "/coffer/secret-changes?wait=0");
}

TEST(ChangeWatcherTest, StopCancelsTheLongPoll) {
  FakeFeed feed;
  SecretCache cache(100, std::chrono::seconds(300));
  ChangeWatcher w(feed.Poll(), cache, nullptr, Fast());
  feed.PushFeed("", "run1.0");
  ASSERT_TRUE(w.Subscribe());
  w.Start();
  ASSERT_TRUE(feed.WaitForPolls(2));  // parked
  auto start = std::chrono::steady_clock::now();
  w.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace coffer::agent
