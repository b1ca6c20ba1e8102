#include "server/change_feed.h"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

namespace coffer::server {
namespace {

using std::chrono::milliseconds;

ChangeFeed::Change Put(const std::string& name) {
  ChangeFeed::Change c;
  c.account_id = "111122223333";
  c.region = "us-east-1";
  c.name = name;
  c.arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:" + name + "-AbCdEf";
  c.event = "PutSecretValue";
  return c;
}

// Watches and returns the answer (waiting at most 5 s for it).
ChangeFeed::Answer WatchFor(ChangeFeed& feed, const std::string& after, milliseconds wait,
                            ChangeFeed::Filter filter = nullptr,
                            std::function<void()> meanwhile = nullptr) {
  std::promise<ChangeFeed::Answer> answered;
  auto future = answered.get_future();
  feed.Watch(after, wait, std::move(filter),
             [&answered](ChangeFeed::Answer a) { answered.set_value(std::move(a)); });
  if (meanwhile) meanwhile();
  EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  return future.get();
}

TEST(ChangeFeedTest, WithoutATokenTheAnswerIsTheCurrentPosition) {
  ChangeFeed feed;
  feed.Note(Put("a"));
  ChangeFeed::Answer a = WatchFor(feed, "", milliseconds(5000));
  EXPECT_TRUE(a.changes.empty());
  EXPECT_FALSE(a.reset);
  EXPECT_EQ(a.next_token, feed.CurrentToken());
}

TEST(ChangeFeedTest, AWatcherGetsTheNextChangeAsSoonAsItIsPublished) {
  ChangeFeed feed;
  const std::string start = feed.CurrentToken();
  const auto t0 = std::chrono::steady_clock::now();
  ChangeFeed::Answer a = WatchFor(feed, start, milliseconds(10000), nullptr, [&feed] {
    std::this_thread::sleep_for(milliseconds(50));
    feed.Note(Put("db"));
  });
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  ASSERT_EQ(a.changes.size(), 1u);
  EXPECT_EQ(a.changes[0].name, "db");
  EXPECT_EQ(a.changes[0].event, "PutSecretValue");
  EXPECT_NE(a.next_token, start);
  // From the new token: nothing new, the wait ends empty.
  ChangeFeed::Answer b = WatchFor(feed, a.next_token, milliseconds(50));
  EXPECT_TRUE(b.changes.empty());
  EXPECT_EQ(b.next_token, a.next_token);
  // Changes published before the watch are answered at once.
  feed.Note(Put("x"));
  feed.Note(Put("y"));
  ChangeFeed::Answer c = WatchFor(feed, a.next_token, milliseconds(10000));
  ASSERT_EQ(c.changes.size(), 2u);
  EXPECT_EQ(c.changes[1].name, "y");
}

TEST(ChangeFeedTest, TheFilterHidesWhatTheCallerMayNotSee) {
  ChangeFeed feed;
  const std::string start = feed.CurrentToken();
  auto only_public = [](const ChangeFeed::Change& c) { return c.name.starts_with("public/"); };
  feed.Note(Put("private/key"));
  ChangeFeed::Answer a = WatchFor(feed, start, milliseconds(100), only_public);
  EXPECT_TRUE(a.changes.empty());
  EXPECT_NE(a.next_token, start);  // moved past what it may not see
  feed.Note(Put("private/other"));
  feed.Note(Put("public/cert"));
  ChangeFeed::Answer b = WatchFor(feed, a.next_token, milliseconds(5000), only_public);
  ASSERT_EQ(b.changes.size(), 1u);
  EXPECT_EQ(b.changes[0].name, "public/cert");
}

TEST(ChangeFeedTest, ABatchPublishesOnlyWhenItCommits) {
  ChangeFeed feed;
  const std::string start = feed.CurrentToken();
  feed.BeginBatch();
  feed.Note(Put("rolled-back"));
  feed.EndBatch(false);
  EXPECT_EQ(feed.CurrentToken(), start);
  feed.BeginBatch();
  feed.Note(Put("one"));
  feed.Note(Put("two"));
  EXPECT_EQ(feed.CurrentToken(), start);  // not durable yet: not published
  feed.EndBatch(true);
  ChangeFeed::Answer a = WatchFor(feed, start, milliseconds(5000));
  ASSERT_EQ(a.changes.size(), 2u);
  EXPECT_EQ(a.changes[0].name, "one");
  EXPECT_EQ(a.changes[0].sequence + 1, a.changes[1].sequence);
}

TEST(ChangeFeedTest, TokensOfAnotherRunOrTooOldAnswerReset) {
  ChangeFeed feed(/*retained=*/2);
  ChangeFeed other;
  EXPECT_TRUE(WatchFor(feed, other.CurrentToken(), milliseconds(5000)).reset);
  EXPECT_TRUE(WatchFor(feed, "garbage", milliseconds(5000)).reset);
  const std::string start = feed.CurrentToken();
  EXPECT_TRUE(WatchFor(feed, start.substr(0, start.find('.')) + ".5", milliseconds(5000))
                  .reset);  // beyond the end
  for (int i = 0; i < 5; ++i) feed.Note(Put("n" + std::to_string(i)));
  ChangeFeed::Answer a = WatchFor(feed, start, milliseconds(5000));  // 3 changes left the window
  EXPECT_TRUE(a.reset);
  EXPECT_EQ(a.next_token, feed.CurrentToken());
}

TEST(ChangeFeedTest, ShutdownAnswersEveryWatcher) {
  auto feed = std::make_unique<ChangeFeed>();
  std::promise<void> answered;
  feed->Watch(feed->CurrentToken(), milliseconds(20000), nullptr,
              [&answered](ChangeFeed::Answer a) {
                EXPECT_TRUE(a.changes.empty());
                answered.set_value();
              });
  feed->Shutdown();
  EXPECT_EQ(answered.get_future().wait_for(std::chrono::seconds(1)), std::future_status::ready);
  // After shutdown a watch is answered at once.
  bool at_once = false;
  feed->Watch(feed->CurrentToken(), milliseconds(20000), nullptr,
              [&at_once](ChangeFeed::Answer) { at_once = true; });
  EXPECT_TRUE(at_once);
}

// Several nodes (issue 24): local changes are relayed, a peer's are not.
TEST(ChangeFeedTest, RelaysLocalChangesOnlyAndPublishesPeers) {
  ChangeFeed feed;
  std::vector<std::string> relayed;
  feed.SetRelay([&relayed](const std::vector<ChangeFeed::Change>& changes) {
    for (const auto& c : changes) relayed.push_back(c.name);
  });
  const std::string start = feed.CurrentToken();
  feed.Note(Put("local"));
  feed.BeginBatch();
  feed.Note(Put("batched"));
  feed.EndBatch(/*committed=*/false);
  feed.NoteFromPeer(Put("peer"));
  EXPECT_EQ(relayed, (std::vector<std::string>{"local"}));
  ChangeFeed::Answer a = WatchFor(feed, start, milliseconds(1000));
  ASSERT_EQ(a.changes.size(), 2u);
  EXPECT_EQ(a.changes[0].name, "local");
  EXPECT_EQ(a.changes[1].name, "peer");
}

// Reset (the notice channel was lost): parked watchers and older tokens
// answer Reset; tokens issued after it work.
TEST(ChangeFeedTest, ResetAnswersParkedWatchersAndOlderTokens) {
  ChangeFeed feed;
  feed.Note(Put("a"));
  const std::string before = feed.CurrentToken();
  ChangeFeed::Answer parked =
      WatchFor(feed, before, milliseconds(5000), nullptr, [&feed] { feed.Reset(); });
  EXPECT_TRUE(parked.reset);
  EXPECT_TRUE(parked.changes.empty());
  EXPECT_TRUE(WatchFor(feed, before, milliseconds(0)).reset);
  const std::string after = parked.next_token;
  EXPECT_NE(after, before);
  ChangeFeed::Answer fresh =
      WatchFor(feed, after, milliseconds(5000), nullptr, [&feed] { feed.Note(Put("b")); });
  EXPECT_FALSE(fresh.reset);
  ASSERT_EQ(fresh.changes.size(), 1u);
  EXPECT_EQ(fresh.changes[0].name, "b");
  EXPECT_FALSE(WatchFor(feed, fresh.next_token, milliseconds(0)).reset);
}

}  // namespace
}  // namespace coffer::server
